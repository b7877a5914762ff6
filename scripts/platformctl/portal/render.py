"""HTML of every portal page from the page data, through the Jinja2 templates next to this file.

Autoescaping is on for every template: catalog text (descriptions, owners) is never markup.
`site_pages` returns {relative path: HTML}; writing them is the build's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from platformctl.portal.pages import ApiPage, TablePage
from platformctl.portal.pricing import WarehouseEnvironment
from platformctl.portal.routing import RoutingEnvironment
from platformctl.portal.search import SearchEntry

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


@dataclass(frozen=True)
class Site:
    apis: list[ApiPage]
    tables: list[TablePage]
    routing: list[RoutingEnvironment]
    warehouse: list[WarehouseEnvironment]
    environments: list[str]
    search: list[SearchEntry]
    generated_at: str
    sources: tuple[str, ...]  # the plan/outputs files the build read


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _root_of(path: str) -> str:
    """The relative prefix from a page back to the site root: apis/x/index.html -> ../../"""
    return "../" * path.count("/")


def site_pages(site: Site) -> dict[str, str]:
    jinja = _environment()
    pages: dict[str, tuple[str, dict[str, object]]] = {
        "index.html": ("index.html", {}),
        "search.html": ("search.html", {}),
        "routing.html": ("routing.html", {}),
        "warehouse.html": ("warehouse.html", {}),
        "apis/new.html": ("new_api.html", {}),
    }
    pages.update({api.url: ("api.html", {"api": api}) for api in site.apis})
    pages.update({table.url: ("table.html", {"table": table}) for table in site.tables})
    pages.update({f"environments/{env}.html": ("environment.html", {"env": env}) for env in site.environments})
    return {
        path: jinja.get_template(template).render(site=site, root=_root_of(path), page_path=path, **context)
        for path, (template, context) in pages.items()
    }


def static_files() -> dict[str, str]:
    return {f"static/{path.name}": path.read_text(encoding="utf-8") for path in sorted(STATIC.iterdir())}
