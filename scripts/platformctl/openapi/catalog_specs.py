"""The specs referenced by the API catalog (config/apis/*.yaml), with the variables each entry adds.

Used by `platformctl openapi lint-catalog` (every spec, as `make test` runs it) and by `lint SPEC`
(which picks up the template variables of the entry that references SPEC, so
`make lint-openapi SPEC=config/apis/specs/orders.yaml` needs no extra flags).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from platformctl.catalog.apis import CATALOG_DIR, ApiEntry
from platformctl.catalog.yamlsource import read_yaml
from platformctl.errors import CatalogError, CatalogProblem
from platformctl.openapi.document import CatalogVariable
from platformctl.openapi.engine import lint_text
from platformctl.openapi.model import Finding


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
    problems: list[CatalogProblem] = []
    specs: list[CatalogSpec] = []
    for path in sorted((root / CATALOG_DIR).glob("*.y*ml")):
        shown = display(path, root)
        try:
            document = read_yaml(path, shown)
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        try:
            entry = ApiEntry.model_validate(document.data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
                problems.append(document.problem(loc, str(error["msg"]).removeprefix("Value error, ")))
            continue
        if entry.name != path.stem:
            problems.append(document.problem(("name",), f"must be {path.stem!r} to match the file name"))
            continue
        spec_file = root / entry.spec_path
        if not spec_file.is_file():
            problems.append(document.problem(("spec",), f"{entry.spec_path} does not exist"))
            continue
        variables = {
            name: CatalogVariable(value, shown, document.line_of(("template_vars", name)))
            for name, value in entry.template_vars.items()
        }
        specs.append(CatalogSpec(shown, entry, spec_file, variables))
    if problems:
        raise CatalogError(problems)
    return specs


def variables_for(spec_file: Path, catalog: Iterable[CatalogSpec]) -> dict[str, CatalogVariable] | None:
    """Template variables that catalog entries referencing `spec_file` add (None: not in the catalog)."""
    target = spec_file.resolve()
    found: dict[str, CatalogVariable] | None = None
    for item in catalog:
        if item.spec_file.resolve() == target:
            found = {**(found or {}), **item.variables}
    return found


def lint_catalog(
    root: Path, *, validate_document: bool = True, cache_dir: Path | None = None
) -> tuple[list[CatalogSpec], list[Finding]]:
    """Lint every spec of the catalog with the variables its entry adds."""
    catalog = load_api_catalog(root)
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for item in catalog:
        for finding in lint_text(
            item.spec_file.read_text(encoding="utf-8"),
            display(item.spec_file, root),
            catalog_vars=item.variables,
            validate_document=validate_document,
            cache_dir=cache_dir,
        ):
            if finding not in seen:
                seen.add(finding)
                findings.append(finding)
    return catalog, findings
