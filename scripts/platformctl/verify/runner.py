"""Run every check of one environment: intent from the resolved model, reality from boto3.

`verify_environment` is the whole run without the CLI: the e2e tests call it with their own
deployment's outputs and account access. Each check is guarded, so one failing API call is one
FAIL, not a crashed run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from platformctl.awssession import AccountAccess
from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.eventing.delivery import SourceAccount
from platformctl.paths import ROOT
from platformctl.verify import apis, eventing, streams, warehouse
from platformctl.verify.model import CheckResult, VerifyReport, run_guarded

_ROLE_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/")


@dataclass(frozen=True)
class VerifyOptions:
    delivery: bool = True
    delivery_timeout_seconds: float = 60.0
    delivery_settle_seconds: float = 5.0


@dataclass
class Clients:
    """boto3 clients per (account, service), each through the deploy role of that account."""

    access: AccountAccess
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __call__(self, account_id: str, service: str) -> Any:
        key = (account_id, service)
        if key not in self._cache:
            self._cache[key] = self.access.client(account_id, service, purpose="verify")
        return self._cache[key]


def _api_checks(
    inputs: EnvironmentInputs, outputs: dict[str, Any], clients: Clients, repo_root: Path
) -> Iterator[list[CheckResult]]:
    group = apis.GROUP
    deployed = outputs.get("apis") or {}
    intended = {name: api.model_dump() for name, api in inputs.apis.items()}
    yield run_guarded(group, "every catalog API is deployed", lambda: apis.check_inventory(deployed, intended))
    apigateway = clients(inputs.accounts.api, "apigateway")
    for key in sorted(set(deployed) & set(intended)):
        api, template_vars = deployed[key], inputs.apis[key].template_vars
        spec_text = (repo_root / api["spec_path"]).read_text(encoding="utf-8")
        yield run_guarded(
            group,
            f"{api['rest_api_name']}: routes",
            lambda api=api, spec_text=spec_text, template_vars=template_vars: apis.check_routes(
                apigateway, api, spec_text, template_vars
            ),
        )
        yield run_guarded(
            group,
            f"{api['rest_api_name']}: request validators",
            lambda api=api, spec_text=spec_text, template_vars=template_vars: apis.check_request_validators(
                apigateway, api, spec_text, template_vars, emulator=inputs.emulator
            ),
        )
        yield run_guarded(
            group,
            f"{api['rest_api_name']}: API keys",
            lambda api=api, spec_text=spec_text, template_vars=template_vars: apis.check_api_keys_required(
                apigateway, api, spec_text, template_vars, emulator=inputs.emulator
            ),
        )
        yield run_guarded(
            group,
            f"{api['rest_api_name']}: stage",
            lambda api=api, key=key: apis.check_stage(apigateway, api, intended[key]),
        )


def _stream_checks(inputs: EnvironmentInputs, outputs: dict[str, Any], clients: Clients) -> Iterator[list[CheckResult]]:
    group = streams.GROUP
    lakehouse = outputs.get("lakehouse") or {}
    intended = inputs.lakehouse.model_dump()
    yield run_guarded(
        group, "every catalog stream and table is deployed", lambda: streams.check_inventory(lakehouse, intended)
    )
    data = inputs.accounts.data
    firehose, glue = clients(data, "firehose"), clients(data, "glue")
    for stream_name in sorted((lakehouse.get("stream_names") or {}).values()):
        yield run_guarded(
            group,
            f"{stream_name}: stream",
            lambda stream_name=stream_name: streams.check_stream(firehose, glue, stream_name, data),
        )
    database = lakehouse.get("glue_database_name")
    if database:
        yield run_guarded(
            group,
            f"{database}: tables",
            lambda: streams.check_tables(glue, database, list(lakehouse.get("table_names") or [])),
        )
        yield from _delivered_checks(inputs, lakehouse, database, clients)


def _delivered_checks(
    inputs: EnvironmentInputs, lakehouse: dict[str, Any], database: str, clients: Clients
) -> Iterator[list[CheckResult]]:
    """Rows per table and the error-output count (issue 15); S3 credentials only once a table has data."""
    from functools import cache

    from platformctl.streaming.lakehouse import s3_properties

    group, data = streams.GROUP, inputs.accounts.data
    glue, firehose = clients(data, "glue"), clients(data, "firehose")

    @cache
    def file_io() -> dict[str, str]:
        return s3_properties(clients.access.session(data, "verify"), clients.access.endpoint_url)

    for table in sorted(lakehouse.get("table_names") or []):
        yield run_guarded(
            group,
            f"{database}.{table}: rows",
            lambda table=table: streams.check_table_rows(glue, database, table, file_io),
        )
    names = sorted((lakehouse.get("stream_names") or {}).values())
    yield run_guarded(
        group,
        "error output",
        lambda: streams.check_error_output(lambda: clients(data, "s3"), firehose, names),
    )


def _eventing_checks(
    inputs: EnvironmentInputs, outputs: dict[str, Any], clients: Clients, options: VerifyOptions
) -> Iterator[list[CheckResult]]:
    group = eventing.GROUP
    bus = outputs.get("eventing") or {}
    yield run_guarded(
        group,
        "bus policy",
        lambda: eventing.check_bus_policy(
            clients(inputs.accounts.central, "events"),
            bus["bus_arn"],
            inputs.central_bus.principal_scope.model_dump(),
            inputs.partition,
        ),
    )

    name = "synthetic events reach the intended central queue from every source account"
    synthetic_source = inputs.central_bus.synthetic_event_source
    if not options.delivery:
        yield [CheckResult.skipped(group, name, "skipped on request (--skip-delivery)")]
        return
    if synthetic_source is None:
        yield [
            CheckResult.skipped(
                group,
                name,
                f"synthetic_events is false for {inputs.environment} in config/eventing.yaml "
                "(the bus would not route the check's events; never enabled in prod)",
            )
        ]
        return
    check = outputs.get("eventing_check") or {}

    def delivery() -> CheckResult:
        accounts = [match[1] for arn in check.get("source_role_arns") or [] if (match := _ROLE_ACCOUNT.match(arn))]
        sources = [SourceAccount(account, clients(account, "events")) for account in accounts]
        return eventing.check_delivery(
            sources,
            clients(inputs.accounts.central, "sqs"),
            {"high_priority": check["high_priority_queue_url"], "standard": check["standard_queue_url"]},
            region=check.get("region") or inputs.region,
            source=synthetic_source,
            read_only_forwarded=not inputs.forwarder.filters.drop_read_only,
            timeout_seconds=options.delivery_timeout_seconds,
            settle_seconds=options.delivery_settle_seconds,
        )

    yield run_guarded(group, name, delivery)


def _trail_checks(inputs: EnvironmentInputs, clients: Clients) -> Iterator[list[CheckResult]]:
    """The trail that makes CloudTrail events exist for the forwarders (event_sources in the catalog)."""
    group = eventing.GROUP
    sources = inputs.event_sources
    read_only = not inputs.forwarder.filters.drop_read_only
    name = f"event source {sources.mode}: a trail records the events the forwarders match"
    if inputs.emulator:
        reason = sources.emulator_skip_reason or "the emulator runs no CloudTrail trail"
        yield [CheckResult.skipped(group, name, f"not applied on the emulator: {reason}")]
        return

    def trail_client(account: str, region: str) -> Any:
        session = clients.access.session(account, purpose="verify")
        return session.client("cloudtrail", region_name=region, endpoint_url=clients.access.endpoint_url)

    if sources.mode == "existing_organization_trail":
        trail = sources.trail or ""
        region = trail.split(":")[3] if trail.startswith("arn:") else inputs.region
        yield run_guarded(
            group,
            name,
            lambda: eventing.check_trail(
                trail_client(inputs.accounts.central, region), trail, organization=True, read_only_forwarded=read_only
            ),
        )
    elif sources.mode == "platform_organization_trail":
        trail_name = (inputs.organization_trail and inputs.organization_trail.trail_name) or (
            f"{inputs.environment}-organization-trail"
        )
        yield run_guarded(
            group,
            name,
            lambda: eventing.check_trail(
                trail_client(inputs.accounts.central, inputs.region),
                trail_name,
                organization=True,
                read_only_forwarded=read_only,
            ),
        )
    elif not inputs.forwarder_accounts:
        yield [
            CheckResult.skipped(
                group,
                name,
                "StackSet rollout: accounts join through OUs and none is listed to check; "
                "the StackSet template carries each account's trail",
            )
        ]
    else:
        for account in inputs.forwarder_accounts:
            yield run_guarded(
                group,
                f"{account}: {name}",
                lambda account=account: eventing.check_trail(
                    trail_client(account, inputs.region),
                    f"{inputs.environment}-account-trail",
                    organization=False,
                    read_only_forwarded=read_only,
                    label=f"{inputs.environment}-account-trail in {account}",
                ),
            )


def _lakehouse_checks(
    inputs: EnvironmentInputs, outputs: dict[str, Any], clients: Clients
) -> Iterator[list[CheckResult]]:
    """The lakehouse read path: the external schema is mounted and each Iceberg table answers a query."""
    group = warehouse.GROUP
    name = f"external schema {inputs.warehouse.external_schema_name}: mounted"
    if inputs.emulator:
        yield [CheckResult.skipped(group, name, warehouse.LAKEHOUSE_EMULATOR_REASON)]
        return
    tables = list((outputs.get("lakehouse") or {}).get("table_names") or sorted(inputs.lakehouse.tables))
    yield run_guarded(
        group,
        name,
        lambda: warehouse.check_lakehouse_schema(
            clients(inputs.accounts.data, "redshift-data"), outputs.get("warehouse") or {}, tables
        ),
    )


def _warehouse_checks(
    inputs: EnvironmentInputs, outputs: dict[str, Any], clients: Clients
) -> Iterator[list[CheckResult]]:
    group = warehouse.GROUP
    intended = inputs.warehouse.model_dump()
    # The module names the workgroup <name_prefix>-<name>, the prefix being the environment.
    name = f"workgroup {inputs.environment}-{intended['name']}: AVAILABLE with the intended capacity"
    if inputs.emulator:
        yield [CheckResult.skipped(group, name, warehouse.EMULATOR_REASON)]
        return
    data = inputs.accounts.data
    yield run_guarded(
        group,
        name,
        lambda: warehouse.check_workgroup(
            clients(data, "redshift-serverless"), outputs.get("warehouse") or {}, intended
        ),
    )


def verify_environment(
    inputs: EnvironmentInputs,
    outputs: dict[str, Any],
    access: AccountAccess,
    *,
    options: VerifyOptions = VerifyOptions(),
    drift: Callable[[], CheckResult] | None = None,
    repo_root: Path = ROOT,
    on_result: Callable[[CheckResult], None] | None = None,
) -> VerifyReport:
    """Every check of `env`. `outputs` are output values (name -> value); `drift` runs the plan check."""
    report = VerifyReport(inputs.environment)
    clients = Clients(access)
    sections = {
        apis.GROUP: _api_checks(inputs, outputs, clients, repo_root),
        streams.GROUP: _stream_checks(inputs, outputs, clients),
        eventing.GROUP: chain(_eventing_checks(inputs, outputs, clients, options), _trail_checks(inputs, clients)),
        warehouse.GROUP: chain(
            _warehouse_checks(inputs, outputs, clients), _lakehouse_checks(inputs, outputs, clients)
        ),
    }
    for group, section in sections.items():
        try:
            for results in section:
                for result in results:
                    report.results.append(result)
                    if on_result:
                        on_result(result)
        except Exception as exc:  # e.g. assume-role refused, a missing output: the area is unverified
            result = CheckResult.failed(group, f"{group} checks", f"could not run: {type(exc).__name__}: {exc}")
            report.results.append(result)
            if on_result:
                on_result(result)
    if drift is not None:
        from platformctl.verify.drift import GROUP, NAME

        for result in run_guarded(GROUP, NAME, drift):
            report.results.append(result)
            if on_result:
                on_result(result)
    return report


def output_values(document: dict[str, Any]) -> dict[str, Any]:
    """`terraform output -json` ({name: {value, type, sensitive}}) or plain values -> values."""
    if all(isinstance(item, dict) and "value" in item for item in document.values()):
        return {name: item["value"] for name, item in document.items()}
    return document
