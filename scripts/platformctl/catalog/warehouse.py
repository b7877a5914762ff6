"""The warehouse catalog (config/warehouse.yaml): Redshift Serverless settings per environment.

One block per environment (local, dev, staging, prod) with capacity, spend limits, network, the query time
limit and alarm thresholds. Fields carry the module's variable names (the catalog's spelling is each field's
validation alias), so one block is the input of modules/redshift-serverless; the composition adds what the
catalog does not know (tags, the alarm topic, the lakehouse outputs of the Firehose module).

The rules mirror the module's variable validations so that a mistake is reported against the YAML key that
caused it, before Terraform runs.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platformctl.catalog.base import ENV_NAMES, CatalogModel, SnakeName, pattern_str
from platformctl.catalog.streams import ColumnName

Period = Literal["daily", "weekly", "monthly"]
BreachAction = Literal["log", "emit-metric", "deactivate"]
PricePerformanceLevel = Literal[1, 25, 50, 75, 100]

BASE_RPU_MIN, BASE_RPU_MAX = 8, 1024
MAX_RPU_MIN, MAX_RPU_MAX = 8, 5632
RPU_STEP = 8
MAX_QUERY_SECONDS = 86399
# The retention values CloudWatch Logs accepts.
_DAYS_UP_TO_A_YEAR = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365)
_DAYS_BEYOND_A_YEAR = (400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
LOG_RETENTION_DAYS = (*_DAYS_UP_TO_A_YEAR, *_DAYS_BEYOND_A_YEAR)
# Refused for ingress: anything wider than a /8 is "the internet" for a database port.
MIN_INGRESS_PREFIX = 8

VpcId = pattern_str(r"^vpc-[0-9a-f]{8,17}$", "a VPC id: vpc- followed by 8-17 hex digits")
SubnetId = pattern_str(r"^subnet-[0-9a-f]{8,17}$", "a subnet id: subnet- followed by 8-17 hex digits")
SecurityGroupId = pattern_str(r"^sg-[0-9a-f]{8,17}$", "a security group id: sg- followed by 8-17 hex digits")
PrefixListId = pattern_str(r"^pl-[0-9a-f]{8,17}$", "a prefix list id: pl- followed by 8-17 hex digits")
# Same patterns as the module's variables (namespace/workgroup name suffix, database, admin user, schema).
WarehouseName = pattern_str(
    r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$", "3-32 lower-case letters, digits or '-', starting with a letter"
)
DatabaseName = pattern_str(
    r"^[a-z_][a-z0-9_]{0,62}$", "1-63 lower-case letters, digits or underscores, not starting with a digit"
)
AdminUsername = pattern_str(
    r"^[a-z][a-z0-9_]{0,126}$", "1-127 lower-case letters, digits or underscores, starting with a letter"
)
SchemaName = pattern_str(
    r"^[a-z_][a-z0-9_]{0,126}$", "1-127 lower-case letters, digits or underscores, not starting with a digit"
)
RESERVED_ADMIN_NAMES = ("admin", "rdsdb", "root", "public")


def _ipv4_network(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an IPv4 CIDR block written as its network address ({exc})") from exc
    if "/" not in value:
        raise ValueError(f"{value!r} needs a prefix length, e.g. {value}/32")
    return str(network)


class Capacity(CatalogModel):
    """RPUs: a base capacity OR a price-performance target, always with a maximum."""

    base_capacity: int | None = Field(
        default=None,
        validation_alias="base_rpu",
        description="RPUs kept for each query: multiple of 8 between 8 and 1024.",
    )
    max_capacity: int = Field(
        validation_alias="max_rpu", description="Ceiling on RPUs (multiple of 8, 8-5632); caps the spend rate."
    )
    price_performance_level: PricePerformanceLevel | None = Field(
        default=None, description="AI-driven scaling instead of base_rpu: 1 (cheapest) ... 100 (fastest)."
    )

    @field_validator("base_capacity")
    @classmethod
    def _base_rpu_step(cls, value: int | None) -> int | None:
        if value is not None and (value % RPU_STEP or not BASE_RPU_MIN <= value <= BASE_RPU_MAX):
            raise ValueError(
                f"must be a multiple of {RPU_STEP} between {BASE_RPU_MIN} and {BASE_RPU_MAX} (got {value})"
            )
        return value

    @field_validator("max_capacity")
    @classmethod
    def _max_rpu_step(cls, value: int) -> int:
        if value % RPU_STEP or not MAX_RPU_MIN <= value <= MAX_RPU_MAX:
            raise ValueError(f"must be a multiple of {RPU_STEP} between {MAX_RPU_MIN} and {MAX_RPU_MAX} (got {value})")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> Capacity:
        if self.base_capacity is not None and self.price_performance_level is not None:
            raise ValueError("base_rpu and price_performance_level are alternative capacity modes: set one, not both")
        if self.base_capacity is None and self.price_performance_level is None:
            raise ValueError("set a capacity mode: base_rpu (e.g. 8) or price_performance_level (1, 25, 50, 75, 100)")
        if self.base_capacity is not None and self.max_capacity < self.base_capacity:
            raise ValueError(
                f"max_rpu ({self.max_capacity}) must be greater than or equal to base_rpu ({self.base_capacity})"
            )
        return self


class UsageLimit(CatalogModel):
    """A ceiling in RPU-hours per period, and what happens when it is reached."""

    period: Period
    amount: int = Field(gt=0, validation_alias="rpu_hours", description="RPU-hours allowed per period.")
    breach_action: BreachAction = Field(
        description="log: record only; emit-metric: publish a metric (alarmed); deactivate: refuse new queries."
    )


class DataSharingLimit(CatalogModel):
    """A ceiling on data shared across Regions, in TB per period."""

    period: Period
    amount: int = Field(gt=0, validation_alias="terabytes", description="Terabytes shared per period.")
    breach_action: BreachAction


class Network(CatalogModel):
    vpc_id: VpcId
    subnet_ids: list[SubnetId] = Field(description="At least three subnets, one per Availability Zone.")
    ingress_cidrs: list[str] = Field(
        default=[], validation_alias="allowed_cidrs", description="IPv4 CIDRs allowed to connect on 5439."
    )
    ingress_security_group_ids: list[SecurityGroupId] = Field(
        default=[],
        validation_alias="allowed_security_group_ids",
        description="Security groups allowed to connect on 5439.",
    )
    egress_cidrs: list[str] = Field(
        default=[], description="HTTPS destinations, e.g. the VPC CIDR with the Glue/STS/KMS endpoints."
    )
    egress_prefix_list_ids: list[PrefixListId] = Field(
        default=[], description="HTTPS destination prefix lists, e.g. the S3 gateway endpoint's."
    )

    @field_validator("subnet_ids")
    @classmethod
    def _three_subnets(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists a subnet twice")
        if len(value) < 3:
            raise ValueError(f"needs at least 3 subnets, one per Availability Zone (got {len(value)})")
        return sorted(value)

    @field_validator("ingress_security_group_ids", "egress_prefix_list_ids")
    @classmethod
    def _sorted(cls, value: list[str]) -> list[str]:
        return sorted(value)

    @field_validator("ingress_cidrs")
    @classmethod
    def _private_ingress(cls, value: list[str]) -> list[str]:
        cidrs = [_ipv4_network(c) for c in value]
        for cidr in cidrs:
            if ipaddress.IPv4Network(cidr).prefixlen < MIN_INGRESS_PREFIX:
                raise ValueError(f"{cidr} would open port 5439 to the internet; use /{MIN_INGRESS_PREFIX} or narrower")
        return sorted(cidrs)

    @field_validator("egress_cidrs")
    @classmethod
    def _egress_cidrs(cls, value: list[str]) -> list[str]:
        return sorted(_ipv4_network(c) for c in value)

    @model_validator(mode="after")
    def _someone_can_connect(self) -> Network:
        if not self.ingress_cidrs and not self.ingress_security_group_ids:
            raise ValueError("set allowed_cidrs or allowed_security_group_ids: nobody could reach the warehouse")
        return self


class Alarms(CatalogModel):
    capacity_at_max_periods: int = Field(
        default=2, ge=1, le=48, description="30-minute periods at max_rpu before alarming."
    )
    queries_failed_threshold: int = Field(default=10, ge=0, description="Failed queries in 5 minutes.")
    queries_queued_threshold: int = Field(default=5, ge=0, description="Queued queries, sustained.")
    queries_queued_periods: int = Field(default=3, ge=1, le=288, description="5-minute periods of queueing.")
    usage_limit_percent: int = Field(default=90, ge=1, le=100, description="Alarm at this % of a usage limit.")


class LakehouseColumnAccess(CatalogModel):
    """Column-level read access of the warehouse to one Iceberg table (Lake Formation table_with_columns).

    Exactly one of the two lists: the columns Redshift may SELECT, or the columns it may not (every other
    column, including ones added later, stays readable)."""

    column_names: list[ColumnName] | None = Field(None, description="The only columns the warehouse may read.")
    excluded_column_names: list[ColumnName] | None = Field(
        None, description="Columns hidden from the warehouse; every other column is readable."
    )

    @model_validator(mode="after")
    def _one_list(self) -> LakehouseColumnAccess:
        given = [name for name in ("column_names", "excluded_column_names") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("set exactly one of column_names (allow list) or excluded_column_names (deny list)")
        names = getattr(self, given[0])
        if not names:
            raise ValueError(f"{given[0]} must list at least one column")
        if len(set(names)) != len(names):
            raise ValueError(f"{given[0]} lists a column twice")
        return self


class WarehouseEnvironment(CatalogModel):
    """The warehouse of one environment."""

    name: WarehouseName = Field(default="warehouse", description="Namespace/workgroup are '<env>-<name>'.")
    db_name: DatabaseName = Field(default="analytics", validation_alias="database")
    admin_username: AdminUsername = "platform_admin"
    protected: bool = Field(description="Deletion guard (prevent_destroy variant). Must be true for prod.")
    capacity: Capacity
    max_query_execution_time: int = Field(
        ge=1, le=MAX_QUERY_SECONDS, validation_alias="max_query_execution_time_seconds", description="Seconds."
    )
    usage_limits: list[UsageLimit] = Field(min_length=1, description="At least one RPU-hour ceiling.")
    cross_region_datasharing_limit: DataSharingLimit | None = None
    network: Network
    log_retention_days: int = 365
    external_schema_name: SchemaName = Field(
        default="lakehouse", validation_alias="external_schema", description="Schema that mounts the lakehouse."
    )
    alarms: Alarms = Field(default=Alarms())
    lakehouse_column_access: dict[SnakeName, LakehouseColumnAccess] = Field(
        default={},
        description="Per Iceberg table: the columns the warehouse may read (Lake Formation); others: every column.",
    )

    @field_validator("admin_username")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_ADMIN_NAMES:
            raise ValueError(f"{value!r} is reserved; choose another admin user name, e.g. platform_admin")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be a CloudWatch Logs retention value ({', '.join(map(str, LOG_RETENTION_DAYS))})")
        return value

    @field_validator("usage_limits")
    @classmethod
    def _distinct_limits(cls, value: list[UsageLimit]) -> list[UsageLimit]:
        seen: set[tuple[str, str]] = set()
        for limit in value:
            key = (limit.period, limit.breach_action)
            if key in seen:
                raise ValueError(
                    f"two {limit.period} limits with breach_action {limit.breach_action}:"
                    " keep one and set its rpu_hours"
                )
            seen.add(key)
        return sorted(value, key=lambda limit: (limit.period, limit.breach_action))


class WarehouseCatalog(CatalogModel):
    """config/warehouse.yaml."""

    environments: dict[str, WarehouseEnvironment]

    @field_validator("environments")
    @classmethod
    def _every_environment(cls, value: dict[str, WarehouseEnvironment]) -> dict[str, WarehouseEnvironment]:
        unknown = sorted(set(value) - set(ENV_NAMES))
        if unknown:
            raise ValueError(f"unknown environment {', '.join(unknown)}; expected {', '.join(ENV_NAMES)}")
        missing = [env for env in ENV_NAMES if env not in value]
        if missing:
            raise ValueError(f"missing environment {', '.join(missing)}: every environment plans the warehouse")
        return value

    @model_validator(mode="after")
    def _prod_is_safe(self) -> WarehouseCatalog:
        prod = self.environments["prod"]
        if not prod.protected:
            raise ValueError("environments.prod.protected must be true: production data must survive a destroy")
        for limit in prod.usage_limits:
            if limit.breach_action != "deactivate":
                continue
            warned = any(
                other.period == limit.period and other.breach_action != "deactivate" and other.amount < limit.amount
                for other in prod.usage_limits
            )
            if not warned:
                raise ValueError(
                    f"environments.prod.usage_limits: the {limit.period} deactivate limit stops production analytics;"
                    f" add a lower {limit.period} emit-metric (or log) limit so someone is warned first"
                )
        return self

    def environment(self, env: str) -> WarehouseEnvironment:
        try:
            return self.environments[env]
        except KeyError:
            raise ValueError(f"unknown environment {env!r}; expected one of {', '.join(ENV_NAMES)}") from None
