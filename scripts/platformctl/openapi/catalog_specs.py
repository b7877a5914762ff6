"""The specs referenced by the API catalog (config/apis/*.yaml), with the variables each entry adds.

Used by `platformctl openapi lint-catalog` (every spec, as `make test` runs it) and by `lint SPEC`
(which picks up the template variables of the entry that references SPEC, so
`make lint-openapi SPEC=config/apis/specs/orders.yaml` needs no extra flags).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from platformctl.catalog.apis import ApiEntry, load_api_entries
from platformctl.openapi.document import CatalogVariable
from platformctl.openapi.engine import lint_file
from platformctl.openapi.model import Finding
from platformctl.openapi.rules_aws import DEFAULT_RESOURCE_LIMIT


@dataclass(frozen=True)
class CatalogSpec:
    entry_file: str
    entry: ApiEntry
    spec_file: Path
    variables: dict[str, CatalogVariable]


def display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def load_api_catalog(root: Path) -> list[CatalogSpec]:
    """Read every config/apis/*.yaml under `root`; raise CatalogError listing every problem."""
    return [
        CatalogSpec(
            loaded.document.display,
            loaded.entry,
            loaded.spec_file,
            {
                name: CatalogVariable(value, loaded.document.display, loaded.document.line_of(("template_vars", name)))
                for name, value in loaded.entry.template_vars.items()
            },
        )
        for loaded in load_api_entries(root)
    ]


def variables_for(spec_file: Path, catalog: Iterable[CatalogSpec]) -> dict[str, CatalogVariable] | None:
    """Template variables that catalog entries referencing `spec_file` add (None: not in the catalog)."""
    target = spec_file.resolve()
    found: dict[str, CatalogVariable] | None = None
    for item in catalog:
        if item.spec_file.resolve() == target:
            found = {**(found or {}), **item.variables}
    return found


def lint_catalog(
    root: Path,
    *,
    validate_document: bool = True,
    cache_dir: Path | None = None,
    resource_limit: int = DEFAULT_RESOURCE_LIMIT,
) -> tuple[list[CatalogSpec], list[Finding]]:
    """Lint every spec of the catalog with the variables its entry adds."""
    catalog = load_api_catalog(root)
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for item in catalog:
        for finding in lint_file(
            item.spec_file,
            display=display(item.spec_file, root),
            catalog_vars=item.variables,
            validate_document=validate_document,
            cache_dir=cache_dir,
            resource_limit=resource_limit,
        ):
            if finding not in seen:
                seen.add(finding)
                findings.append(finding)
    return catalog, findings
