"""Consumer API keys on the applied envs/local: issue -> on the tier's usage plan -> list -> revoke -> gone.

Runs `platformctl api keys` against the deployment the shared e2e fixture applied, so the REST API
and usage plan it finds are the ones modules/api-gateway-openapi created, not stand-ins.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from platformctl.cli import cli
from platformctl.planjson import Plan

pytestmark = pytest.mark.e2e


def _keys(*args: str) -> str:
    result = CliRunner().invoke(cli, ["api", "keys", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_no_key_is_planned_and_the_api_reads_keys_from_the_header(local_platform) -> None:
    for plan in (local_platform.reference_plan, local_platform.emulator_plan):
        types = {r["type"] for r in Plan(plan).planned_resources()}
        assert not types & {"aws_api_gateway_api_key", "aws_api_gateway_usage_plan_key"}
    api = local_platform.outputs["apis"]["orders"]
    apigateway = local_platform.access.client(local_platform.runner.inputs.accounts.api, "apigateway")
    assert apigateway.get_rest_api(restApiId=api["rest_api_id"])["apiKeySource"] == "HEADER"


def test_issue_list_revoke_on_the_applied_environment(local_platform, session_emulator, monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", str(session_emulator.port))
    monkeypatch.setenv("PLATFORM_EMULATOR_HOST", session_emulator.host)
    account = local_platform.runner.inputs.accounts.api
    apigateway = local_platform.access.client(account, "apigateway")
    secrets = local_platform.access.client(account, "secretsmanager")
    (plan,) = [p for p in apigateway.get_usage_plans()["items"] if p["name"] == "local-orders-partner"]
    assert plan["apiStages"] == [{"apiId": local_platform.outputs["apis"]["orders"]["rest_api_id"], "stage": "live"}]
    common = ("--env", "local", "--api", "orders")

    issued = _keys("issue", *common, "--tier", "partner", "--consumer", "e2e-partner")
    (key,) = apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
    value = apigateway.get_api_key(apiKey=key["id"], includeValue=True)["value"]
    assert key["id"] in issued and value not in issued
    secret = json.loads(secrets.get_secret_value(SecretId="platform/local/api-keys/orders/e2e-partner")["SecretString"])
    assert secret["value"] == value and secret["api_key_id"] == key["id"]
    listed = _keys("list", *common, "--tier", "partner")
    assert "e2e-partner" in listed and key["id"] in listed and value not in listed

    _keys("revoke", *common, "--consumer", "e2e-partner", "--tier", "partner")
    assert apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"] == []
    assert all(k["id"] != key["id"] for k in apigateway.get_api_keys()["items"])
    assert "0 key(s)" in _keys("list", *common)
    # The secret is only scheduled for deletion; force it so the fixture's destroy finds the account clean.
    secrets.delete_secret(SecretId="platform/local/api-keys/orders/e2e-partner", ForceDeleteWithoutRecovery=True)
