"""`platformctl api keys` end to end against the project's emulator (moto behind the compat layer).

The orders API of `local` is stood up the way modules/api-gateway-openapi names it (REST API
local-orders, stage live, usage plan local-orders-partner) in the catalog's API account, through
the deploy role like the CLI; then issue -> the key is on the plan -> list -> revoke -> gone.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from platformctl.awssession import AccountAccess
from platformctl.catalog import Catalog, resolve
from platformctl.cli import cli
from platformctl.emulator.control import Emulator
from tests.api.conftest import deploy_api


@pytest.fixture
def orders(catalog: Catalog, session_emulator: Emulator, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", str(session_emulator.port))
    monkeypatch.setenv("PLATFORM_EMULATOR_HOST", session_emulator.host)
    inputs = resolve(catalog, "local")
    api = inputs.apis["orders"]
    session = AccountAccess.for_env(inputs, session_emulator.url).session(inputs.accounts.api, "test-setup")
    clients = {s: session.client(s, endpoint_url=session_emulator.url) for s in ("apigateway", "secretsmanager", "kms")}
    deployment = deploy_api(clients["apigateway"], "local", "orders", api.stage_name, sorted(api.usage_plans))
    yield clients, deployment
    apigateway = clients["apigateway"]
    for plan in deployment.plan_ids.values():
        for key in apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]:
            apigateway.delete_usage_plan_key(usagePlanId=plan, keyId=key["id"])
        apigateway.delete_usage_plan(usagePlanId=plan)
    apigateway.delete_rest_api(restApiId=deployment.rest_api_id)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["api", "keys", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_issue_list_revoke_against_the_emulator(orders) -> None:  # type: ignore[no-untyped-def]
    clients, deployment = orders
    apigateway, secrets = clients["apigateway"], clients["secretsmanager"]
    plan = deployment.plan_ids["partner"]
    common = ("--env", "local", "--api", "orders")

    issued = run("issue", *common, "--tier", "partner", "--consumer", "acme-e2e")
    (key,) = apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]
    value = apigateway.get_api_key(apiKey=key["id"], includeValue=True)["value"]
    assert f"issued: key {key['id']} for acme-e2e on tier partner of local-orders" in issued
    assert value not in issued, "the value is printed only with --show-value"
    secret_name = "platform/local/api-keys/orders/acme-e2e"
    stored = json.loads(secrets.get_secret_value(SecretId=secret_name)["SecretString"])
    assert stored["value"] == value
    assert secrets.describe_secret(SecretId=secret_name)["KmsKeyId"].endswith(
        clients["kms"].describe_key(KeyId="alias/platform/local/api-consumers/acme-e2e")["KeyMetadata"]["KeyId"]
    )

    again = run("issue", *common, "--tier", "partner", "--consumer", "acme-e2e", "--show-value")
    assert f"already issued: key {key['id']}" in again and again.rstrip().endswith(value)
    assert len(apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]) == 1

    listed = run("list", *common)
    assert "acme-e2e" in listed and key["id"] in listed and "partner" in listed and "1 key(s)" in listed
    assert value not in listed

    revoked = run("revoke", *common, "--consumer", "acme-e2e")
    assert f"revoked: key {key['id']} of acme-e2e deleted (detached from local-orders-partner)" in revoked
    assert "scheduled for deletion" in revoked
    assert apigateway.get_usage_plan_keys(usagePlanId=plan)["items"] == []
    assert [k for k in apigateway.get_api_keys()["items"] if k["id"] == key["id"]] == []
    assert secrets.describe_secret(SecretId=secret_name).get("DeletedDate") is not None
    assert "0 key(s)" in run("list", *common)


def test_bad_input_is_a_clean_error(orders) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    local = ("--env", "local", "--api", "orders")
    cases = {
        ("issue", "--env", "local", "--api", "nope", "--tier", "partner", "--consumer", "acme"): "--api 'nope' is not",
        ("issue", *local, "--tier", "gold", "--consumer", "acme"): "--tier 'gold' is not",
        ("issue", *local, "--tier", "partner", "--consumer", "Acme!"): "--consumer 'Acme!'",
        ("revoke", *local, "--consumer", "nobody"): "consumer nobody has no API key",
        ("list", "--env", "qa", "--api", "orders"): "unknown ENV 'qa'",
    }
    for args, message in cases.items():
        result = runner.invoke(cli, ["api", "keys", *args])
        assert result.exit_code != 0, args
        assert message in str(result.exception), (args, result.exception)
