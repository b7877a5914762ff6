"""Catalog model of config/eventing.yaml: cross-account EventBridge per environment.

One file decides, per environment, how source accounts are onboarded (`rollout`: provider
aliases for a few accounts, a service-managed StackSet for whole OUs), who may put events on the
central bus (`principal_scope`), what the forwarders drop at the source, what counts as
security-critical, and the delivery, archive and alarm settings. Account ids are not repeated
here: they come from the environment catalog (`accounts.sources`, `accounts.central`) and the
organization id from config/platform.yaml.

`to_tfvars` turns one environment into the inputs of modules/eventbridge-central-bus,
modules/eventbridge-forwarder and modules/eventbridge-forwarder-stackset.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from platformctl.catalog.base import ENV_NAMES, CatalogModel
from platformctl.errors import UsageError
from platformctl.paths import MODULES_DIR

# The module's default security-critical list; the catalog extends it and validates against it.
DEFAULT_HIGH_PRIORITY_FILE = MODULES_DIR / "eventbridge-central-bus" / "routing" / "default-high-priority.json"

API_CALL = "AWS API Call via CloudTrail"
SIGN_IN = "AWS Console Sign In via CloudTrail"

EventSource = Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.amazonaws\.com$")]
EventName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9]{1,127}$")]
DetailType = Annotated[str, StringConstraints(min_length=1, max_length=128)]
OrganizationId = Annotated[str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}$")]
OuPath = Annotated[
    str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}/)+\*?$")
]
OuOrRootId = Annotated[str, StringConstraints(pattern=r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$")]
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")]
SecretArn = Annotated[
    str, StringConstraints(pattern=r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
]
_ACCOUNT_ID = re.compile(r"^\d{12}$")
SyntheticSource = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$")]


@cache
def default_high_priority(path: Path = DEFAULT_HIGH_PRIORITY_FILE) -> dict[str, Any]:
    """The module's built-in classification (routing/default-high-priority.json)."""
    return json.loads(path.read_text(encoding="utf-8"))


