"""What the portal reads: the catalog, each environment's latest plan and outputs, the linter's findings.

Everything here is I/O; the page data (platformctl.portal.pages) is computed from the `PortalInputs`
this returns, so unit tests build `PortalInputs` from a catalog without touching build/.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.catalog import Catalog, EnvironmentInputs, load_catalog, resolve_all
from platformctl.errors import PlatformError
from platformctl.openapi.model import Finding
from platformctl.planjson import Plan

PRICES_FILE = Path(__file__).with_name("data") / "prices.json"


@dataclass(frozen=True)
class EnvironmentState:
    """The latest plan and outputs of one environment, each None when that file is absent."""

    plan: Plan | None = None
    plan_file: str | None = None
    outputs: Mapping[str, Any] | None = None
    outputs_file: str | None = None


@dataclass(frozen=True)
class PortalInputs:
    catalog: Catalog
    environments: dict[str, EnvironmentInputs]
    states: dict[str, EnvironmentState] = field(default_factory=dict)
    # Findings of the OpenAPI linter per spec path (repository-relative), as `make lint-openapi` reports them.
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    prices: Mapping[str, Any] = field(default_factory=dict)
    # Each catalog spec rendered with the linter's stand-ins and parsed by the linter's parser, by spec path.
    specs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def state(self, env: str) -> EnvironmentState:
        return self.states.get(env, EnvironmentState())


def load_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _outputs(path: Path) -> dict[str, Any]:
    """`terraform output -json` shape ({name: {value, type, sensitive}}) to {name: value}."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PlatformError(f"{path} is not JSON ({error}); re-run `make apply ENV=...` or delete it") from error
    if not isinstance(document, dict):
        raise PlatformError(f"{path} is not a `terraform output -json` document")
    return {
        name: entry.get("value")
        for name, entry in document.items()
        if isinstance(entry, dict) and not entry.get("sensitive")
    }


def environment_state(build_dir: Path, env: str, root: Path) -> EnvironmentState:
    plan_path = build_dir / env / "plan.json"
    outputs_path = build_dir / env / "outputs.json"
    return EnvironmentState(
        plan=Plan.load(plan_path) if plan_path.is_file() else None,
        plan_file=str(plan_path.relative_to(root)) if plan_path.is_file() else None,
        outputs=_outputs(outputs_path) if outputs_path.is_file() else None,
        outputs_file=str(outputs_path.relative_to(root)) if outputs_path.is_file() else None,
    )


def lint_findings(root: Path) -> dict[str, list[Finding]]:
    """Every catalog spec's findings, by spec path, with the same variables `make lint-openapi` uses."""
    from platformctl.openapi.catalog_specs import lint_catalog

    specs, findings = lint_catalog(root, cache_dir=root / "build" / "cache" / "openapi-lint")
    by_spec: dict[str, list[Finding]] = {item.entry.spec_path: [] for item in specs}
    for finding in findings:
        by_spec.setdefault(finding.file, []).append(finding)
    return by_spec


def rendered_spec(root: Path, spec_path: str, template_vars: Mapping[str, str]) -> str:
    """The spec as templatefile() would render it, with the linter's stand-ins for the platform's values."""
    from platformctl.openapi.source import read_spec
    from platformctl.openapi.template import lint_values, scan_and_render

    return scan_and_render(read_spec(root / spec_path), lint_values(template_vars))[1]


def parsed_specs(root: Path, catalog: Catalog) -> dict[str, Mapping[str, Any]]:
    """Spec path -> document; a spec the parser refuses is left out (its page shows the linter's OAS001)."""
    from platformctl.openapi.source import SpecParseError, parse

    found: dict[str, Mapping[str, Any]] = {}
    for entry in catalog.apis:
        try:
            data = parse(rendered_spec(root, entry.spec_path, entry.template_vars), is_json=False).data
        except SpecParseError:
            continue
        if isinstance(data, dict):
            found[entry.spec_path] = data
    return found


def gather(root: Path, config_dir: Path, build_dir: Path) -> PortalInputs:
    catalog = load_catalog(config_dir)
    environments = resolve_all(catalog)
    return PortalInputs(
        catalog=catalog,
        environments=environments,
        states={env: environment_state(build_dir, env, root) for env in environments},
        findings=lint_findings(root),
        prices=load_prices(),
        specs=parsed_specs(root, catalog),
    )
