"""Platform-wide settings (config/platform.yaml) and one file per environment (config/environments/)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from platformctl.catalog.base import AccountId, CatalogModel, TagValue, is_tag_key, pattern_str
from platformctl.catalog.changes import AcknowledgedChange, distinct_names
from platformctl.catalog.event_sources import EventSources
from platformctl.catalog.notifications import Notifications

MANDATORY_TAGS = ("CostCenter", "Environment", "Owner", "DataClassification")
DATA_CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")

Region = pattern_str(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", "an AWS region code such as eu-west-1")
RoleName = pattern_str(r"^[A-Za-z0-9_+=,.@-]{1,64}$", "an IAM role name: 1-64 letters, digits or +=,.@_-")
BucketName = pattern_str(
    r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'"
)


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    for key in tags:
        if not is_tag_key(key):
            raise ValueError(f"{key!r} is not a valid AWS tag key")
        if key.lower().startswith("aws:"):
            raise ValueError(f"{key!r}: the aws: prefix is reserved by AWS")
    classification = tags.get("DataClassification")
    if classification is not None and classification not in DATA_CLASSIFICATIONS:
        raise ValueError(f"DataClassification must be one of {', '.join(DATA_CLASSIFICATIONS)}, got {classification!r}")
    return tags


class Organization(CatalogModel):
    id: pattern_str(
        r"^o-[a-z0-9]{10,32}$", "an AWS Organizations id: o- followed by 10-32 lower-case letters or digits"
    ) = Field(description="AWS Organizations id, used to scope cross-account policies.")


class Platform(CatalogModel):
    """config/platform.yaml: what is the same in every environment."""

    organization: Organization
    deploy_role_name: RoleName = Field(description="Role assumed in every account by Terraform.")
    partition: Literal["aws", "aws-us-gov", "aws-cn"] = "aws"
    tags: dict[str, TagValue] = Field(description="Default tags; every mandatory tag except Environment.")

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        return _check_tags(tags)


class Accounts(CatalogModel):
    """Accounts by role. Every resource lands in the account of its role, in every environment."""

    central: AccountId = Field(description="Central/security account: event bus, AppSec queues.")
    api: AccountId = Field(description="Central API account: API Gateway, WAF, custom domains.")
    data: AccountId = Field(description="Data account: Iceberg lakehouse, Firehose, Redshift.")
    sources: list[AccountId] = Field(default=[], description="Source accounts that forward events.")

    @model_validator(mode="after")
    def _distinct_sources(self) -> Accounts:
        seen: set[str] = set()
        for account in self.sources:
            if account in seen:
                raise ValueError(f"sources: account {account} is listed twice")
            seen.add(account)
        return self


class Backend(CatalogModel):
    """S3 backend with native locking; one state key per environment."""

    bucket: BucketName
    region: Region
    key: (
        pattern_str(
            r"^[A-Za-z0-9_./-]+\.tfstate$", "a state key of letters, digits, '_', '.', '/' or '-' ending in .tfstate"
        )
        | None
    ) = None
    kms_key_id: (
        pattern_str(
            r"^arn:aws[a-z-]*:kms:", "a KMS key or alias ARN: arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>"
        )
        | None
    ) = None
    assume_role_arn: (
        pattern_str(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/", "an IAM role ARN: arn:aws:iam::<account>:role/<name>")
        | None
    ) = None


class Environment(CatalogModel):
    """config/environments/<name>.yaml."""

    name: Literal["local", "dev", "staging", "prod"]
    region: Region
    accounts: Accounts
    emulator: bool = Field(False, description="True only for `local`: every endpoint is the embedded emulator.")
    backend: Backend | None = Field(None, description="S3 state backend; required unless emulator is true.")
    deploy_role_name: RoleName | None = Field(None, description="Overrides platform.deploy_role_name.")
    tags: dict[str, TagValue] = Field(default={}, description="Overrides of the platform tags.")
    acknowledged_changes: list[AcknowledgedChange] = Field(
        default=[],
        description="Reviewed replacements/deletions of data-holding resources that PLAT_PLAN_11 lets pass.",
    )
    event_sources: EventSources = Field(
        description="Where the CloudTrail events the forwarders match come from, and the forwarder Regions."
    )
    notifications: Notifications = Field(
        default=Notifications(),
        description="Alarm targets by severity (critical, warning); required (critical) in real environments.",
    )

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        return _check_tags(tags)

    @field_validator("acknowledged_changes")
    @classmethod
    def _distinct_acknowledgements(cls, value: list[AcknowledgedChange]) -> list[AcknowledgedChange]:
        return distinct_names(value)

    @model_validator(mode="after")
    def _backend_matches_emulator(self) -> Environment:
        if self.emulator and self.backend is not None:
            raise ValueError("backend: an emulator environment keeps local state; remove the backend block")
        if not self.emulator and self.backend is None:
            raise ValueError("backend: required for a real environment (bucket and region of the state bucket)")
        if self.emulator and self.name != "local":
            raise ValueError("emulator: only the `local` environment may run against the emulator")
        return self


def resolve_tags(platform: Platform, env: Environment) -> dict[str, str]:
    tags = {**platform.tags, **env.tags}
    tags.setdefault("Environment", env.name)
    return dict(sorted(tags.items()))


def missing_mandatory_tags(tags: dict[str, str]) -> list[str]:
    return [key for key in MANDATORY_TAGS if not tags.get(key)]
