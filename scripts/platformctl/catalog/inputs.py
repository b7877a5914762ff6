"""The resolved environment model: what one environment asks of Terraform, and nothing else.

`EnvironmentInputs` is the one model of intent. The generator dumps it to
`envs/<env>/catalog.auto.tfvars.json`; verify, bench, tfrun, the plan rules and the portal read it
instead of re-deriving the catalog. Each sub-model mirrors one module: its field names are that
module's variable names (tests/foundation/test_module_contract.py proves it against variables.tf),
and nested objects reuse the catalog's own classes wherever the catalog already has the module's
shape. So a new optional module input is one field here (or in the catalog class it inherits)
plus one variable in the module; `modules/platform` receives each sub-model whole through the
generated `modules/platform/catalog.tf.json` and passes every field on unchanged.

`MODULE` names the module a sub-model feeds; `PLATFORM_SUPPLIED` lists the module's variables
that the composition fills (names, tags, topics, outputs of sibling modules) and `MODULE_DEFAULTS`
those left at the module's default on purpose. Every other module variable must be a field.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from platformctl.catalog.apis import ApiEnvironment
from platformctl.catalog.base import CatalogModel
from platformctl.catalog.eventing import Alarms as BusAlarms
from platformctl.catalog.eventing import ApiDestination, BusDelivery, ForwarderDelivery, HighPriority, SourceFilters
from platformctl.catalog.streams import Column, PartitionField, StreamAlarms
from platformctl.catalog.warehouse import WarehouseEnvironment


class ModuleInputs(CatalogModel):
    """Inputs of one module; subclasses name it and what the composition supplies itself."""

    MODULE: ClassVar[str]
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = ()
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = ()


# -- modules/api-gateway-openapi --------------------------------------------------------------------


class ApiInputs(ApiEnvironment, ModuleInputs):
    """One REST API: the entry's settings of this environment plus what the entry says once."""

    MODULE: ClassVar[str] = "api-gateway-openapi"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = (
        "name_prefix",
        "alarm_topic_arn",
        "additional_alarm_actions",
        "warning_alarm_topic_arn",
        "additional_warning_alarm_actions",
    )
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = ("disable_execute_api_endpoint",)

    api_name: str
    description: str | None = None
    spec_path: str = Field(description="Repository-relative; the composition joins it to the repository root.")
    stage_name: str = "live"
    tags: dict[str, str] = Field(description="The entry's tags; the composition merges them over the mandatory tags.")
    manage_account_logging_role: bool = False


# -- modules/firehose-iceberg -------------------------------------------------------------------------


class TableInputs(CatalogModel):
    description: str = ""
    columns: tuple[Column, ...]
    partition_spec: tuple[PartitionField, ...] = ()


class StreamSourceInputs(CatalogModel):
    type: Literal["direct_put", "kinesis"] = "direct_put"
    kinesis_stream_arn: str | None = None
    kinesis_kms_key_arn: str | None = None


class RouteInputs(CatalogModel):
    field: str
    equals: str


class DestinationInputs(CatalogModel):
    table: str
    unique_keys: tuple[str, ...] = ()
    operation: Literal["insert", "update", "delete"] = "insert"
    route: RouteInputs | None = None


class StreamInputs(CatalogModel):
    source: StreamSourceInputs = StreamSourceInputs()
    buffering_size_mib: int = 1
    buffering_interval_seconds: int = 60
    retry_duration_seconds: int = 300
    error_output_prefix: str | None = None
    destinations: tuple[DestinationInputs, ...]
    alarms: StreamAlarms = StreamAlarms()


class LakehouseInputs(ModuleInputs):
    MODULE: ClassVar[str] = "firehose-iceberg"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = (
        "name_prefix",
        "tags",
        "alarm_topic_arn",
        "additional_alarm_actions",
        "warning_alarm_topic_arn",
        "additional_warning_alarm_actions",
        "lake_formation_grants_enabled",
    )
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = (
        "database_name",
        "log_retention_days",
        "error_object_expiration_days",
        "force_destroy",
        "kms_deletion_window_days",
        "warehouse_noncurrent_version_expiration_days",
    )

    tables: dict[str, TableInputs]
    streams: dict[str, StreamInputs]


# -- modules/redshift-serverless ------------------------------------------------------------------------


class WarehouseInputs(WarehouseEnvironment, ModuleInputs):
    """The catalog's warehouse block of this environment, which already speaks the module's names."""

    MODULE: ClassVar[str] = "redshift-serverless"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = (
        "name_prefix",
        "tags",
        "alarm_topic_arn",
        "additional_alarm_actions",
        "warning_alarm_topic_arn",
        "additional_warning_alarm_actions",
        "enabled",
        "lakehouse",
    )
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = ("additional_iam_role_arns",)

    environment: Literal["local", "dev", "staging", "prod"]


