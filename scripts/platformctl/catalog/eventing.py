"""Catalog model of config/eventing.yaml: cross-account EventBridge per environment.

One file decides, per environment, how source accounts are onboarded (`rollout`: provider
aliases for a few accounts, a service-managed StackSet for whole OUs), who may put events on the
central bus (`principal_scope`), what the forwarders drop at the source, what counts as
security-critical, and the delivery, archive and alarm settings. Account ids are not repeated
here: they come from the environment catalog (`accounts.sources`, `accounts.central`) and the
organization id from config/platform.yaml.

The resolver turns one environment into the inputs of modules/eventbridge-central-bus,
modules/eventbridge-forwarder and modules/eventbridge-forwarder-stackset.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from platformctl.catalog.base import ENV_NAMES, CatalogModel, pattern_str
from platformctl.paths import MODULES_DIR

# The module's default security-critical list; the catalog extends it and validates against it.
DEFAULT_HIGH_PRIORITY_FILE = MODULES_DIR / "eventbridge-central-bus" / "routing" / "default-high-priority.json"

API_CALL = "AWS API Call via CloudTrail"
SIGN_IN = "AWS Console Sign In via CloudTrail"

EventSource = pattern_str(r"^[a-z0-9.-]+\.amazonaws\.com$", "a CloudTrail event source such as s3.amazonaws.com")
EventName = pattern_str(
    r"^[A-Za-z][A-Za-z0-9]{1,127}$", "an API action name such as PutBucketPolicy (letters and digits)"
)
DetailType = Annotated[str, StringConstraints(min_length=1, max_length=128)]
OrganizationId = pattern_str(
    r"^o-[a-z0-9]{10,32}$", "an AWS Organizations id: o- followed by 10-32 lower-case letters or digits"
)
OuPath = pattern_str(
    r"^o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}/)+\*?$",
    "an OU path such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ (optionally ending in *)",
)
OuOrRootId = pattern_str(
    r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$", "an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)"
)
Region = pattern_str(r"^[a-z]{2}(-[a-z]+)+-[0-9]$", "an AWS region code such as eu-west-1")
SecretArn = pattern_str(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$",
    "a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>",
)
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
SyntheticSource = pattern_str(
    r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$", "a dotted lower-case source name such as platform.synthetic"
)


@cache
def default_high_priority(path: Path = DEFAULT_HIGH_PRIORITY_FILE) -> dict[str, Any]:
    """The module's built-in classification (routing/default-high-priority.json)."""
    return json.loads(path.read_text(encoding="utf-8"))


class HighPriority(CatalogModel):
    """Extensions of the security-critical classification (the high-priority queue)."""

    include_defaults: bool = True
    # CloudTrail eventSource -> eventNames, e.g. {"s3.amazonaws.com": ["PutBucketPolicy"]}
    extra_event_names: dict[EventSource, Annotated[list[EventName], Field(min_length=1)]] = Field(default={})
    # eventSources whose every non-read-only call is security-critical (like IAM by default)
    extra_write_event_sources: list[EventSource] = Field(default=[])
    # whole detail-types, e.g. "Security Hub Findings - Imported"
    extra_detail_types: list[DetailType] = Field(default=[])

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
        base = (
            default_high_priority()
            if self.include_defaults
            else {
                "write_event_sources": [],
                "event_names": {},
                "detail_types": [],
                "root_sign_in": False,
            }
        )
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
    exclude_event_sources: list[EventSource] = Field(default=[])
    exclude_event_names: list[EventName] = Field(default=[])
    # service events forwarded besides console sign-ins and GuardDuty findings
    extra_detail_types: list[DetailType] = Field(default=[])

    @field_validator("extra_detail_types")
    @classmethod
    def _not_api_calls(cls, value: list[str]) -> list[str]:
        if API_CALL in value:
            raise ValueError(f"{API_CALL!r} is always forwarded (subject to the other filters)")
        return value


class ForwarderDelivery(CatalogModel):
    """Retry and DLQ of a forwarder rule's target: `delivery` of modules/eventbridge-forwarder."""

    maximum_event_age_in_seconds: int = Field(86400, ge=60, le=86400, validation_alias="maximum_event_age_seconds")
    maximum_retry_attempts: int = Field(185, ge=0, le=185)
    dlq_message_retention_seconds: int = Field(1209600, ge=60, le=1209600)


class BusDelivery(ForwarderDelivery):
    """Retry, DLQ and queue settings: `delivery` of modules/eventbridge-central-bus."""

    queue_max_receive_count: int = Field(5, ge=1, le=1000)
    message_retention_seconds: int = Field(345600, ge=60, le=1209600)
    visibility_timeout_seconds: int = Field(60, ge=0, le=43200)


class Delivery(BusDelivery):
    """The catalog's delivery section: the bus and forwarder settings, plus archive and DLQ encryption."""

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

    endpoint_url: pattern_str(r"^https://\S+$", "an https:// URL without spaces")
    http_method: Literal["POST", "PUT", "PATCH"] = "POST"
    invocation_rate_limit_per_second: int = Field(20, ge=1, le=300)
    events: Literal["high_priority", "all"] = "high_priority"
    authorization_type: Literal["API_KEY", "BASIC"] = "API_KEY"
    api_key_name: str = "x-api-key"
    basic_username: str | None = None
    secret_arn: SecretArn
    secret_json_key: str | None = None
    # "out_of_band" by default: the value never enters tfvars, state, plan JSON or a CI artifact.
    # "secrets_manager" is an opt-in: read at plan time and kept (marked sensitive) in state and plans.
    secret_value_source: Literal["secrets_manager", "out_of_band"] = "out_of_band"

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
    ou_paths: list[OuPath] = Field(default=[])

    @model_validator(mode="after")
    def _fields_match_mode(self) -> PrincipalScope:
        if self.mode == "organizational_units" and not self.ou_paths:
            raise ValueError(
                'ou_paths is required for mode organizational_units, e.g. ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]'
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
    # Moved to event_sources.forwarder_regions of config/environments/<env>.yaml (a rule says so when given).
    regions: list[Region] | None = None
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
