"""The search index: one entry per page, with the words a person would search for.

Written twice by the build: search.json (the prebuilt index, for tools) and search-index.js (the
same list assigned to a global, because browsers refuse fetch() of file:// URLs and the portal must
work opened straight from build/portal/).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from platformctl.portal.pages import ApiPage, TablePage
from platformctl.portal.pricing import WarehouseEnvironment
from platformctl.portal.routing import RoutingEnvironment


@dataclass(frozen=True)
class SearchEntry:
    title: str
    url: str  # relative to the site root
    kind: str
    summary: str
    keywords: str


def entries(
    apis: list[ApiPage],
    tables: list[TablePage],
    routing: list[RoutingEnvironment],
    warehouse: list[WarehouseEnvironment],
    environments: list[str],
) -> list[SearchEntry]:
    found = [
        SearchEntry(
            title=f"API {api.name}",
            url=api.url,
            kind="api",
            summary=api.description,
            keywords=" ".join(
                [api.name, api.owner, api.spec_path, *(v.env for v in api.environments)]
                + [v.base_path or "" for v in api.environments]
                + [v.domain_name or "" for v in api.environments]
                + [t.name for v in api.environments for t in v.tiers]
                + [f"{op.operation_id} {op.path}" for op in api.operations]
            ),
        )
        for api in apis
    ]
    found += [
        SearchEntry(
            title=f"API reference {api.name}",
            url=api.reference_url,
            kind="reference",
            summary=f"Redoc reference of {api.spec_path}",
            keywords=f"{api.name} openapi spec reference operations",
        )
        for api in apis
    ]
    found += [
        SearchEntry(
            title=f"Table {table.table}",
            url=table.url,
            kind="table",
            summary=table.description,
            keywords=" ".join([table.table, *(c.path for c in table.columns), *(v.stream for v in table.environments)]),
        )
        for table in tables
    ]
    found.append(
        SearchEntry(
            title="Event routing",
            url="routing.html",
            kind="routing",
            summary="Priority rules, patterns, queues, DLQs, archive and source accounts per environment",
            keywords=" ".join(
                ["eventbridge bus queue dlq archive high-priority standard"]
                + [line for env in routing for line in env.sources]
            ),
        )
    )
    found.append(
        SearchEntry(
            title="Warehouse",
            url="warehouse.html",
            kind="warehouse",
            summary="Redshift Serverless capacity, usage limits and list-price cost per environment",
            keywords=" ".join(["redshift serverless rpu cost usage limits"] + [w.namespace for w in warehouse]),
        )
    )
    found += [
        SearchEntry(
            title=f"Topology {env}",
            url=f"environments/{env}.html",
            kind="environment",
            summary=f"Accounts, resources and flows of {env}",
            keywords=f"{env} accounts topology diagram",
        )
        for env in environments
    ]
    found.append(
        SearchEntry(
            title="Bootstrap a new API",
            url="apis/new.html",
            kind="how-to",
            summary="platformctl api new NAME --owner TEAM",
            keywords="new api bootstrap onboarding platformctl",
        )
    )
    return found


def index_json(found: list[SearchEntry]) -> str:
    return json.dumps([asdict(e) for e in found], indent=1, sort_keys=True) + "\n"


def index_script(found: list[SearchEntry]) -> str:
    # json.dumps escapes nothing HTML-relevant here: the file is a script, never inlined into HTML.
    return "window.PORTAL_INDEX = " + json.dumps([asdict(e) for e in found], sort_keys=True) + ";\n"
