"""Page data of the portal, computed from `PortalInputs` only: no files, no tools, no HTML.

Each function returns plain frozen dataclasses that a template prints as they are. Numbers and names
come from the resolved model (`EnvironmentInputs`), what an entry says once (owner) from the loaded
catalog, and deployed facts (invoke URLs, resource counts) from an environment's outputs and plan
when those files exist; the page says which of the three each fact came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from platformctl.catalog.apis import ApiEntry
from platformctl.catalog.inputs import ApiInputs, EnvironmentInputs, StreamInputs
from platformctl.catalog.streams import IcebergType, parse_type
from platformctl.openapi.model import Finding, Severity
from platformctl.planjson import Plan
from platformctl.portal.sources import PortalInputs

# Module instances of the composition (envs/<env>/platform.tf.json calls modules/platform).
PLATFORM_MODULE = "module.platform"


def api_module(name: str) -> str:
    return f'{PLATFORM_MODULE}.module.api["{name}"]'


LAKEHOUSE_MODULE = f"{PLATFORM_MODULE}.module.lakehouse"
WAREHOUSE_MODULE = f"{PLATFORM_MODULE}.module.warehouse"
CENTRAL_BUS_MODULE = f"{PLATFORM_MODULE}.module.central_bus"


@dataclass(frozen=True)
class PlanSummary:
    """Resources of one module instance in an environment's latest plan."""

    plan_file: str
    resources: int
    changes: tuple[tuple[str, int], ...]  # (kind, count), e.g. (("create", 25),)


def plan_summary(plan: Plan | None, plan_file: str | None, module: str) -> PlanSummary | None:
    if plan is None or plan_file is None:
        return None
    # The exact instance or what nests inside it, never a sibling whose key shares the prefix.
    changes = [c for c in plan.managed() if c.module == module or c.module.startswith(module + ".")]
    kinds = Counter(c.kind for c in changes)
    return PlanSummary(plan_file, len(changes), tuple(sorted(kinds.items())))


# -- APIs ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageTier:
    name: str
    burst_limit: int
    rate_limit: float
    quota: str  # "10000 per DAY", or "none"
    issue_key: str  # the command that issues a consumer's key on this tier (keys are not catalog data)


@dataclass(frozen=True)
class Url:
    label: str
    url: str
    source: str  # "outputs" (deployed), "catalog" (what the catalog asks for)


@dataclass(frozen=True)
class ApiEnvironmentView:
    env: str
    region: str
    api_account: str
    endpoint_type: str
    stage_name: str
    backend_endpoint: str
    vpc_link_id: str
    base_path: str | None
    domain_name: str | None
    creates_domain: bool
    urls: tuple[Url, ...]
    authorizer_function: str
    authorizer_header: str
    authorizer_identity_source: str
    throttle_burst: int
    throttle_rate: float
    tiers: tuple[UsageTier, ...]
    alarms: tuple[tuple[str, str], ...]  # (alarm, threshold in words)
    waf: str
    logging: str
    plan: PlanSummary | None


@dataclass(frozen=True)
class LintLine:
    rule: str
    severity: str
    line: int
    message: str


@dataclass(frozen=True)
class LintStatus:
    errors: int
    warnings: int
    infos: int
    findings: tuple[LintLine, ...]

    @property
    def verdict(self) -> str:
        if self.errors:
            return "fails"
        return "passes with warnings" if self.warnings else "passes"


@dataclass(frozen=True)
class OperationRow:
    method: str
    path: str
    operation_id: str
    summary: str
    access: str  # who may call it, in words


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _scheme_words(name: str, scheme: Any) -> str:
    if not isinstance(scheme, Mapping):
        return name
    if scheme.get("x-amazon-apigateway-authtype") == "custom" or "x-amazon-apigateway-authorizer" in scheme:
        return f"Lambda authorizer ({name})"
    if scheme.get("type") == "apiKey":
        return f"API key of a usage tier in {scheme.get('name', 'x-api-key')} ({name})"
    return name


