"""`event_sources` of config/environments/<env>.yaml: where the CloudTrail events the forwarders match come from.

EventBridge only sees "AWS API Call via CloudTrail" on a source account's default bus while a trail
that covers that account and Region is logging. Each environment says which trail that is:

- `existing_organization_trail`: an organization trail someone else runs; `make verify` checks it
  (read-only) is logging, multi-Region and records management events;
- `platform_organization_trail`: the platform creates one in the central account, as the
  organization's delegated CloudTrail administrator (modules/cloudtrail-trail);
- `per_account_trail`: every source account gets its own multi-Region trail with the forwarder
  (modules/eventbridge-forwarder, or the StackSet template).

`forwarder_regions` lists where forwarders run. CloudTrail delivers the events of global services
(IAM, STS sign-in, Organizations) to EventBridge in us-east-1 only, so a real environment must list
us-east-1 as well as its home Region.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from platformctl.catalog.base import CatalogModel, pattern_str

GLOBAL_SERVICE_REGION = "us-east-1"

Region = pattern_str(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", "an AWS region code such as eu-west-1")
TrailRef = pattern_str(
    r"^(arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:[0-9]{12}:trail/[A-Za-z0-9._-]{3,128}|[A-Za-z0-9][A-Za-z0-9._-]{2,127})$",
    "a trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>) or a trail name of 3-128 letters, digits, "
    "'.', '_' or '-'",
)
TrailName = pattern_str(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$", "a trail name of 3-128 letters, digits, '.', '_' or '-'")
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500)]
# S3 lifecycle expiration of delivered log files; 1 year covers most audit requirements.
DEFAULT_RETENTION_DAYS = 365


class _CreatedTrail(CatalogModel):
    retention_days: int = Field(
        DEFAULT_RETENTION_DAYS, ge=1, le=3650, description="Days CloudTrail log files are kept in the bucket."
    )
    emulator_skip_reason: Reason | None = Field(
        None,
        description="Only for `local`: why the emulator apply leaves the trail out (the full plan keeps it).",
    )


class ExistingOrganizationTrail(CatalogModel):
    """A trail the platform does not own; verified read-only by `make verify`."""

    mode: Literal["existing_organization_trail"]
    trail: TrailRef = Field(
        description="ARN of the organization trail (a name means a trail in the central account's home Region)."
    )


class PlatformOrganizationTrail(_CreatedTrail):
    """An organization trail created in the central account (the delegated CloudTrail administrator)."""

    mode: Literal["platform_organization_trail"]
    trail_name: TrailName | None = Field(None, description="Default: <env>-organization-trail.")


class PerAccountTrail(_CreatedTrail):
    """One multi-Region trail per source account, delivered with the forwarder (home Region only)."""

    mode: Literal["per_account_trail"]


CloudTrailSource = Annotated[
    ExistingOrganizationTrail | PlatformOrganizationTrail | PerAccountTrail, Field(discriminator="mode")
]


class EventSources(CatalogModel):
    cloudtrail: CloudTrailSource
    forwarder_regions: Annotated[list[Region], Field(min_length=1)] | None = Field(
        None,
        description="Regions of the forwarders in every source account; default: the home Region and us-east-1.",
    )

    @field_validator("forwarder_regions")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            repeated = sorted({region for region in value if value.count(region) > 1})
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return value

    def regions(self, home_region: str) -> tuple[str, ...]:
        """The forwarder Regions, home Region first, then the others sorted."""
        listed = self.forwarder_regions or [home_region, GLOBAL_SERVICE_REGION]
        return (home_region, *sorted(set(listed) - {home_region})) if home_region in listed else tuple(sorted(listed))

    def missing_regions(self, home_region: str) -> list[str]:
        """Regions a real environment must forward from but the list leaves out."""
        if self.forwarder_regions is None:
            return []
        return [region for region in (home_region, GLOBAL_SERVICE_REGION) if region not in self.forwarder_regions]
