"""PLAT_PLAN_11: a plan must not silently lose stored or buffered data.

With hashicorp/aws 5.100 a change of `destination_table_configuration` (a new table on an existing
stream) replaces the Firehose stream (provider issue #48743) and drops the records it buffers; a deleted
Glue Iceberg table or S3 bucket loses what it stores. Such a change passes only when a named override with
a reason acknowledges it (platformctl.catalog.changes): in `acknowledged_changes` of the environment's
catalog file, or in `acknowledged-changes.yaml` next to the plan's root for one merge request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.changes import AcknowledgedChange, AcknowledgementFile
from platformctl.catalog.yamlsource import read_yaml, validation_problems
from platformctl.errors import CatalogError
from platformctl.paths import CONFIG_DIR, ROOT
from platformctl.policy.planindex import PlanIndex, PlanResource

RULE_ID = "PLAT_PLAN_11"
MR_FILE = "acknowledged-changes.yaml"
ONBOARDING_DOC = "docs/onboarding-tables.md"


@dataclass(frozen=True)
class DataLoss:
    resource: PlanResource
    action: str  # replace | delete
    what: str


def _action(actions: list[str]) -> str | None:
    if "delete" not in actions:
        return None
    return "replace" if "create" in actions else "delete"


def _is_iceberg_table(values: dict[str, Any]) -> bool:
    formats = values.get("open_table_format_input") or []
    if any(isinstance(f, dict) and f.get("iceberg_input") for f in formats):
        return True
    parameters = values.get("parameters") or {}
    return str(parameters.get("table_type", "")).upper() == "ICEBERG"


def losses(index: PlanIndex) -> list[DataLoss]:
    """Every planned change that drops buffered records or deletes stored data."""
    found = []
    for change in index.reader.managed(kept=False):
        action = _action(list(change.actions))
        if action is None:
            continue
        before = change.before
        if change.type == "aws_kinesis_firehose_delivery_stream" and action == "replace":
            what = f"replaces Firehose stream {before.get('name') or change.address}: records it buffers are lost"
        elif change.type == "aws_glue_catalog_table" and _is_iceberg_table(before):
            what = (
                f"{'replaces' if action == 'replace' else 'deletes'} Iceberg table "
                f"{before.get('database_name')}.{before.get('name')}: its metadata (and so its data) is lost"
            )
        elif change.type == "aws_s3_bucket":
            what = (
                f"{'replaces' if action == 'replace' else 'deletes'} bucket {before.get('bucket') or change.address}"
                f"{' with force_destroy (every object is deleted)' if before.get('force_destroy') else ''}: "
                "the plan cannot tell whether it holds data"
            )
        else:
            continue
        resource = PlanResource(
            address=change.address, mode="managed", type=change.type, name=change.name, index=change.index,
            module=change.module, values=before,
        )
        found.append(DataLoss(resource, action, what))
    return found


def _read_file(path: Path) -> list[AcknowledgedChange]:
    display = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    document = read_yaml(path, display)
    try:
        return AcknowledgementFile.model_validate(document.data, by_alias=True, by_name=False).acknowledged_changes
    except ValidationError as error:
        raise CatalogError(validation_problems(document, error.errors())) from error


def acknowledgements(index: PlanIndex, config_dir: Path = CONFIG_DIR) -> list[AcknowledgedChange]:
    """The overrides that apply to this plan: the environment's catalog entries and the MR file."""
    found: list[AcknowledgedChange] = []
    if index.label in ENV_NAMES and (config_dir / "environments" / f"{index.label}.yaml").is_file():
        from platformctl.catalog import load_catalog  # the whole catalog, every rule, as everywhere else

        found += load_catalog(config_dir).environment(index.label).acknowledged_changes
    if index.root_dir is not None and (index.root_dir / MR_FILE).is_file():
        found += _read_file(index.root_dir / MR_FILE)
    return found


def _hint(loss: DataLoss, where: str) -> str:
    return (
        f"{loss.what}. Keep the data ({ONBOARDING_DOC}: a new stream per table group, or a drained switch-over), "
        f"or acknowledge it in {where}: an acknowledged_changes entry with a name, address "
        f"'{loss.resource.address}', action {loss.action} and a reason saying how the data is kept"
    )


def data_losing_changes_are_acknowledged(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    found = losses(index)
    if not found:
        return []
    acknowledged = {(a.address, a.action) for a in acknowledgements(index)}
    where = (
        f"config/environments/{index.label}.yaml" if index.label in ENV_NAMES else "the catalog"
    ) + f" or {MR_FILE}"
    return [
        (loss.resource, _hint(loss, where))
        for loss in found
        if (loss.resource.address, loss.action) not in acknowledged
    ]
