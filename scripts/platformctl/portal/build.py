"""`make portal`: gather the inputs, compute the pages, render them and write build/portal/ in one swap.

The site is written to a staging directory next to build/portal/ and renamed over it at the end, so
a failed build (a spec Redoc cannot read, a missing `dot`) leaves the previous site as it was.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformctl.errors import UsageError
from platformctl.portal import render, search, tools
from platformctl.portal.pages import api_pages, table_pages
from platformctl.portal.pricing import warehouse_environments
from platformctl.portal.routing import routing_environments
from platformctl.portal.sources import PortalInputs, gather, rendered_spec
from platformctl.portal.topology import topology


@dataclass(frozen=True)
class BuildReport:
    output: Path
    html_pages: int
    api_pages: int
    table_pages: int
    references: int
    diagrams: int
    seconds: float


def site_of(inputs: PortalInputs, generated_at: str) -> render.Site:
    apis = api_pages(inputs)
    tables = table_pages(inputs)
    routing = routing_environments(inputs)
    warehouse = warehouse_environments(inputs)
    environments = list(inputs.environments)
    sources = tuple(
        file
        for env in environments
        for file in (inputs.state(env).plan_file, inputs.state(env).outputs_file)
        if file is not None
    )
    return render.Site(
        apis=apis,
        tables=tables,
        routing=routing,
        warehouse=warehouse,
        environments=environments,
        search=search.entries(apis, tables, routing, warehouse, environments),
        generated_at=generated_at,
        sources=sources,
    )


def _write(base: Path, relative: str, content: str) -> None:
    path = base / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


# Marks a directory as a portal build: only such a directory (or an empty one) is ever replaced.
MARKER = ".portal-build"


def check_replaceable(output: Path) -> None:
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).is_file())):
        raise UsageError(
            f"refusing to replace {output}: it is not a portal build (no {MARKER}); choose another --output"
        )


def build_site(root: Path, config_dir: Path, build_dir: Path, output: Path) -> BuildReport:
    started = time.perf_counter()
    check_replaceable(output)
    inputs = gather(root, config_dir, build_dir)
    site = site_of(inputs, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        pages = render.site_pages(site)
        for relative, html in {**pages, **render.static_files()}.items():
            _write(staging, relative, html)
        _write(staging, "search.json", search.index_json(site.search))
        _write(staging, MARKER, "Built by `platformctl portal build`; the next build replaces this directory.\n")
        _write(staging, "search-index.js", search.index_script(site.search))
        for env_name, env in inputs.environments.items():
            dot_source = topology(env).dot(f"{env_name}: accounts, resources and flows")
            _write(staging, f"environments/topology-{env_name}.dot", dot_source)
            _write(staging, f"environments/topology-{env_name}.svg", tools.render_svg(dot_source))
        for entry in inputs.catalog.apis:
            # The spec is a templatefile() template: rendered with the linter's stand-ins, Redoc reads YAML.
            rendered = rendered_spec(root, entry.spec_path, entry.template_vars)
            spec = staging / "apis" / entry.name / "openapi.yaml"
            _write(staging, f"apis/{entry.name}/openapi.yaml", rendered)
            tools.build_reference(root, spec, spec.with_name("reference.html"), f"{entry.name} API reference")
        # The old site steps aside under a name as unique as the staging directory's (never a fixed
        # sibling someone may own), and is removed only once the new one is in place.
        retired = staging.with_name(staging.name + "-old")
        if output.exists():
            output.rename(retired)
        staging.rename(output)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        old = staging.with_name(staging.name + "-old")
        if old.exists() and not output.exists():
            old.rename(output)  # the swap failed half-way: the previous site comes back
        raise
    return BuildReport(
        output=output,
        html_pages=len(pages) + len(inputs.catalog.apis),
        api_pages=len(site.apis),
        table_pages=len(site.tables),
        references=len(inputs.catalog.apis),
        diagrams=len(inputs.environments),
        seconds=time.perf_counter() - started,
    )
