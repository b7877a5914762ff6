"""Catalog -> EnvironmentInputs for one environment: pure composition, no checks.

Every rule ran when the catalog was loaded (platformctl.catalog.rules), so nothing here can fail
on a loaded catalog: resolving is the same structural work whichever command asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from platformctl.catalog.apis import ApiEntry
from platformctl.catalog.base import ENV_NAMES, CatalogModel
from platformctl.catalog.environments import Environment
from platformctl.catalog.event_sources import ExistingOrganizationTrail, PerAccountTrail, PlatformOrganizationTrail
from platformctl.catalog.eventing import BusDelivery, ForwarderDelivery, PrincipalScope, StackSetRollout
from platformctl.catalog.inputs import (
    AlarmTopicInputs,
    AlarmTopicsInputs,
    ApiInputs,
    CentralBusInputs,
    DestinationInputs,
    EnvironmentInputs,
    EventSourcesInputs,
    ForwarderInputs,
    ForwarderStackSetInputs,
    LakehouseInputs,
    OrganizationTrailInputs,
    PrincipalScopeInputs,
    StreamInputs,
    TableInputs,
    TrailInputs,
    WarehouseInputs,
)
from platformctl.catalog.loader import Catalog
from platformctl.catalog.notifications import SEVERITIES, SeverityTargets
from platformctl.catalog.streams import StreamEntry
from platformctl.catalog.warehouse import WarehouseCatalog
from platformctl.errors import UsageError

M = TypeVar("M", bound=CatalogModel)


def resolve(catalog: Catalog, env: str) -> EnvironmentInputs:
    """The resolved inputs of `env`; UsageError for an environment the catalog does not have."""
    if env not in catalog.environments:
        raise UsageError(f"unknown environment {env!r}; valid environments: {', '.join(ENV_NAMES)}")
    environment = catalog.environment(env)
    rollout = catalog.eventing.environments[env].rollout
    return EnvironmentInputs(
        environment=env,
        emulator=environment.emulator,
        region=environment.region,
        partition=catalog.platform.partition,
        organization_id=catalog.platform.organization.id,
        deploy_role_name=environment.deploy_role_name or catalog.platform.deploy_role_name,
        accounts=environment.accounts.model_dump(),
        tags=catalog.tags(env),
        apis=api_inputs(catalog.apis, env),
        lakehouse=lakehouse_inputs(catalog.streams, env),
        warehouse=warehouse_inputs(catalog.warehouse, env),
        central_bus=_central_bus(catalog, env),
        forwarder=_forwarder(catalog, env),
        forwarder_stackset=_forwarder_stackset(catalog, env) if isinstance(rollout, StackSetRollout) else None,
        event_sources=event_sources_inputs(catalog, env),
        organization_trail=_organization_trail(catalog, env),
        alarm_topics=alarm_topic_inputs(environment),
    )


def resolve_all(catalog: Catalog) -> dict[str, EnvironmentInputs]:
    return {env: resolve(catalog, env) for env in catalog.environments}


def _subscriptions(targets: SeverityTargets) -> list[dict[str, str]]:
    """The e-mail and HTTPS targets of one severity as SNS subscriptions, in a stable order."""
    return [
        *({"protocol": "email", "endpoint": str(address)} for address in sorted(targets.emails, key=str)),
        *({"protocol": "https", "endpoint": url} for url in sorted(targets.https_endpoints)),
    ]


def alarm_topic_inputs(environment: Environment) -> AlarmTopicsInputs:
    """Every alarm topic gets its severity's subscriptions; an existing topic goes to the role whose
    account holds it (CloudWatch notifies topics of the alarm's own account; the rules checked that)."""
    roles = {role: getattr(environment.accounts, role) for role in ("central", "api", "data")}
    topics: dict[str, dict[str, AlarmTopicInputs]] = {role: {} for role in roles}
    for severity in SEVERITIES:
        targets = environment.notifications.targets(severity)
        subscriptions = _subscriptions(targets)
        for role, account in roles.items():
            topics[role][severity] = AlarmTopicInputs.model_validate(
                {
                    "severity": severity,
                    "subscriptions": subscriptions,
                    "additional_alarm_topic_arns": sorted(
                        a for a in targets.sns_topic_arns if a.split(":")[4] == account
                    ),
                    "slack_channels": [c.model_dump() for c in sorted(targets.slack_channels, key=lambda c: c.name)],
                }
            )
    return AlarmTopicsInputs.model_validate(topics)


def warehouse_inputs(warehouse: WarehouseCatalog, env: str) -> WarehouseInputs:
    return WarehouseInputs.model_validate({**warehouse.environment(env).model_dump(), "environment": env})


def api_inputs(apis: Sequence[ApiEntry], env: str) -> dict[str, ApiInputs]:
    deployed = sorted((api for api in apis if env in api.environments), key=lambda api: api.name)
    return {
        api.name: ApiInputs.model_validate(
            {
                **api.environments[env].model_dump(),
                "api_name": api.name,
                "description": api.description,
                "spec_path": api.spec_path,
                "stage_name": api.stage_name,
                "template_vars": dict(sorted(api.template_vars_for(env).items())),
                "tags": dict(sorted(api.tags.items())),
                # The API Gateway CloudWatch role is one setting per account and region: the first API owns it.
                "manage_account_logging_role": index == 0,
            }
        )
        for index, api in enumerate(deployed)
    }


def _destination(entry: StreamEntry) -> DestinationInputs:
    return DestinationInputs(
        table=entry.table,
        operation=entry.operation,
        unique_keys=entry.unique_keys,
        route=None if entry.route is None else {"field": entry.route.field, "equals": entry.route.equals},
    )


def lakehouse_inputs(entries: Sequence[StreamEntry], env: str) -> LakehouseInputs:
    active = sorted((e for e in entries if env in e.environments), key=lambda e: e.table)
    tables = {
        e.table: TableInputs(description=e.description, columns=e.columns, partition_spec=e.partition_spec)
        for e in active
    }
    streams: dict[str, StreamInputs] = {}
    for owner in (e for e in active if e.stream is not None):
        stream = owner.stream
        assert stream is not None
        members = [e for e in active if e.route is not None and e.route.stream == stream.name]
        source = stream.source
        streams[stream.name] = StreamInputs(
            source={
                "type": source.type,
                "kinesis_stream_arn": source.stream_arns.get(env),  # type: ignore[call-overload]
                "kinesis_kms_key_arn": source.kms_key_arns.get(env),  # type: ignore[call-overload]
            },
            buffering_size_mib=stream.buffering.size_mib,
            buffering_interval_seconds=stream.buffering.interval_seconds,
            retry_duration_seconds=stream.retry_seconds,
            error_output_prefix=stream.effective_error_prefix,
            # The default (owner) table first, routed tables by name: stable output.
            destinations=(_destination(owner), *(_destination(m) for m in members)),
            alarms=stream.alarms,
        )
    return LakehouseInputs(tables=tables, streams=dict(sorted(streams.items())))


def _central_bus(catalog: Catalog, env: str) -> CentralBusInputs:
    entry = catalog.eventing.environments[env]
    settings = catalog.eventing.settings_for(env)
    scope = entry.principal_scope
    high = settings.high_priority
    return CentralBusInputs(
        principal_scope=principal_scope_inputs(
            scope, catalog.platform.organization.id, catalog.environment(env).accounts.sources
        ),
        high_priority=high.model_copy(
            update={
                "extra_event_names": {s: sorted(set(n)) for s, n in sorted(high.extra_event_names.items())},
                "extra_write_event_sources": sorted(set(high.extra_write_event_sources)),
                "extra_detail_types": sorted(set(high.extra_detail_types)),
            }
        ),
        synthetic_event_source=_synthetic_source(catalog, env),
        delivery=_subset(settings.delivery, BusDelivery),
        archive_retention_days=settings.delivery.archive_retention_days,
        alarms=settings.alarms,
        api_destination=entry.api_destination,
    )


def principal_scope_inputs(scope: PrincipalScope, organization_id: str, sources: Sequence[str]) -> PrincipalScopeInputs:
    """Who may put events on the bus: the organization, OU paths, or exactly the source accounts."""
    return PrincipalScopeInputs(
        mode=scope.mode,
        organization_id=(scope.organization_id or organization_id) if scope.mode == "organization" else None,
        ou_paths=tuple(sorted(scope.ou_paths)),
        account_ids=tuple(sorted(set(sources))) if scope.mode == "accounts" else (),
    )


def _forwarder_fields(catalog: Catalog, env: str) -> dict[str, object]:
    settings = catalog.eventing.settings_for(env)
    filters = settings.source_filters
    # Whatever the central bus treats as a critical detail-type must also be forwarded.
    forwarded = sorted(set(filters.extra_detail_types) | set(settings.high_priority.extra_detail_types))
    return {
        "filters": {
            "drop_read_only": filters.drop_read_only,
            "exclude_event_sources": sorted(set(filters.exclude_event_sources)),
            "exclude_event_names": sorted(set(filters.exclude_event_names)),
            "extra_detail_types": forwarded,
        },
        "synthetic_event_source": _synthetic_source(catalog, env),
        "delivery": _subset(settings.delivery, ForwarderDelivery),
        "dlq_encryption": settings.delivery.forwarder_dlq_encryption,
        "trail": _trail(catalog, env),
        # A source account's alarms can reach only e-mail and HTTPS (catalog.rules requires one in real
        # environments): a platform account's topic or a Slack channel does not work from there.
        "alarm_subscriptions": _subscriptions(catalog.environment(env).notifications.critical),
    }


def _forwarder(catalog: Catalog, env: str) -> ForwarderInputs:
    return ForwarderInputs.model_validate(_forwarder_fields(catalog, env))


def _forwarder_stackset(catalog: Catalog, env: str) -> ForwarderStackSetInputs:
    rollout = catalog.eventing.environments[env].rollout
    assert isinstance(rollout, StackSetRollout)
    central = catalog.environment(env).accounts.central
    return ForwarderStackSetInputs.model_validate(
        {
            **_forwarder_fields(catalog, env),
            "organizational_unit_ids": sorted(set(rollout.organizational_unit_ids)),
            "regions": sorted(catalog.environment(env).event_sources.regions(catalog.environment(env).region)),
            "call_as": rollout.call_as,
            "exclude_account_ids": [central] if rollout.exclude_central_account else [],
            "operation_preferences": {
                "max_concurrent_percentage": rollout.max_concurrent_percentage,
                "failure_tolerance_percentage": rollout.failure_tolerance_percentage,
                "region_concurrency_type": rollout.region_concurrency_type,
            },
        }
    )


def event_sources_inputs(catalog: Catalog, env: str) -> EventSourcesInputs:
    environment = catalog.environment(env)
    trail = environment.event_sources.cloudtrail
    return EventSourcesInputs(
        mode=trail.mode,
        trail=trail.trail if isinstance(trail, ExistingOrganizationTrail) else None,
        forwarder_regions=environment.event_sources.regions(environment.region),
        emulator_skip_reason=None if isinstance(trail, ExistingOrganizationTrail) else trail.emulator_skip_reason,
    )


def _organization_trail(catalog: Catalog, env: str) -> OrganizationTrailInputs | None:
    trail = catalog.environment(env).event_sources.cloudtrail
    if not isinstance(trail, PlatformOrganizationTrail):
        return None
    return OrganizationTrailInputs(trail_name=trail.trail_name, retention_days=trail.retention_days)


def _trail(catalog: Catalog, env: str) -> TrailInputs | None:
    trail = catalog.environment(env).event_sources.cloudtrail
    return TrailInputs(retention_days=trail.retention_days) if isinstance(trail, PerAccountTrail) else None


def _synthetic_source(catalog: Catalog, env: str) -> str | None:
    return catalog.eventing.synthetic_event_source if catalog.eventing.environments[env].synthetic_events else None


def _subset(section: CatalogModel, target: type[M]) -> M:
    """A catalog section narrowed to the fields of the module object it feeds (e.g. delivery)."""
    return target.model_validate(section.model_dump(include=set(target.model_fields)))