def operations(spec: Mapping[str, Any]) -> tuple[OperationRow, ...]:
    """Each operation and what a caller needs for it (API Gateway reads security per operation only)."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or spec.get("securityDefinitions") or {}
    rows = []
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            public = op.get("x-platform-public")
            if isinstance(public, Mapping):
                access = f"public: {public.get('reason', '')}"
            else:
                requirements = [r for r in op.get("security") or [] if isinstance(r, Mapping)]
                access = (
                    " or ".join(
                        " and ".join(_scheme_words(name, schemes.get(name)) for name in requirement) or "anyone"
                        for requirement in requirements
                    )
                    or "no security requirement"
                )
            rows.append(
                OperationRow(
                    method.upper(), str(path), str(op.get("operationId", "")), str(op.get("summary", "")), access
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class ApiPage:
    name: str
    description: str
    owner: str
    spec_path: str
    entry_path: str
    stage_name: str
    tags: tuple[tuple[str, str], ...]
    environments: tuple[ApiEnvironmentView, ...]
    lint: LintStatus
    bootstrap_commands: tuple[str, ...]
    operations: tuple[OperationRow, ...] = ()

    @property
    def url(self) -> str:
        return f"apis/{self.name}/index.html"

    @property
    def reference_url(self) -> str:
        return f"apis/{self.name}/reference.html"


def lint_status(findings: list[Finding]) -> LintStatus:
    tally = Counter(f.severity for f in findings)
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.line, f.rule))
    return LintStatus(
        errors=tally[Severity.ERROR],
        warnings=tally[Severity.WARNING],
        infos=tally[Severity.INFO],
        findings=tuple(LintLine(f.rule, f.severity.value, f.line, f.message) for f in ordered),
    )


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g} %"


def _api_alarms(api: ApiInputs) -> tuple[tuple[str, str], ...]:
    a = api.alarms
    window = f"over {a.evaluation_periods} period(s) of {a.period_seconds} s"
    return (
        ("Latency p95", f"above {a.latency_p95_ms} ms {window}"),
        ("Latency p99", f"above {a.latency_p99_ms} ms {window}"),
        ("5XX error rate", f"above {_percent(a.error_5xx_rate)} of requests {window}"),
        ("4XX error rate", f"above {_percent(a.error_4xx_rate)} of requests {window}"),
    )


def _api_urls(api: ApiInputs, outputs: Mapping[str, Any] | None) -> tuple[Url, ...]:
    urls: list[Url] = []
    deployed = ((outputs or {}).get("apis") or {}).get(api.api_name) or {}
    if deployed.get("invoke_url"):
        urls.append(Url("Stage invoke URL", str(deployed["invoke_url"]), "outputs"))
    if api.custom_domain is not None:
        urls.append(
            Url(
                "Custom domain",
                f"https://{api.custom_domain.domain_name}/{api.custom_domain.mapping_key}",
                "catalog",
            )
        )
    return tuple(urls)


def bootstrap_commands(name: str, owner: str, base_path: str | None) -> tuple[str, ...]:
    """The exact commands that bootstrap an API like `name` (the page shows them for a new one)."""
    base = f" --base-path {base_path}" if base_path and base_path != f"v1/{name}" else ""
    return (
        f"platformctl api new {name} --owner {owner}{base}",
        "make tfvars",
        f"make lint-openapi SPEC=config/apis/specs/{name}.yaml",
    )


def api_environment(
    env: EnvironmentInputs, api: ApiInputs, state_outputs: Mapping[str, Any] | None, plan: PlanSummary | None
) -> ApiEnvironmentView:
    domain = api.custom_domain
    return ApiEnvironmentView(
        env=env.environment,
        region=env.region,
        api_account=env.accounts.api,
        endpoint_type=api.endpoint_type,
        stage_name=api.stage_name,
        backend_endpoint=api.backend_endpoint,
        vpc_link_id=api.vpc_link_id,
        base_path=domain.mapping_key if domain else None,
        domain_name=domain.domain_name if domain else None,
        creates_domain=bool(domain and domain.certificate_arn),
        urls=_api_urls(api, state_outputs),
        authorizer_function=api.authorizer.function_arn,
        authorizer_header=api.authorizer.header_name,
        authorizer_identity_source=api.authorizer.identity_source,
        throttle_burst=api.throttling.burst_limit,
        throttle_rate=api.throttling.rate_limit,
        tiers=tuple(
            UsageTier(
                name=tier,
                burst_limit=plan_.throttle.burst_limit,
                rate_limit=plan_.throttle.rate_limit,
                quota=f"{plan_.quota.limit} per {plan_.quota.period}" if plan_.quota else "none",
                issue_key=f"platformctl api keys issue --env {env.environment} --api {api.api_name} --tier {tier} "
                "--consumer NAME",
            )
            for tier, plan_ in sorted(api.usage_plans.items())
        ),
        alarms=_api_alarms(api),
        waf=api.waf.mode if api.waf.mode != "create" else f"create (rate limit {api.waf.rate_limit} per 5 min per IP)",
        logging=f"{api.logging.level}, {api.logging.retention_in_days} days"
        + (", full request/response bodies" if api.logging.data_trace_enabled else ""),
        plan=plan,
    )


def api_pages(inputs: PortalInputs) -> list[ApiPage]:
    pages = []
    for entry in sorted(inputs.catalog.apis, key=lambda e: e.name):
        views = []
        for env_name, env in inputs.environments.items():
            api = env.apis.get(entry.name)
            if api is None:
                continue
            state = inputs.state(env_name)
            views.append(
                api_environment(
                    env, api, state.outputs, plan_summary(state.plan, state.plan_file, api_module(entry.name))
                )
            )
        pages.append(_api_page(inputs, entry, tuple(views)))
    return pages


def _api_page(inputs: PortalInputs, entry: ApiEntry, views: tuple[ApiEnvironmentView, ...]) -> ApiPage:
    document = inputs.catalog.api_documents.get(entry.name)
    base_paths = [v.base_path for v in views if v.base_path]
    return ApiPage(
        name=entry.name,
        description=entry.description,
        owner=entry.owner,
        spec_path=entry.spec_path,
        entry_path=document.display if document is not None else f"config/apis/{entry.name}.yaml",
        stage_name=entry.stage_name,
        tags=tuple(sorted(entry.tags.items())),
        environments=views,
        lint=lint_status(inputs.findings.get(entry.spec_path, [])),
        bootstrap_commands=bootstrap_commands(entry.name, entry.owner, base_paths[0] if base_paths else None),
        operations=operations(inputs.specs.get(entry.spec_path) or {}),
    )


# -- Iceberg tables --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnRow:
    path: str  # customer_id, or type.device for a struct field
    depth: int
    type: str
    comment: str


def column_rows(name: str, parsed: IcebergType, comment: str = "", depth: int = 0, prefix: str = "") -> list[ColumnRow]:
    """A column and one row per nested struct field (also inside arrays and maps: items[].sku)."""
    path = f"{prefix}{name}"
    rows = [ColumnRow(path, depth, parsed.canonical(), comment)]
    inner, suffix = parsed, ""
    while inner.kind in ("array", "map"):
        suffix += "[]" if inner.kind == "array" else "{}"
        following = inner.element if inner.kind == "array" else inner.value
        assert following is not None
        inner = following
    if inner.kind == "struct":
        for field_name, field_type in inner.fields:
            rows += column_rows(field_name, field_type, "", depth + 1, f"{path}{suffix}.")
    return rows


def _find_parameter(value: Any, name: str) -> str | None:
    """The value of processor parameter `name` anywhere in a planned resource."""
    if isinstance(value, dict):
        if value.get("parameter_name") == name and isinstance(value.get("parameter_value"), str):
            return value["parameter_value"]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find_parameter(item, name)
            if found is not None:
                return found
    return None


def routing_query(plan: Plan | None, stream: str) -> str | None:
    """The JQ metadata-extraction query the module renders for `stream`, from the plan (None without one)."""
    if plan is None:
        return None
    change = plan.by_address.get(f'{LAKEHOUSE_MODULE}.aws_kinesis_firehose_delivery_stream.this["{stream}"]')
    return None if change is None else _find_parameter(change.after, "MetadataExtractionQuery")


@dataclass(frozen=True)
class TableEnvironmentView:
    env: str
    stream: str
    stream_name: str | None  # the deployed name, from outputs
    route: str  # in words
    routing_query: str | None  # the JQ expression Firehose evaluates, from the plan
    buffering: str
    retry_seconds: int
    error_prefix: str
    freshness_alarm: str
    throttle_alarm: str
    source: str
    glue_database: str | None
    warehouse_schema: str
    warehouse_database: str
    warehouse_workgroup: str | None
    plan: PlanSummary | None


@dataclass(frozen=True)
class TablePage:
    table: str
    description: str
    columns: tuple[ColumnRow, ...]
    partition_spec: tuple[str, ...]
    unique_keys: tuple[str, ...]
    operation: str
    environments: tuple[TableEnvironmentView, ...]
    entry_path: str

    @property
    def url(self) -> str:
        return f"tables/{self.table}/index.html"


def route_in_words(stream: StreamInputs, table: str) -> str:
    """The routing expression that sends a record to `table`, as the module builds it."""
    others = [d for d in stream.destinations if d.table != table and d.route is not None]
    own = next(d for d in stream.destinations if d.table == table)
    if own.route is not None:
        return f"records where {own.route.field} == {own.route.equals!r}"
    if not others:
        return "every record (the stream's only table)"
    claimed = ", ".join(f"{d.route.field} == {d.route.equals!r}" for d in others if d.route)
    return f"every record no route claims (default table; routed elsewhere: {claimed})"


def table_pages(inputs: PortalInputs) -> list[TablePage]:
    pages = []
    for entry in sorted(inputs.catalog.streams, key=lambda e: e.table):
        views = []
        for env_name, env in inputs.environments.items():
            if entry.table not in env.lakehouse.tables:
                continue
            stream_key, stream = next(
                (key, s)
                for key, s in env.lakehouse.streams.items()
                if any(d.table == entry.table for d in s.destinations)
            )
            outputs = inputs.state(env_name).outputs or {}
            lakehouse = outputs.get("lakehouse") or {}
            warehouse_out = outputs.get("warehouse") or {}
            state = inputs.state(env_name)
            views.append(
                TableEnvironmentView(
                    env=env_name,
                    stream=stream_key,
                    stream_name=(lakehouse.get("stream_names") or {}).get(stream_key),
                    route=route_in_words(stream, entry.table),
                    routing_query=routing_query(state.plan, stream_key),
                    buffering=f"{stream.buffering_size_mib} MiB or {stream.buffering_interval_seconds} s, "
                    "whichever comes first",
                    retry_seconds=stream.retry_duration_seconds,
                    error_prefix=stream.error_output_prefix or "",
                    freshness_alarm=f"oldest undelivered record older than {stream.alarms.freshness_seconds} s "
                    f"for {stream.alarms.evaluation_periods} period(s) of {stream.alarms.period_seconds} s",
                    throttle_alarm=f"more than {stream.alarms.throttled_records_threshold} throttled records",
                    source=stream.source.type
                    + (f" ({stream.source.kinesis_stream_arn})" if stream.source.kinesis_stream_arn else ""),
                    glue_database=lakehouse.get("glue_database_name"),
                    warehouse_schema=env.warehouse.external_schema_name,
                    warehouse_database=env.warehouse.db_name,
                    warehouse_workgroup=warehouse_out.get("workgroup_name"),
                    plan=plan_summary(state.plan, state.plan_file, LAKEHOUSE_MODULE),
                )
            )
        document = inputs.catalog.stream_documents.get(entry.table)
        rows: list[ColumnRow] = []
        for column in entry.columns:
            rows += column_rows(column.name, parse_type(column.type), column.comment or "")
        pages.append(
            TablePage(
                table=entry.table,
                description=entry.description,
                columns=tuple(rows),
                partition_spec=tuple(f"{p.transform}({p.column})" for p in entry.partition_spec),
                unique_keys=entry.unique_keys,
                operation=entry.operation,
                environments=tuple(views),
                entry_path=document.display if document is not None else f"config/streams/{entry.table}.yaml",
            )
        )
    return pages
