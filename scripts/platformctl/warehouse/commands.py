"""`platformctl warehouse ...`: operate the Redshift Serverless warehouse of an environment (real AWS only).

The values come from the env root's Terraform outputs of modules/redshift-serverless (workgroup_name,
database_name, default_iam_role_arn, admin_secret_arn, the lakehouse Glue database). moto has no Redshift
Serverless, so these commands never run against the local emulator; --dry-run prints what would run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError

from platformctl.errors import PlatformError, UsageError
from platformctl.warehouse.data_api import run_statement
from platformctl.warehouse.post_apply import mount_target
from platformctl.warehouse.sql import render_external_schema_sql


def data_api_client(region: str | None) -> Any:
    return boto3.client("redshift-data", region_name=region)


def serverless_client(region: str | None) -> Any:
    return boto3.client("redshift-serverless", region_name=region)


@click.group(name="warehouse")
def group() -> None:
    """Operate the Redshift Serverless warehouse (lakehouse mount, snapshots)."""


@group.command("mount-lakehouse")
@click.option(
    "--env",
    "env",
    help="Take every value from ENV's catalog and Terraform outputs (the post-apply step of `make apply`); "
    "on the emulator it only reports why nothing runs.",
)
@click.option(
    "--outputs",
    "outputs_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --env: `terraform output -json` of the env root instead of reading the env's state.",
)
@click.option("--workgroup", help="Workgroup name (output workgroup_name).")
@click.option("--database", help="Database to create the schema in (output database_name).")
@click.option("--schema", help="External schema name, e.g. lakehouse.")
@click.option("--glue-database", help="Glue database of the Iceberg tables.")
@click.option("--iam-role-arn", help="Role Redshift assumes to read it (output default_iam_role_arn).")
@click.option("--glue-region", help="Region of the Glue catalog, only when it differs from the workgroup's.")
@click.option("--glue-catalog-id", help="Account id of the Glue catalog, only when it is another account.")
@click.option("--region", help="AWS Region of the workgroup (default: the AWS profile's).")
@click.option("--secret-arn", help="Secrets Manager secret to sign in with (output admin_secret_arn); default: IAM.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True, help="Seconds to wait.")
@click.option("--dry-run", is_flag=True, help="Print the SQL and exit without calling AWS.")
def mount_lakehouse(
    env: str | None,
    outputs_path: Path | None,
    workgroup: str | None,
    database: str | None,
    schema: str | None,
    glue_database: str | None,
    iam_role_arn: str | None,
    glue_region: str | None,
    glue_catalog_id: str | None,
    region: str | None,
    secret_arn: str | None,
    timeout: float,
    dry_run: bool,
) -> None:
    """Create the external schema that mounts the lakehouse Glue database (idempotent: IF NOT EXISTS).

    Either every value as an option, or --env ENV: then the values come from ENV's outputs, the statement runs
    through the deploy role of the data account, and an environment without a deployed lakehouse (or the
    emulator, which has no Redshift) is reported as skipped, exit 0.
    """
    client: Any = None
    if env is not None:
        target = mount_target(env, outputs_path)
        if isinstance(target, str):
            click.echo(f"SKIP mount-lakehouse {env}: {target}")
            return
        workgroup, database, schema = target.workgroup, target.database, target.schema
        glue_database, iam_role_arn, secret_arn = target.glue_database, target.iam_role_arn, target.secret_arn
        glue_catalog_id, glue_region, region = target.glue_catalog_id, None, target.region
        client = None if dry_run else target.client()
    missing = [
        f"--{name.replace('_', '-')}"
        for name, value in (
            ("workgroup", workgroup),
            ("database", database),
            ("schema", schema),
            ("glue_database", glue_database),
            ("iam_role_arn", iam_role_arn),
        )
        if not value
    ]
    if missing:
        raise UsageError(f"give --env ENV, or all of {', '.join(missing)}")
    assert workgroup and database and schema and glue_database and iam_role_arn
    sql = render_external_schema_sql(
        schema=schema,
        glue_database=glue_database,
        iam_role_arn=iam_role_arn,
        catalog_id=glue_catalog_id,
        region=glue_region,
    )
    if dry_run:
        click.echo(sql)
        return
    result = run_statement(
        client or data_api_client(region),
        sql,
        workgroup=workgroup,
        database=database,
        secret_arn=secret_arn,
        statement_name=f"platformctl-mount-{schema}",
        timeout=timeout,
    )
    seconds = f" in {result.duration_seconds:.1f}s" if result.duration_seconds is not None else ""
    click.echo(
        f"external schema {schema} mounts Glue database {glue_database} (statement {result.statement_id}{seconds})"
    )


@group.command("snapshot")
@click.option("--namespace", required=True, help="Namespace name (output namespace_name).")
@click.option("--name", "snapshot_name", required=True, help="Snapshot name, e.g. prod-warehouse-final-2025-06-30.")
@click.option(
    "--retention-days",
    type=int,
    default=-1,
    show_default=True,
    help="Days to keep the snapshot; -1 keeps it until someone deletes it.",
)
@click.option("--region", help="AWS Region of the namespace (default: the AWS profile's).")
@click.option("--dry-run", is_flag=True, help="Print the request and exit without calling AWS.")
def snapshot(namespace: str, snapshot_name: str, retention_days: int, region: str | None, dry_run: bool) -> None:
    """Take a manual snapshot outside Terraform state (the "final snapshot" of the deletion runbook).

    Terraform never deletes it, whatever happens to the namespace later.
    """
    if retention_days == 0 or retention_days < -1:
        raise PlatformError("--retention-days must be -1 (keep until deleted) or a positive number of days")
    request = {"namespaceName": namespace, "snapshotName": snapshot_name, "retentionPeriod": retention_days}
    if dry_run:
        click.echo(f"create-snapshot {request}")
        return
    try:
        response = serverless_client(region).create_snapshot(**request)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise PlatformError(
            f"create_snapshot failed: {error.get('Code', 'error')}: {error.get('Message', exc)}"
        ) from exc
    except BotoCoreError as exc:
        raise PlatformError(f"create_snapshot failed: {exc}") from exc
    taken = response.get("snapshot", {})
    click.echo(f"snapshot {taken.get('snapshotName', snapshot_name)} of {namespace}: {taken.get('status', 'CREATING')}")