# -- modules/eventbridge-* ---------------------------------------------------------------------------------


class PrincipalScopeInputs(CatalogModel):
    mode: Literal["organization", "organizational_units", "accounts"]
    organization_id: str | None = None
    ou_paths: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()


class CentralBusInputs(ModuleInputs):
    MODULE: ClassVar[str] = "eventbridge-central-bus"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = (
        "name_prefix",
        "tags",
        "alarm_topic_arn",
        "additional_alarm_actions",
        "warning_alarm_topic_arn",
        "additional_warning_alarm_actions",
    )
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = (
        "policy_size_limit",
        "event_pattern_size_limit",
        "enable_bus_dead_letter_config",
    )

    principal_scope: PrincipalScopeInputs
    high_priority: HighPriority = HighPriority()
    synthetic_event_source: str | None = None
    delivery: BusDelivery = BusDelivery()
    archive_retention_days: int = 30
    alarms: BusAlarms = BusAlarms()
    api_destination: ApiDestination | None = None


class TrailInputs(CatalogModel):
    """A per-account trail delivered with the forwarder: `trail` of modules/eventbridge-forwarder[-stackset]."""

    retention_days: int = 365


class ForwarderInputs(ModuleInputs):
    """One forwarder per source account (alias rollout); the StackSet renders the same definition."""

    MODULE: ClassVar[str] = "eventbridge-forwarder"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = ("name_prefix", "tags", "central_bus_arn")
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = ("rule_state",)

    filters: SourceFilters = SourceFilters()
    synthetic_event_source: str | None = None
    delivery: ForwarderDelivery = ForwarderDelivery()
    dlq_encryption: Literal["kms", "sqs_managed"] = "kms"
    # per_account_trail only; the env root gives it to each account's home-Region forwarder.
    trail: TrailInputs | None = None
    alarm_subscriptions: tuple[AlarmSubscription, ...] = Field(
        default=(),
        description="The critical e-mail and HTTPS targets, subscribed to each source account's own alarm topic "
        "(the only targets that work from another account).",
    )


class OperationPreferences(CatalogModel):
    max_concurrent_percentage: int = 25
    failure_tolerance_percentage: int = 10
    region_concurrency_type: Literal["PARALLEL", "SEQUENTIAL"] = "PARALLEL"


class ForwarderStackSetInputs(ForwarderInputs):
    MODULE: ClassVar[str] = "eventbridge-forwarder-stackset"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = ("name_prefix", "tags", "central_bus_arn")

    organizational_unit_ids: tuple[str, ...]
    exclude_account_ids: tuple[str, ...] = ()
    regions: tuple[str, ...]
    call_as: Literal["SELF", "DELEGATED_ADMIN"] = "DELEGATED_ADMIN"
    operation_preferences: OperationPreferences = OperationPreferences()


# -- modules/alarm-topic ---------------------------------------------------------------------------------


class AlarmSubscription(CatalogModel):
    """One SNS subscription of an alarm topic (e-mail or HTTPS; the catalog checked the endpoint)."""

    protocol: Literal["email", "https"]
    endpoint: str
    raw_message_delivery: bool = False


class AlarmSlackChannel(CatalogModel):
    """One Slack channel AWS Chatbot posts the topic's alarms to (the catalog checked the IDs)."""

    name: str
    slack_team_id: str
    slack_channel_id: str


class AlarmTopicInputs(ModuleInputs):
    """One alarm topic: an account role's topic for one severity, with that severity's targets."""

    MODULE: ClassVar[str] = "alarm-topic"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = ("name_prefix", "name", "tags")

    severity: Literal["critical", "warning"] = "critical"
    subscriptions: tuple[AlarmSubscription, ...] = ()
    additional_alarm_topic_arns: tuple[str, ...] = Field(
        default=(), description="Existing topics (this account and Region) the alarms notify as well."
    )
    slack_channels: tuple[AlarmSlackChannel, ...] = Field(
        default=(), description="Slack channels AWS Chatbot posts the topic's alarms to."
    )


class SeverityTopicsInputs(CatalogModel):
    critical: AlarmTopicInputs
    warning: AlarmTopicInputs


class AlarmTopicsInputs(CatalogModel):
    """The alarm topics of each account role, by severity (modules/platform calls alarm-topic for each)."""

    central: SeverityTopicsInputs
    api: SeverityTopicsInputs
    data: SeverityTopicsInputs


# -- event sources: modules/cloudtrail-trail ----------------------------------------------------------------


