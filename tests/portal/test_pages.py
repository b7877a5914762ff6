"""Page data from the resolved model: what each page says is what the catalog and the plan say."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from platformctl.catalog import Catalog
from platformctl.catalog.streams import parse_type
from platformctl.openapi.model import Finding, Severity
from platformctl.planjson import Plan
from platformctl.portal import render, search
from platformctl.portal.build import site_of
from platformctl.portal.pages import (
    LAKEHOUSE_MODULE,
    api_module,
    api_pages,
    column_rows,
    lint_status,
    operations,
    plan_summary,
    routing_query,
    table_pages,
)
from platformctl.portal.pricing import warehouse_environments
from platformctl.portal.routing import routing_environment, routing_environments
from platformctl.portal.sources import EnvironmentState, PortalInputs
from platformctl.portal.topology import quote, topology


def test_one_api_page_per_catalog_entry_with_its_owner_and_environments(
    portal_inputs: PortalInputs, catalog: Catalog
) -> None:
    pages = {page.name: page for page in api_pages(portal_inputs)}
    assert sorted(pages) == sorted(entry.name for entry in catalog.apis)
    for entry in catalog.apis:
        page = pages[entry.name]
        assert page.owner == entry.owner
        assert page.description == entry.description
        assert [view.env for view in page.environments] == [
            env for env in portal_inputs.environments if env in entry.environments
        ]


def test_api_environment_shows_the_resolved_settings(portal_inputs: PortalInputs) -> None:
    for page in api_pages(portal_inputs):
        for view in page.environments:
            resolved = portal_inputs.environments[view.env].apis[page.name]
            assert view.throttle_burst == resolved.throttling.burst_limit
            assert view.authorizer_function == resolved.authorizer.function_arn
            assert [tier.name for tier in view.tiers] == sorted(resolved.usage_plans)
            for tier in view.tiers:
                plan = resolved.usage_plans[tier.name]
                assert (tier.burst_limit, tier.rate_limit) == (plan.throttle.burst_limit, plan.throttle.rate_limit)
                assert tier.quota == (f"{plan.quota.limit} per {plan.quota.period}" if plan.quota else "none")
                assert f"--api {page.name} --tier {tier.name}" in tier.issue_key
            thresholds = dict(view.alarms)
            assert f"{resolved.alarms.latency_p95_ms} ms" in thresholds["Latency p95"]
            if resolved.custom_domain is not None:
                assert view.base_path == resolved.custom_domain.mapping_key
                expected = f"https://{resolved.custom_domain.domain_name}/{resolved.custom_domain.mapping_key}"
                assert [(u.url, u.source) for u in view.urls] == [(expected, "catalog")]


def test_deployed_invoke_url_comes_from_the_outputs(portal_inputs: PortalInputs) -> None:
    name = sorted(portal_inputs.environments["local"].apis)[0]
    outputs = {"apis": {name: {"invoke_url": "https://abc123.execute-api.us-east-1.amazonaws.com/live"}}}
    inputs = dataclasses.replace(portal_inputs, states={"local": EnvironmentState(outputs=outputs)})
    page = next(p for p in api_pages(inputs) if p.name == name)
    local = next(v for v in page.environments if v.env == "local")
    assert local.urls[0].url == "https://abc123.execute-api.us-east-1.amazonaws.com/live"
    assert local.urls[0].source == "outputs"


def _change(address: str, module: str, actions: list[str], after: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "address": address,
        "module_address": module,
        "mode": "managed",
        "type": address.split(".")[-2],
        "name": address.split(".")[-1],
        "change": {"actions": actions, "after": after or {}},
    }


def test_plan_summary_counts_the_module_instance_and_not_a_sibling_with_the_same_prefix() -> None:
    orders = api_module("orders")
    plan = Plan.of(
        {
            "format_version": "1.2",
            "resource_changes": [
                _change(f"{orders}.aws_api_gateway_rest_api.this", orders, ["create"]),
                _change(f"{orders}.module.x.aws_sns_topic.t", f"{orders}.module.x", ["update"]),
                _change(
                    'module.platform.module.api["orders2"].aws_api_gateway_rest_api.this',
                    'module.platform.module.api["orders2"]',
                    ["create"],
                ),
            ],
        }
    )
    summary = plan_summary(plan, "build/local/plan.json", orders)
    assert summary is not None
    assert summary.resources == 2
    assert dict(summary.changes) == {"create": 1, "update": 1}
    assert plan_summary(None, None, orders) is None


def test_lint_status_counts_and_orders_findings_worst_first() -> None:
    findings = [
        Finding("spec.yaml", 9, "APIGW020", Severity.WARNING, "minItems"),
        Finding("spec.yaml", 3, "PLAT003", Severity.ERROR, "no security"),
    ]
    status = lint_status(findings)
    assert (status.errors, status.warnings, status.infos) == (1, 1, 0)
    assert status.verdict == "fails"
    assert [f.rule for f in status.findings] == ["PLAT003", "APIGW020"]
    assert lint_status([]).verdict == "passes"


def test_nested_struct_columns_get_a_row_per_field() -> None:
    rows = column_rows("type", parse_type("struct<device:string,event:string>"), "the event")
    assert [(r.path, r.depth, r.type) for r in rows] == [
        ("type", 0, "struct<device:string,event:string>"),
        ("type.device", 1, "string"),
        ("type.event", 1, "string"),
    ]
    lines = column_rows("lines", parse_type("array<struct<sku:string,price:struct<amount:decimal(10,2)>>>"))
    assert [r.path for r in lines] == ["lines", "lines[].sku", "lines[].price", "lines[].price.amount"]


def test_table_pages_show_columns_stream_route_and_warehouse_schema(
    portal_inputs: PortalInputs, catalog: Catalog
) -> None:
    pages = {page.table: page for page in table_pages(portal_inputs)}
    assert sorted(pages) == sorted(entry.table for entry in catalog.streams)
    for entry in catalog.streams:
        page = pages[entry.table]
        paths = [row.path for row in page.columns]
        assert [c.name for c in entry.columns] == [row.path for row in page.columns if row.depth == 0]
        for column in entry.columns:
            for field_name, _ in column.parsed_type.fields:
                assert f"{column.name}.{field_name}" in paths
        for view in page.environments:
            env = portal_inputs.environments[view.env]
            stream = env.lakehouse.streams[view.stream]
            assert entry.table in [d.table for d in stream.destinations]
            assert view.error_prefix == stream.error_output_prefix
            assert f"{stream.alarms.freshness_seconds} s" in view.freshness_alarm
            assert view.warehouse_schema == env.warehouse.external_schema_name
            if entry.route is not None:
                assert view.route == f"records where {entry.route.field} == {entry.route.equals!r}"
            else:
                assert view.route.startswith("every record")


def test_routing_uses_the_plans_patterns_and_names_when_there_is_a_plan(portal_inputs: PortalInputs) -> None:
    bus = "module.platform.module.central_bus"
    pattern = {"source": [{"prefix": "aws."}], "detail-type": ["GuardDuty Finding"]}
    plan = Plan.of(
        {
            "format_version": "1.2",
            "resource_changes": [
                _change(
                    f"{bus}.aws_cloudwatch_event_rule.high_priority",
                    bus,
                    ["create"],
                    {"name": "local-high-priority", "event_pattern": json.dumps(pattern)},
                ),
                _change(f"{bus}.aws_sqs_queue.high_priority", bus, ["create"], {"name": "local-events-high-priority"}),
                _change(f"{bus}.aws_sqs_queue.delivery_dlq", bus, ["create"], {"name": "local-events-delivery-dlq"}),
            ],
        }
    )
    env = portal_inputs.environments["local"]
    view = routing_environment(env, plan, "build/local/plan.json")
    high, standard = view.rules
    assert high.rule_name == "local-high-priority"
    assert json.loads(high.pattern or "") == pattern
    assert high.target_queue == "local-events-high-priority"
    assert high.delivery_dlq == "local-events-delivery-dlq"
    assert standard.rule_name is None and standard.pattern is None


def test_routing_without_a_plan_lists_the_merged_classification_and_sources(portal_inputs: PortalInputs) -> None:
    for view in routing_environments(portal_inputs):
        env = portal_inputs.environments[view.env]
        merged = env.central_bus.high_priority.classification()
        words = " | ".join(view.rules[0].matches)
        for source, names in merged["event_names"].items():
            assert f"{source}: {', '.join(names)}" in words
        if env.forwarder_stackset is None:
            assert [line.split()[1] for line in view.sources] == list(env.accounts.sources)
        else:
            assert any(ou in line for ou in env.forwarder_stackset.organizational_unit_ids for line in view.sources)
        assert f"{env.central_bus.archive_retention_days} days" in view.archive


def test_warehouse_cost_uses_the_dated_price_of_the_region_only(portal_inputs: PortalInputs) -> None:
    for view in warehouse_environments(portal_inputs):
        env = portal_inputs.environments[view.env]
        price = portal_inputs.prices["redshift_serverless_rpu_hour"].get(env.region)
        for row, limit in zip(view.limits, env.warehouse.usage_limits, strict=True):
            assert row.rpu_hours == limit.amount
            if price is None:
                assert row.cost is None
            else:
                assert row.cost == f"{limit.amount * price['price']:,.2f} {portal_inputs.prices['currency']}"
        assert (view.price is None) == (price is None)
        if view.price is not None:
            assert view.price.as_of == portal_inputs.prices["as_of"]


def test_topology_has_a_cluster_per_account_and_a_node_per_resource(portal_inputs: PortalInputs) -> None:
    for name, env in portal_inputs.environments.items():
        graph = topology(env)
        labels = {key: label for key, (label, _) in graph.clusters.items()}
        assert env.accounts.central in labels["central"]
        assert env.accounts.api in labels["api"]
        assert env.accounts.data in labels["data"]
        nodes = {node for _, members in graph.clusters.values() for node, _, _ in members}
        assert {f"api_{api}" for api in env.apis} <= nodes
        assert {f"table_{table}" for table in env.lakehouse.tables} <= nodes
        for account in env.forwarder_accounts:
            assert f"fwd_{account}" in nodes
        dot = graph.dot(name)
        for a, b, _ in graph.edges:
            assert f"{quote(a)} -> {quote(b)}" in dot


def test_dot_quoting_escapes_quotes_and_backslashes() -> None:
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'


def test_every_page_is_rendered_linked_from_the_index_and_searchable(portal_inputs: PortalInputs) -> None:
    site = site_of(portal_inputs, "now")
    pages = render.site_pages(site)
    assert {api.url for api in site.apis} | {table.url for table in site.tables} <= set(pages)
    index = pages["index.html"]
    for entry in site.search:
        assert f'href="{entry.url}"' in index
    assert {entry.url for entry in site.search} - {api.reference_url for api in site.apis} <= set(pages)
    listed = json.loads(search.index_script(site.search).removeprefix("window.PORTAL_INDEX = ").rstrip(";\n"))
    assert [e["url"] for e in listed] == [e.url for e in site.search]


def test_catalog_text_is_escaped_not_markup(portal_inputs: PortalInputs) -> None:
    site = site_of(portal_inputs, "now")
    page = dataclasses.replace(site.apis[0], description='<script>alert("x")</script>')
    html = render.site_pages(dataclasses.replace(site, apis=[page]))[page.url]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_api_page_shows_the_bootstrap_commands(portal_inputs: PortalInputs) -> None:
    site = site_of(portal_inputs, "now")
    for api in site.apis:
        html = render.site_pages(site)[api.url]
        assert f"platformctl api new {api.name} --owner {api.owner}" in html
        assert f"make lint-openapi SPEC=config/apis/specs/{api.name}.yaml" in html


def test_table_page_shows_the_planned_jq_routing_query(portal_inputs: PortalInputs) -> None:
    stream = next(iter(portal_inputs.environments["local"].lakehouse.streams))
    query = '{destinationTableName: (if .type.event == "x" then "x" else "y" end)}'
    after = {
        "iceberg_configuration": [
            {
                "processing_configuration": [
                    {
                        "processors": [
                            {
                                "parameters": [
                                    {"parameter_name": "JsonParsingEngine", "parameter_value": "JQ-1.6"},
                                    {"parameter_name": "MetadataExtractionQuery", "parameter_value": query},
                                ]
                            }
                        ]
                    }
                ]
            }
        ]
    }
    address = f'{LAKEHOUSE_MODULE}.aws_kinesis_firehose_delivery_stream.this["{stream}"]'
    plan = Plan.of(
        {"format_version": "1.2", "resource_changes": [_change(address, LAKEHOUSE_MODULE, ["create"], after)]}
    )
    assert routing_query(plan, stream) == query
    assert routing_query(plan, "another-stream") is None
    inputs = dataclasses.replace(portal_inputs, states={"local": EnvironmentState(plan=plan, plan_file="plan.json")})
    views = [v for page in table_pages(inputs) for v in page.environments if v.env == "local" and v.stream == stream]
    assert views and all(v.routing_query == query for v in views)


def test_the_build_never_replaces_a_directory_that_is_not_a_portal(tmp_path: Path) -> None:
    from platformctl.errors import UsageError
    from platformctl.portal.build import MARKER, check_replaceable

    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not a portal build"):
        check_replaceable(precious)
    check_replaceable(tmp_path / "absent")
    empty = tmp_path / "empty"
    empty.mkdir()
    check_replaceable(empty)
    (precious / MARKER).write_text("", encoding="utf-8")
    check_replaceable(precious)


def test_operations_say_what_a_caller_needs_per_operation() -> None:
    spec = {
        "components": {
            "securitySchemes": {
                "lambda-authorizer": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "x-amazon-apigateway-authtype": "custom",
                },
                "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            }
        },
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "summary": "Read A.",
                    "security": [{"lambda-authorizer": [], "api_key": []}],
                },
                "post": {"operationId": "postA", "security": [{"lambda-authorizer": []}, {"api_key": []}]},
            },
            "/health": {"get": {"x-platform-public": {"reason": "probe"}}},
            "/open": {"get": {}},
        },
    }
    rows = {(row.method, row.path): row for row in operations(spec)}
    assert rows[("GET", "/a")].access == (
        "Lambda authorizer (lambda-authorizer) and API key of a usage tier in x-api-key (api_key)"
    )
    assert (
        rows[("POST", "/a")].access
        == "Lambda authorizer (lambda-authorizer) or API key of a usage tier in x-api-key (api_key)"
    )
    assert rows[("GET", "/health")].access == "public: probe"
    assert rows[("GET", "/open")].access == "no security requirement"
    assert rows[("GET", "/a")].operation_id == "getA" and rows[("GET", "/a")].summary == "Read A."


def test_api_pages_list_every_operation_of_their_spec(portal_inputs: PortalInputs) -> None:
    for page in api_pages(portal_inputs):
        spec = portal_inputs.specs[page.spec_path]
        expected = {
            (method.upper(), path)
            for path, item in spec["paths"].items()
            for method in item
            if method in ("get", "put", "post", "delete", "options", "head", "patch")
        }
        assert {(op.method, op.path) for op in page.operations} == expected


def test_search_finds_an_api_by_its_operations_and_a_table_by_a_nested_column(portal_inputs: PortalInputs) -> None:
    site = site_of(portal_inputs, "now")
    by_url = {entry.url: entry for entry in site.search}
    for api in site.apis:
        for op in api.operations:
            assert op.operation_id in by_url[api.url].keywords
    for table in site.tables:
        for row in table.columns:
            assert row.path in by_url[table.url].keywords
