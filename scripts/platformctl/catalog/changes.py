"""Acknowledged data-losing changes: the named overrides that let a plan replace or delete stateful data.

A plan that replaces a Firehose stream (its buffered records are dropped), deletes a Glue Iceberg table or
deletes an S3 bucket fails the plan rule PLAT_PLAN_11 unless an entry here names the resource address, the
action and why losing the data is acceptable (the stream was drained, the table was exported...). Entries
live in `acknowledged_changes` of config/environments/<env>.yaml, or, for one merge request only, in
`acknowledged-changes.yaml` next to the plan's root (envs/<env>/acknowledged-changes.yaml). Remove them
once the change is applied: an entry left behind would acknowledge the next replacement of that address too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from platformctl.catalog.base import CatalogModel, Slug

# Reasons such as "todo" or "ok" are refused: the reviewer must learn why the data may go.
MIN_REASON_WORDS = 4


class AcknowledgedChange(CatalogModel):
    """One reviewed replacement or deletion of a resource that holds data."""

    name: Slug = Field(description="Names the override in reviews and in the gate's report.")
    address: Annotated[str, StringConstraints(min_length=1, max_length=1024)] = Field(
        description="Resource address as the plan prints it, e.g. module.platform.module.lakehouse."
        'aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].'
    )
    action: Literal["replace", "delete"] = Field(description="What the plan does to the resource.")
    reason: str = Field(description="Why the data it holds may be lost (at least four words).")

    @field_validator("reason")
    @classmethod
    def _real_reason(cls, value: str) -> str:
        if len(value.split()) < MIN_REASON_WORDS:
            raise ValueError(
                f"give a reason of at least {MIN_REASON_WORDS} words: how the buffered or stored data is kept "
                "(e.g. 'producers paused and the stream drained before apply')"
            )
        return value


def distinct_names(changes: list[AcknowledgedChange]) -> list[AcknowledgedChange]:
    seen: set[str] = set()
    for change in changes:
        if change.name in seen:
            raise ValueError(f"acknowledgement {change.name!r} is named twice; give each override its own name")
        seen.add(change.name)
    return changes


class AcknowledgementFile(CatalogModel):
    """acknowledged-changes.yaml: the overrides of one merge request."""

    acknowledged_changes: list[AcknowledgedChange] = Field(default=[])

    @field_validator("acknowledged_changes")
    @classmethod
    def _distinct(cls, value: list[AcknowledgedChange]) -> list[AcknowledgedChange]:
        return distinct_names(value)