class OrganizationTrailInputs(ModuleInputs):
    """platform_organization_trail: one organization trail in the central account (the delegated administrator)."""

    MODULE: ClassVar[str] = "cloudtrail-trail"
    PLATFORM_SUPPLIED: ClassVar[tuple[str, ...]] = ("name_prefix", "tags", "organization_id")
    MODULE_DEFAULTS: ClassVar[tuple[str, ...]] = ("kms_deletion_window_days",)

    trail_name: str | None = None
    retention_days: int = 365


class EventSourcesInputs(CatalogModel):
    """Where CloudTrail events come from (no module's input: the env root, verify and the docs read it)."""

    mode: Literal["existing_organization_trail", "platform_organization_trail", "per_account_trail"]
    trail: str | None = Field(None, description="The existing trail's ARN or name (existing_organization_trail).")
    forwarder_regions: tuple[str, ...] = Field(description="Forwarder Regions, the home Region first.")
    emulator_skip_reason: str | None = None


# -- the environment ---------------------------------------------------------------------------------------


class AccountsInputs(CatalogModel):
    central: str
    api: str
    data: str
    sources: tuple[str, ...] = ()


class EnvironmentInputs(CatalogModel):
    """Everything one environment root receives; `catalog.auto.tfvars.json` is its plain dump."""

    environment: Literal["local", "dev", "staging", "prod"] = Field(
        description="Environment name (local, dev, staging, prod); prefixes every resource name."
    )
    emulator: bool = Field(description="True for the emulator environment (local state, emulator endpoints).")
    region: str = Field(description="Region of every provider alias (config/environments/<env>.yaml).")
    partition: str = Field(description="AWS partition of the accounts (config/platform.yaml).")
    organization_id: str = Field(description="AWS Organizations id that scopes cross-account policies.")
    deploy_role_name: str = Field(description="Role assumed in every account (also what the checks assume).")
    accounts: AccountsInputs = Field(description="Account ids by role, and the source accounts.")
    tags: dict[str, str] = Field(description="Mandatory tags (platform defaults, environment overrides, Environment).")
    apis: dict[str, ApiInputs] = Field(
        description="Inputs of modules/api-gateway-openapi per API deployed here (config/apis/), by API name."
    )
    lakehouse: LakehouseInputs = Field(
        description="Inputs tables and streams of modules/firehose-iceberg (config/streams/)."
    )
    warehouse: WarehouseInputs = Field(description="Inputs of modules/redshift-serverless (config/warehouse.yaml).")
    central_bus: CentralBusInputs = Field(
        description="Inputs of modules/eventbridge-central-bus (config/eventing.yaml)."
    )
    forwarder: ForwarderInputs = Field(
        description="Inputs of modules/eventbridge-forwarder, one instance per source account in alias rollout."
    )
    forwarder_stackset: ForwarderStackSetInputs | None = Field(
        default=None, description="Inputs of modules/eventbridge-forwarder-stackset; null in alias rollout."
    )
    event_sources: EventSourcesInputs = Field(
        description="Where CloudTrail events come from and the forwarder Regions (event_sources in "
        "config/environments/<env>.yaml)."
    )
    organization_trail: OrganizationTrailInputs | None = Field(
        default=None, description="Inputs of modules/cloudtrail-trail; null unless platform_organization_trail."
    )
    alarm_topics: AlarmTopicsInputs = Field(
        description="Inputs of modules/alarm-topic per account role and severity (notifications in "
        "config/environments/<env>.yaml)."
    )

    @property
    def rollout_mode(self) -> Literal["aliases", "stackset"]:
        return "aliases" if self.forwarder_stackset is None else "stackset"

    @property
    def extra_forwarder_regions(self) -> tuple[str, ...]:
        """Forwarder Regions besides the home Region (alias rollout: one provider alias per account each)."""
        return tuple(region for region in self.event_sources.forwarder_regions if region != self.region)

    @property
    def forwarder_accounts(self) -> tuple[str, ...]:
        """Source accounts that get a forwarder module through their own provider alias."""
        return self.accounts.sources if self.rollout_mode == "aliases" else ()

    def tfvars(self) -> dict[str, object]:
        """The root's variables as JSON values (every field, by its Terraform name)."""
        return self.model_dump(mode="json", exclude={"emulator"})


# The sub-models `modules/platform` receives whole, by variable name, and the module call each feeds.
MODULE_INPUTS: dict[str, type[ModuleInputs]] = {
    "apis": ApiInputs,
    "lakehouse": LakehouseInputs,
    "warehouse": WarehouseInputs,
    "central_bus": CentralBusInputs,
    "forwarder": ForwarderInputs,
    "forwarder_stackset": ForwarderStackSetInputs,
    "organization_trail": OrganizationTrailInputs,
    # Not a generated call: modules/platform/main.tf calls alarm-topic once per role and severity.
    "alarm_topics": AlarmTopicInputs,
}