class HighPriority(CatalogModel):
    """Extensions of the security-critical classification (the high-priority queue)."""

    include_defaults: bool = True
    # CloudTrail eventSource -> eventNames, e.g. {"s3.amazonaws.com": ["PutBucketPolicy"]}
    extra_event_names: dict[EventSource, Annotated[list[EventName], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    # eventSources whose every non-read-only call is security-critical (like IAM by default)
    extra_write_event_sources: list[EventSource] = Field(default_factory=list)
    # whole detail-types, e.g. "Security Hub Findings - Imported"
    extra_detail_types: list[DetailType] = Field(default_factory=list)

    @field_validator("extra_detail_types")
    @classmethod
    def _not_cloudtrail(cls, value: list[str]) -> list[str]:
        for detail_type in value:
            if detail_type in (API_CALL, SIGN_IN):
                raise ValueError(
                    f"{detail_type!r} is classified by extra_event_names and the root sign-in rule; "
                    "list only service detail-types here"
                )
        return value

    def classification(self) -> dict[str, Any]:
        """Merged classification, mirroring routing/main.tf (write sources absorb name lists)."""
        base = default_high_priority() if self.include_defaults else {
            "write_event_sources": [], "event_names": {}, "detail_types": [], "root_sign_in": False,
        }
        write_sources = sorted(set(base["write_event_sources"]) | set(self.extra_write_event_sources))
        names: dict[str, set[str]] = {}
        for source, source_names in [*base["event_names"].items(), *self.extra_event_names.items()]:
            if source not in write_sources:
                names.setdefault(source, set()).update(source_names)
        return {
            "write_event_sources": write_sources,
            "event_names": {source: sorted(values) for source, values in sorted(names.items())},
            "detail_types": sorted(set(base["detail_types"]) | set(self.extra_detail_types)),
            "root_sign_in": bool(base["root_sign_in"]),
        }


class SourceFilters(CatalogModel):
    """What the forwarders drop in the source accounts (each event forwarded costs money)."""

    drop_read_only: bool = True
    exclude_event_sources: list[EventSource] = Field(default_factory=list)
    exclude_event_names: list[EventName] = Field(default_factory=list)
    # service events forwarded besides console sign-ins and GuardDuty findings
    extra_detail_types: list[DetailType] = Field(default_factory=list)

    @field_validator("extra_detail_types")
    @classmethod
    def _not_api_calls(cls, value: list[str]) -> list[str]:
        if API_CALL in value:
            raise ValueError(f"{API_CALL!r} is always forwarded (subject to the other filters)")
        return value


class Delivery(CatalogModel):
    """Retry, DLQ, queue and archive settings."""

    maximum_event_age_seconds: int = Field(86400, ge=60, le=86400)
    maximum_retry_attempts: int = Field(185, ge=0, le=185)
    queue_max_receive_count: int = Field(5, ge=1, le=1000)
    message_retention_seconds: int = Field(345600, ge=60, le=1209600)
    dlq_message_retention_seconds: int = Field(1209600, ge=60, le=1209600)
    visibility_timeout_seconds: int = Field(60, ge=0, le=43200)
    archive_retention_days: int = Field(30, ge=1, le=3650)
    # "kms": a CMK per source account and region; "sqs_managed": SSE-SQS (cheaper at StackSet scale)
    forwarder_dlq_encryption: Literal["kms", "sqs_managed"] = "kms"

    @model_validator(mode="after")
    def _dlq_outlives_queue(self) -> Delivery:
        if self.dlq_message_retention_seconds < self.message_retention_seconds:
            raise ValueError(
                "dlq_message_retention_seconds must be at least message_retention_seconds, "
                "or redriven messages expire before anyone sees them"
            )
        return self


class Alarms(CatalogModel):
    period_seconds: int = Field(300, ge=10)
    evaluation_periods: int = Field(1, ge=1)
    high_priority_max_age_seconds: int = Field(300, ge=60)
    standard_max_age_seconds: int = Field(3600, ge=60)
    throttled_rules_threshold: int = Field(0, ge=0)
    failed_invocations_threshold: int = Field(0, ge=0)
    dead_letter_invocation_threshold: int = Field(0, ge=0)

    @field_validator("period_seconds")
    @classmethod
    def _cloudwatch_period(cls, value: int) -> int:
        if value not in (10, 30) and value % 60 != 0:
            raise ValueError("must be 10, 30 or a multiple of 60 (CloudWatch alarm periods)")
        return value


class ApiDestination(CatalogModel):
    """Optional HTTP ingestion; the credential is a Secrets Manager reference, never a value."""

    endpoint_url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    http_method: Literal["POST", "PUT", "PATCH"] = "POST"
    invocation_rate_limit_per_second: int = Field(20, ge=1, le=300)
    events: Literal["high_priority", "all"] = "high_priority"
    authorization_type: Literal["API_KEY", "BASIC"] = "API_KEY"
    api_key_name: str = "x-api-key"
    basic_username: str | None = None
    secret_arn: SecretArn
    secret_json_key: str | None = None
    # "secrets_manager": read at plan time, kept (sensitive) in state; "out_of_band": never in state
    secret_value_source: Literal["secrets_manager", "out_of_band"] = "secrets_manager"

    @model_validator(mode="after")
    def _basic_needs_username(self) -> ApiDestination:
        if self.authorization_type == "BASIC" and not self.basic_username:
            raise ValueError("basic_username is required when authorization_type is BASIC")
        return self


class PrincipalScope(CatalogModel):
    """Who may PutEvents on the central bus. Account ids come from the environment catalog."""

    mode: Literal["organization", "organizational_units", "accounts"]
    # defaults to organization.id of config/platform.yaml
    organization_id: OrganizationId | None = None
    ou_paths: list[OuPath] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fields_match_mode(self) -> PrincipalScope:
        if self.mode == "organizational_units" and not self.ou_paths:
            raise ValueError(
                "ou_paths is required for mode organizational_units, "
                "e.g. [\"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*\"]"
            )
        if self.mode != "organizational_units" and self.ou_paths:
            raise ValueError("ou_paths is only used with mode organizational_units")
        if self.mode != "organization" and self.organization_id is not None:
            raise ValueError("organization_id is only used with mode organization")
        return self


class AliasRollout(CatalogModel):
    """A few source accounts, each reached through a provider alias of the env root."""

    mode: Literal["aliases"]


class StackSetRollout(CatalogModel):
    """Whole OUs through a service-managed StackSet with auto-deployment."""

    mode: Literal["stackset"]
    organizational_unit_ids: Annotated[list[OuOrRootId], Field(min_length=1)]
    regions: Annotated[list[Region], Field(min_length=1)]
    call_as: Literal["SELF", "DELEGATED_ADMIN"] = "DELEGATED_ADMIN"
    exclude_central_account: bool = True
    max_concurrent_percentage: int = Field(25, ge=1, le=100)
    failure_tolerance_percentage: int = Field(10, ge=0, le=100)
    region_concurrency_type: Literal["PARALLEL", "SEQUENTIAL"] = "PARALLEL"


Rollout = Annotated[AliasRollout | StackSetRollout, Field(discriminator="mode")]


class EventingSettings(CatalogModel):
    """Settings shared by every environment unless an environment replaces a whole section."""

    source_filters: SourceFilters = SourceFilters()
    high_priority: HighPriority = HighPriority()
    delivery: Delivery = Delivery()
    alarms: Alarms = Alarms()

    @model_validator(mode="after")
    def _filters_keep_security_events(self) -> EventingSettings:
        classification = self.high_priority.classification()
        high_sources = set(classification["write_event_sources"]) | set(classification["event_names"])
        dropped_sources = sorted(set(self.source_filters.exclude_event_sources) & high_sources)
        if dropped_sources:
            raise ValueError(
                f"source_filters.exclude_event_sources drops {dropped_sources}, which carry security-critical "
                "events (high_priority); remove them or exclude specific event names instead"
            )
        high_names = {name for names in classification["event_names"].values() for name in names}
        dropped_names = sorted(set(self.source_filters.exclude_event_names) & high_names)
        if dropped_names:
            raise ValueError(
                f"source_filters.exclude_event_names drops security-critical events {dropped_names}; "
                "remove them from the exclusions"
            )
        return self


class EventingEnvironment(CatalogModel):
    rollout: Rollout
    principal_scope: PrincipalScope
    # Routes the synthetic source of the integration check like "aws.*" sources. Never in prod.
    synthetic_events: bool = False
    api_destination: ApiDestination | None = None
    # Whole-section overrides of `defaults` (a section given here replaces the default one).
    source_filters: SourceFilters | None = None
    high_priority: HighPriority | None = None
    delivery: Delivery | None = None
    alarms: Alarms | None = None

    @model_validator(mode="after")
    def _stackset_needs_org_scope(self) -> EventingEnvironment:
        if self.rollout.mode == "stackset" and self.principal_scope.mode == "accounts":
            raise ValueError(
                "principal_scope.mode accounts cannot follow a StackSet rollout (its accounts are not "
                "listed anywhere and new ones join automatically): use organization or organizational_units"
            )
        return self


class EventingCatalog(CatalogModel):
    synthetic_event_source: SyntheticSource = "platform.synthetic"
    defaults: EventingSettings = EventingSettings()
    environments: dict[str, EventingEnvironment]

    @field_validator("synthetic_event_source")
    @classmethod
    def _not_aws(cls, value: str) -> str:
        if value.startswith("aws."):
            raise ValueError("must not start with 'aws.': EventBridge reserves that prefix for AWS services")
        return value

    @field_validator("environments")
    @classmethod
    def _known_environments(cls, value: dict[str, EventingEnvironment]) -> dict[str, EventingEnvironment]:
        unknown = sorted(set(value) - set(ENV_NAMES))
        if unknown:
            raise ValueError(f"unknown environment(s) {unknown}; expected some of {list(ENV_NAMES)}")
        prod = value.get("prod")
        if prod is not None and prod.synthetic_events:
            raise ValueError(
                "prod.synthetic_events must be false: it lets any principal allowed by the bus policy "
                "inject routed events under the synthetic source"
            )
        return value

    @model_validator(mode="after")
    def _effective_settings_valid(self) -> EventingCatalog:
        for env in self.environments:
            try:
                self.settings_for(env)
            except ValueError as error:
                raise ValueError(f"environments.{env}: {error}") from error
        return self

    def settings_for(self, env: str) -> EventingSettings:
        """Effective settings of one environment (defaults, with the env's sections replacing them)."""
        entry = self.environments[env]
        return EventingSettings(
            source_filters=entry.source_filters or self.defaults.source_filters,
            high_priority=entry.high_priority or self.defaults.high_priority,
            delivery=entry.delivery or self.defaults.delivery,
            alarms=entry.alarms or self.defaults.alarms,
        )


def to_tfvars(
    eventing_catalog: EventingCatalog,
    env: str,
    source_account_ids: list[str],
    *,
    organization_id: str | None = None,
    central_account_id: str | None = None,
) -> dict[str, Any]:
    """Inputs of the eventing modules for one environment.

    Returns {"rollout_mode", "source_account_ids", "central_bus", "forwarder", "stackset"}:
    `central_bus`, `forwarder` and `stackset` hold exactly the variables of
    modules/eventbridge-central-bus, modules/eventbridge-forwarder (one instance per source
    account alias) and modules/eventbridge-forwarder-stackset (None in alias mode); the env root
    adds name_prefix, tags, alarm_topic_arn and central_bus_arn.
    """
    if env not in eventing_catalog.environments:
        raise UsageError(f"config/eventing.yaml has no entry for environment {env!r}")
    entry = eventing_catalog.environments[env]
    settings = eventing_catalog.settings_for(env)
    sources = sorted(set(source_account_ids))
    bad = [account for account in sources if not _ACCOUNT_ID.match(account)]
    if bad:
        raise UsageError(f"environment {env!r}: source account ids {bad} are not 12-digit account ids")

    if entry.rollout.mode == "aliases" and entry.principal_scope.mode == "accounts" and not sources:
        raise UsageError(
            f"environment {env!r}: principal_scope.mode accounts needs source accounts "
            "(accounts.sources in the environment catalog)"
        )

    scope = entry.principal_scope
    org_id = scope.organization_id or organization_id
    if scope.mode == "organization" and org_id is None:
        raise UsageError(
            f"environment {env!r}: principal_scope.mode organization needs an organization id "
            "(organization.id in config/platform.yaml or principal_scope.organization_id)"
        )
    if scope.mode == "organizational_units" and organization_id is not None:
        foreign = sorted(path for path in scope.ou_paths if not path.startswith(f"{organization_id}/"))
        if foreign:
            raise UsageError(f"environment {env!r}: ou_paths {foreign} are not in organization {organization_id}")

    synthetic = eventing_catalog.synthetic_event_source if entry.synthetic_events else None
    filters = settings.source_filters
    high = settings.high_priority
    delivery = settings.delivery
    alarms = settings.alarms
    # Whatever the central bus treats as a critical detail-type must also be forwarded.
    forwarded_detail_types = sorted(set(filters.extra_detail_types) | set(high.extra_detail_types))

    central_bus = {
        "principal_scope": {
            "mode": scope.mode,
            "organization_id": org_id if scope.mode == "organization" else None,
            "ou_paths": sorted(scope.ou_paths),
            "account_ids": sources if scope.mode == "accounts" else [],
        },
        "high_priority": {
            "include_defaults": high.include_defaults,
            "extra_event_names": {
                source: sorted(set(names)) for source, names in sorted(high.extra_event_names.items())
            },
            "extra_write_event_sources": sorted(set(high.extra_write_event_sources)),
            "extra_detail_types": sorted(set(high.extra_detail_types)),
        },
        "synthetic_event_source": synthetic,
        "delivery": {
            "maximum_event_age_in_seconds": delivery.maximum_event_age_seconds,
            "maximum_retry_attempts": delivery.maximum_retry_attempts,
            "queue_max_receive_count": delivery.queue_max_receive_count,
            "message_retention_seconds": delivery.message_retention_seconds,
            "dlq_message_retention_seconds": delivery.dlq_message_retention_seconds,
            "visibility_timeout_seconds": delivery.visibility_timeout_seconds,
        },
        "archive_retention_days": delivery.archive_retention_days,
        "alarms": alarms.model_dump(),
        "api_destination": entry.api_destination.model_dump() if entry.api_destination else None,
    }
    forwarder = {
        "filters": {
            "drop_read_only": filters.drop_read_only,
            "exclude_event_sources": sorted(set(filters.exclude_event_sources)),
            "exclude_event_names": sorted(set(filters.exclude_event_names)),
            "extra_detail_types": forwarded_detail_types,
        },
        "synthetic_event_source": synthetic,
        "delivery": {
            "maximum_event_age_in_seconds": delivery.maximum_event_age_seconds,
            "maximum_retry_attempts": delivery.maximum_retry_attempts,
            "dlq_message_retention_seconds": delivery.dlq_message_retention_seconds,
        },
        "dlq_encryption": delivery.forwarder_dlq_encryption,
    }
    stackset = None
    if isinstance(entry.rollout, StackSetRollout):
        rollout = entry.rollout
        exclude = [central_account_id] if rollout.exclude_central_account and central_account_id else []
        stackset = {
            "organizational_unit_ids": sorted(set(rollout.organizational_unit_ids)),
            "regions": sorted(set(rollout.regions)),
            "call_as": rollout.call_as,
            "exclude_account_ids": exclude,
            "operation_preferences": {
                "max_concurrent_percentage": rollout.max_concurrent_percentage,
                "failure_tolerance_percentage": rollout.failure_tolerance_percentage,
                "region_concurrency_type": rollout.region_concurrency_type,
            },
        }
    return {
        "rollout_mode": entry.rollout.mode,
        "source_account_ids": sources if entry.rollout.mode == "aliases" else [],
        "central_bus": central_bus,
        "forwarder": forwarder,
        "stackset": stackset,
    }
