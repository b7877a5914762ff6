"""What `platformctl warehouse mount-lakehouse --env ENV` mounts: the values from ENV's catalog and outputs.

The post-apply step of `make apply` (and so of the pipeline's apply jobs). It must be safe to run after every
apply: the SQL is CREATE EXTERNAL SCHEMA IF NOT EXISTS, and an environment with nothing to mount is a skip with
its reason, never a failure. The emulator is always a skip: moto has no Redshift Serverless and no Data API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.errors import UsageError

EMULATOR_REASON = (
    "the emulator has no Redshift Serverless and no Redshift Data API (moto), so there is no warehouse to mount "
    "the lakehouse on; the local plan still renders the schema SQL (output warehouse.external_schema_sql)"
)


@dataclass(frozen=True)
class MountTarget:
    workgroup: str
    database: str
    schema: str
    glue_database: str
    iam_role_arn: str
    secret_arn: str | None
    glue_catalog_id: str | None
    region: str
    client: Callable[[], Any]


def target_from_outputs(
    outputs: Mapping[str, Any], *, data_account: str, region: str, client: Callable[[], Any]
) -> MountTarget | str:
    """The mount of a deployed environment, or why there is none (a string)."""
    warehouse = outputs.get("warehouse") or {}
    lakehouse = outputs.get("lakehouse") or {}
    schema = warehouse.get("external_schema_name")
    if not schema or not warehouse.get("workgroup_name"):
        return "the environment has no warehouse with a lakehouse (outputs warehouse.external_schema_name is null)"
    values = {
        "workgroup": warehouse.get("workgroup_name"),
        "database": warehouse.get("database_name"),
        "glue_database": lakehouse.get("glue_database_name"),
        "iam_role_arn": warehouse.get("default_iam_role"),
    }
    empty = sorted(key for key, value in values.items() if not value)
    if empty:
        raise UsageError(f"the outputs lack {', '.join(empty)} of the warehouse or lakehouse: apply the env first")
    catalog_id = lakehouse.get("glue_catalog_id")
    return MountTarget(
        workgroup=values["workgroup"],
        database=values["database"],
        schema=schema,
        glue_database=values["glue_database"],
        iam_role_arn=values["iam_role_arn"],
        secret_arn=warehouse.get("admin_secret_arn"),
        # The catalog is the data account's own unless the lakehouse module reports another one.
        glue_catalog_id=catalog_id if catalog_id and catalog_id != data_account else None,
        region=region,
        client=client,
    )


def mount_target(env: str, outputs_path: Path | None) -> MountTarget | str:
    """Resolve ENV; a string is the reason to skip."""
    from platformctl.awssession import AccountAccess
    from platformctl.catalog import load_inputs
    from platformctl.tfrun import EnvRunner, check_env_name
    from platformctl.toolchain import ensure_toolchain
    from platformctl.verify.commands import _read_outputs as read_outputs  # the same reading as `make verify`
    from platformctl.verify.runner import output_values

    check_env_name(env)
    inputs = load_inputs(env)
    if inputs.emulator:
        return EMULATOR_REASON
    if outputs_path is not None:
        outputs = read_outputs(outputs_path)
    else:
        runner = EnvRunner(ensure_toolchain(), inputs)
        with runner.session():
            runner.init()
            outputs = output_values(runner.outputs_document())
    access = AccountAccess.for_env(inputs, None)
    return target_from_outputs(
        outputs,
        data_account=inputs.accounts.data,
        region=inputs.region,
        client=lambda: access.client(inputs.accounts.data, "redshift-data", purpose="mount-lakehouse"),
    )
