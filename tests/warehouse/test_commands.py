"""`platformctl warehouse ...` through click's test runner; AWS is a stubbed client, never the network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from platformctl.errors import PlatformError
from platformctl.warehouse import commands
from platformctl.warehouse.sql import InvalidSqlValueError

ROLE = "arn:aws:iam::123456789012:role/dev-warehouse-lakehouse"
MOUNT = [
    "mount-lakehouse",
    "--workgroup",
    "dev-warehouse",
    "--database",
    "analytics",
    "--schema",
    "lakehouse",
    "--glue-database",
    "lakehouse_dev",
    "--iam-role-arn",
    ROLE,
]
SQL = (
    f"CREATE EXTERNAL SCHEMA IF NOT EXISTS \"lakehouse\" FROM DATA CATALOG DATABASE 'lakehouse_dev' IAM_ROLE '{ROLE}';"
)


def fake_client(service: str) -> Any:
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def data_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = fake_client("redshift-data")
    regions: list[str | None] = []

    def factory(region: str | None) -> Any:
        regions.append(region)
        return client

    monkeypatch.setattr(commands, "data_api_client", factory)
    with Stubber(client) as stubber:
        stubber.regions = regions  # type: ignore[attr-defined]
        yield stubber
        stubber.assert_no_pending_responses()


def test_dry_run_prints_the_sql_without_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "data_api_client", lambda region: pytest.fail("dry run must not create a client"))
    result = CliRunner().invoke(commands.group, [*MOUNT, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == SQL


def test_dry_run_with_cross_account_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(
        commands.group, [*MOUNT, "--glue-region", "us-east-1", "--glue-catalog-id", "210000000003", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "REGION 'us-east-1' IAM_ROLE" in result.output
    assert result.output.strip().endswith("CATALOG_ID '210000000003';")


def test_injection_is_refused_before_any_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "data_api_client", lambda region: pytest.fail("no client for refused input"))
    args = [*MOUNT[:-4], "--glue-database", "x' IAM_ROLE 'arn:aws:iam::999999999999:role/evil", "--iam-role-arn", ROLE]
    result = CliRunner().invoke(commands.group, args)
    assert isinstance(result.exception, InvalidSqlValueError)
    assert isinstance(result.exception, PlatformError)


def test_mount_runs_the_sql_through_the_data_api(data_api: Stubber, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("platformctl.warehouse.data_api.time.sleep", lambda seconds: None)
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift!dev-warehouse-admin-AbCdEf"
    data_api.add_response(
        "execute_statement",
        {"Id": "abc"},
        {
            "Sql": SQL,
            "WorkgroupName": "dev-warehouse",
            "Database": "analytics",
            "SecretArn": secret,
            "StatementName": "platformctl-mount-lakehouse",
        },
    )
    data_api.add_response("describe_statement", {"Id": "abc", "Status": "STARTED"}, {"Id": "abc"})
    data_api.add_response(
        "describe_statement", {"Id": "abc", "Status": "FINISHED", "Duration": 2_000_000_000}, {"Id": "abc"}
    )

    result = CliRunner().invoke(commands.group, [*MOUNT, "--secret-arn", secret, "--region", "eu-west-1"])

    assert result.exit_code == 0, result.output
    assert "external schema lakehouse mounts Glue database lakehouse_dev (statement abc in 2.0s)" in result.output
    assert data_api.regions == ["eu-west-1"]  # type: ignore[attr-defined]


def test_mount_failure_surfaces_the_statement_error(data_api: Stubber) -> None:
    data_api.add_response("execute_statement", {"Id": "abc"})
    data_api.add_response(
        "describe_statement",
        {"Id": "abc", "Status": "FAILED", "Error": "ERROR: permission denied for database analytics"},
        {"Id": "abc"},
    )
    result = CliRunner().invoke(commands.group, MOUNT)
    assert isinstance(result.exception, PlatformError)
    assert "permission denied for database analytics" in str(result.exception)


@pytest.fixture
def serverless(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = fake_client("redshift-serverless")
    monkeypatch.setattr(commands, "serverless_client", lambda region: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_snapshot_is_taken_outside_terraform(serverless: Stubber) -> None:
    serverless.add_response(
        "create_snapshot",
        {"snapshot": {"snapshotName": "prod-warehouse-final", "status": "CREATING"}},
        {"namespaceName": "prod-warehouse", "snapshotName": "prod-warehouse-final", "retentionPeriod": -1},
    )
    result = CliRunner().invoke(
        commands.group, ["snapshot", "--namespace", "prod-warehouse", "--name", "prod-warehouse-final"]
    )
    assert result.exit_code == 0, result.output
    assert "snapshot prod-warehouse-final of prod-warehouse: CREATING" in result.output


def test_snapshot_error_is_clean(serverless: Stubber) -> None:
    serverless.add_client_error(
        "create_snapshot", "ConflictException", "There is an operation running on the namespace"
    )
    result = CliRunner().invoke(
        commands.group, ["snapshot", "--namespace", "prod-warehouse", "--name", "final", "--retention-days", "35"]
    )
    assert isinstance(result.exception, PlatformError)
    assert "ConflictException: There is an operation running" in str(result.exception)


def test_snapshot_retention_must_be_positive_or_forever() -> None:
    result = CliRunner().invoke(
        commands.group, ["snapshot", "--namespace", "n", "--name", "s", "--retention-days", "0", "--dry-run"]
    )
    assert isinstance(result.exception, PlatformError)
