"""`platformctl warehouse mount-lakehouse --env ENV`: the post-apply step of `make apply`. Values come from the
env's outputs; the emulator and an env without a lakehouse are skips with the reason; AWS is a stubbed client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from platformctl.errors import UsageError
from platformctl.warehouse import commands

ROLE = "arn:aws:iam::230000000003:role/prod-warehouse-lakehouse"
SECRET = "arn:aws:secretsmanager:eu-west-1:230000000003:secret:redshift!prod-warehouse-platform_admin-AbCdEf"
OUTPUTS = {
    "warehouse": {
        "value": {
            "workgroup_name": "prod-warehouse",
            "database_name": "analytics",
            "default_iam_role": ROLE,
            "admin_secret_arn": SECRET,
            "external_schema_name": "lakehouse",
            "external_schema_sql": "(the module's rendering)",
        },
        "type": "object",
        "sensitive": False,
    },
    "lakehouse": {
        "value": {"glue_database_name": "prod_lakehouse", "glue_catalog_id": "230000000003"},
        "type": "object",
        "sensitive": False,
    },
}
SQL = (
    f"CREATE EXTERNAL SCHEMA IF NOT EXISTS \"lakehouse\" FROM DATA CATALOG DATABASE 'prod_lakehouse' IAM_ROLE '{ROLE}';"
)


def outputs_file(tmp_path: Path, outputs: dict[str, Any]) -> str:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")
    return str(path)


def test_local_is_a_skip_with_the_reason_and_calls_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "data_api_client", lambda region: pytest.fail("no client on the emulator"))
    result = CliRunner().invoke(commands.group, ["mount-lakehouse", "--env", "local"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("SKIP mount-lakehouse local: the emulator has no Redshift Serverless")


def test_dry_run_renders_the_sql_from_the_outputs(tmp_path: Path) -> None:
    args = ["mount-lakehouse", "--env", "prod", "--outputs", outputs_file(tmp_path, OUTPUTS), "--dry-run"]
    result = CliRunner().invoke(commands.group, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == SQL


def test_a_catalog_in_another_account_adds_catalog_id(tmp_path: Path) -> None:
    outputs = json.loads(json.dumps(OUTPUTS))
    outputs["lakehouse"]["value"]["glue_catalog_id"] = "230000000009"
    args = ["mount-lakehouse", "--env", "prod", "--outputs", outputs_file(tmp_path, outputs), "--dry-run"]
    result = CliRunner().invoke(commands.group, args)
    assert result.output.strip() == SQL.removesuffix(";") + " CATALOG_ID '230000000009';"


def test_an_env_without_a_lakehouse_is_a_skip(tmp_path: Path) -> None:
    outputs = json.loads(json.dumps(OUTPUTS))
    outputs["warehouse"]["value"]["external_schema_name"] = None
    result = CliRunner().invoke(
        commands.group, ["mount-lakehouse", "--env", "dev", "--outputs", outputs_file(tmp_path, outputs)]
    )
    assert result.exit_code == 0, result.output
    assert "SKIP mount-lakehouse dev: the environment has no warehouse with a lakehouse" in result.output


def test_outputs_missing_a_value_are_a_usage_error(tmp_path: Path) -> None:
    outputs = json.loads(json.dumps(OUTPUTS))
    outputs["warehouse"]["value"]["default_iam_role"] = None
    result = CliRunner().invoke(
        commands.group, ["mount-lakehouse", "--env", "prod", "--outputs", outputs_file(tmp_path, outputs)]
    )
    assert isinstance(result.exception, UsageError)
    assert "the outputs lack iam_role_arn" in str(result.exception)


def test_neither_env_nor_options_is_a_usage_error() -> None:
    result = CliRunner().invoke(commands.group, ["mount-lakehouse", "--workgroup", "w"])
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == "give --env ENV, or all of --database, --schema, --glue-database, --iam-role-arn"


def test_mount_runs_through_the_data_accounts_deploy_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("redshift-data", region_name="eu-west-1", aws_access_key_id="t", aws_secret_access_key="t")
    assumed: list[tuple[str, str]] = []

    def fake_client(self: Any, account_id: str, service: str, purpose: str = "check") -> Any:
        assumed.append((account_id, service))
        return client

    monkeypatch.setattr("platformctl.awssession.AccountAccess.client", fake_client)
    with Stubber(client) as stub:
        request = {
            "Sql": SQL,
            "WorkgroupName": "prod-warehouse",
            "Database": "analytics",
            "SecretArn": SECRET,
            "StatementName": "platformctl-mount-lakehouse",
        }
        stub.add_response("execute_statement", {"Id": "s-1"}, request)
        stub.add_response("describe_statement", {"Id": "s-1", "Status": "FINISHED"}, {"Id": "s-1"})
        result = CliRunner().invoke(
            commands.group, ["mount-lakehouse", "--env", "prod", "--outputs", outputs_file(tmp_path, OUTPUTS)]
        )
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "external schema lakehouse mounts Glue database prod_lakehouse (statement s-1)" in result.output
    assert assumed == [("230000000003", "redshift-data")]
