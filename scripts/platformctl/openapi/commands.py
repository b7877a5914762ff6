"""`platformctl openapi ...`: lint OpenAPI specs for API Gateway and the platform's rules.

Output is one line per finding, `<file>:<line>: <RULE-ID> <message>`, on stdout; a summary goes to
stderr. Exit status 1 when any finding is an error; warnings alone exit 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from platformctl.errors import UsageError
from platformctl.openapi.catalog_specs import display, lint_catalog, load_api_catalog, variables_for
from platformctl.openapi.document import CatalogVariable
from platformctl.openapi.engine import lint_text
from platformctl.openapi.model import RULES, Finding, has_errors

_err = Console(stderr=True, highlight=False)


def _root() -> Path:
    from platformctl.paths import ROOT

    return ROOT


def _cache_dir(enabled: bool) -> Path | None:
    from platformctl.paths import BUILD_DIR

    return BUILD_DIR / "cache" / "openapi-lint" if enabled else None


def _parse_vars(pairs: tuple[str, ...]) -> dict[str, CatalogVariable]:
    result: dict[str, CatalogVariable] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--catalog-vars expects NAME=VALUE, got {pair!r}")
        result[name.strip()] = CatalogVariable(value)
    return result


def _report(findings: list[Finding], checked: int) -> None:
    for finding in findings:
        click.echo(str(finding))
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    style = "red" if errors else ("yellow" if warnings else "green")
    _err.print(f"[{style}]{checked} spec(s) checked: {errors} error(s), {warnings} warning(s)[/{style}]")
    if has_errors(findings):
        sys.exit(1)


@click.group(name="openapi")
def group() -> None:
    """OpenAPI specs: API Gateway compatibility and platform rules."""


@group.command("lint")
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--catalog-vars",
    "--catalog-var",
    "catalog_vars",
    multiple=True,
    metavar="NAME=VALUE",
    help="A template variable the catalog entry adds (repeatable). Default: the template_vars of the "
    "config/apis entry that references SPEC.",
)
@click.option("--catalog/--no-catalog", default=True, help="Look up template_vars in config/apis (default: on).")
@click.option("--validate/--no-validate", default=True, help="Run openapi-spec-validator (the slow part).")
@click.option("--cache/--no-cache", default=True, help="Reuse validator results for unchanged specs (build/cache).")
def lint(specs: tuple[Path, ...], catalog_vars: tuple[str, ...], catalog: bool, validate: bool, cache: bool) -> None:
    """Lint SPEC files (templatefile() templates of OpenAPI 3.0 documents)."""
    explicit = _parse_vars(catalog_vars) if catalog_vars else None
    entries = load_api_catalog(_root()) if explicit is None and catalog else []
    findings: list[Finding] = []
    for spec in specs:
        variables = explicit if explicit is not None else variables_for(spec, entries) or {}
        findings.extend(
            lint_text(
                spec.read_text(encoding="utf-8"),
                display(spec, _root()) if not spec.is_absolute() else str(spec),
                catalog_vars=variables,
                validate_document=validate,
                cache_dir=_cache_dir(cache),
            )
        )
    _report(findings, len(specs))


@group.command("lint-catalog")
@click.option("--validate/--no-validate", default=True, help="Run openapi-spec-validator (the slow part).")
@click.option("--cache/--no-cache", default=True, help="Reuse validator results for unchanged specs (build/cache).")
def lint_catalog_command(validate: bool, cache: bool) -> None:
    """Lint every spec referenced by config/apis/*.yaml with the variables its entry adds."""
    entries, findings = lint_catalog(_root(), validate_document=validate, cache_dir=_cache_dir(cache))
    _report(findings, len({e.spec_file for e in entries}))


@group.command("rules")
def rules() -> None:
    """List the linter's rules."""
    table = Table("rule", "severity", "per-operation ignore", "checks")
    order = {"OAS": 0, "APIGW": 1, "PLAT": 2}
    for rule in sorted(RULES.values(), key=lambda r: (order.get(r.id.rstrip("0123456789"), 9), r.id)):
        table.add_row(rule.id, rule.severity.value, "yes" if rule.suppressible else "no", rule.summary)
    Console(highlight=False).print(table)
