"""`platformctl portal ...`: the developer portal (a static site under build/portal/)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

_console = Console(highlight=False, soft_wrap=True)


@click.group()
def group() -> None:
    """The developer portal: every API, table, event route and warehouse as a static site."""


@group.command("build")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of the site (default: build/portal).",
)
def build(output: Path | None) -> None:
    """Build the site from the catalog and each environment's latest plan and outputs (offline)."""
    from platformctl.paths import BUILD_DIR, CONFIG_DIR, ROOT
    from platformctl.portal.build import build_site

    report = build_site(ROOT, CONFIG_DIR, BUILD_DIR, (output or BUILD_DIR / "portal").resolve())
    shown = report.output.relative_to(ROOT) if report.output.is_relative_to(ROOT) else report.output
    _console.print(
        Text(
            f"portal built in {shown}/ in {report.seconds:.1f} s: {report.html_pages} HTML pages "
            f"({report.api_pages} APIs, {report.references} API references, {report.table_pages} tables, "
            f"{report.diagrams} topology diagrams); open {shown}/index.html"
        )
    )
