"""`platformctl openapi ...`: lint OpenAPI specs for API Gateway and the platform's rules.

`--format text` (default) prints one line per finding, `<file>:<line>: <RULE-ID> [warning: |info: ]
<message>`; `json`, `sarif` (SARIF 2.1.0) and `gitlab` (GitLab Code Quality) print one document.
The summary goes to stderr. Exit status: 0 without errors, 1 with an error, 3 with more warnings
than `--max-warnings` (see report.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from platformctl.errors import UsageError
from platformctl.openapi.catalog_specs import display, lint_catalog, load_api_catalog, variables_for
from platformctl.openapi.document import CatalogVariable
from platformctl.openapi.engine import lint_file
from platformctl.openapi.model import RETIRED_RULES, Finding
from platformctl.openapi.report import FORMATS, counts, exit_status, render
from platformctl.openapi.ruledocs import ordered_rules, rules_markdown
from platformctl.openapi.rules_aws import DEFAULT_RESOURCE_LIMIT

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


def _report(findings: list[Finding], checked: int, output_format: str, max_warnings: int | None) -> None:
    click.echo(render(findings, output_format), nl=False)
    tally = counts(findings)
    status = exit_status(findings, max_warnings)
    style = "red" if status else ("yellow" if tally["warning"] else "green")
    budget = f" (at most {max_warnings} allowed)" if max_warnings is not None else ""
    _err.print(
        f"[{style}]{checked} spec(s) checked: {tally['error']} error(s), {tally['warning']} warning(s){budget}, "
        f"{tally['info']} info[/{style}]"
    )
    if status:
        sys.exit(status)


_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: one line per finding; json; sarif (SARIF 2.1.0); gitlab (GitLab Code Quality report).",
)
_max_warnings_option = click.option(
    "--max-warnings",
    type=click.IntRange(0),
    default=None,
    help="Fail (exit 3) when there are more warnings than this. Default: warnings never fail.",
)
_max_resources_option = click.option(
    "--max-resources",
    type=click.IntRange(1),
    default=DEFAULT_RESOURCE_LIMIT,
    show_default=True,
    help="The account's API Gateway quota of resources per REST API (APIGW023).",
)
_validate_option = click.option(
    "--validate/--no-validate", default=True, help="Validate against the OpenAPI schema (OAS001)."
)
_cache_option = click.option(
    "--cache/--no-cache", default=True, help="Reuse validator results for unchanged specs (build/cache)."
)


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
@_validate_option
@_cache_option
@_format_option
@_max_warnings_option
@_max_resources_option
def lint(
    specs: tuple[Path, ...],
    catalog_vars: tuple[str, ...],
    catalog: bool,
    validate: bool,
    cache: bool,
    output_format: str,
    max_warnings: int | None,
    max_resources: int,
) -> None:
    """Lint SPEC files (templatefile() templates of OpenAPI 3.0 or 2.0 documents)."""
    explicit = _parse_vars(catalog_vars) if catalog_vars else None
    entries = load_api_catalog(_root()) if explicit is None and catalog else []
    findings: list[Finding] = []
    for spec in specs:
        variables = explicit if explicit is not None else variables_for(spec, entries) or {}
        findings.extend(
            lint_file(
                spec,
                display=display(spec, _root()) if not spec.is_absolute() else str(spec),
                catalog_vars=variables,
                validate_document=validate,
                cache_dir=_cache_dir(cache),
                resource_limit=max_resources,
            )
        )
    _report(findings, len(specs), output_format, max_warnings)


@group.command("lint-catalog")
@_validate_option
@_cache_option
@_format_option
@_max_warnings_option
@_max_resources_option
def lint_catalog_command(
    validate: bool, cache: bool, output_format: str, max_warnings: int | None, max_resources: int
) -> None:
    """Lint every spec referenced by config/apis/*.yaml with the variables its entry adds."""
    entries, findings = lint_catalog(
        _root(), validate_document=validate, cache_dir=_cache_dir(cache), resource_limit=max_resources
    )
    _report(findings, len({e.spec_file for e in entries}), output_format, max_warnings)


@group.command("rules")
@click.option("--markdown", is_flag=True, help="Print the Markdown table of config/apis/README.md instead.")
def rules(markdown: bool) -> None:
    """List the linter's rules: severity, what API Gateway itself does, whether it can be ignored."""
    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    table = Table("rule", "severity", "API Gateway", "per-operation ignore", "checks")
    for rule in ordered_rules():
        table.add_row(
            rule.id, rule.severity.value, rule.aws.value, "yes" if rule.suppressible else "no", escape(rule.summary)
        )
    for rule_id, reason in RETIRED_RULES.items():
        table.add_row(rule_id, "retired", "", "", escape(reason))
    Console(highlight=False).print(table)
