"""ConsumerKeys against moto in process: issue, idempotence, conflicts, list and revoke."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platformctl.api.keystore import ConsumerKeys, Target
from platformctl.errors import PlatformError, UsageError

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


def target(tiers: tuple[str, ...] = ("gold", "silver")) -> Target:
    return Target("dev", "orders", "live", tiers, ACCOUNT, "aws", REGION, {"Owner": "platform"})


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        yield {name: boto3.client(name, region_name=REGION) for name in ("apigateway", "secretsmanager", "kms")}


def store(aws: dict[str, Any], tiers: tuple[str, ...] = ("gold", "silver")) -> ConsumerKeys:
    return ConsumerKeys(target(tiers), aws["apigateway"], aws["secretsmanager"], aws["kms"])


def plan_key_ids(aws: dict[str, Any], plan_id: str) -> list[str]:
    return [k["id"] for k in aws["apigateway"].get_usage_plan_keys(usagePlanId=plan_id)["items"]]


def test_issue_creates_key_on_the_tier_plan_and_stores_the_value_under_the_consumers_cmk(
    aws: dict[str, Any], deploy: Any
) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold", "silver"])
    issued = store(aws).issue("acme", "gold")
    assert issued.created and issued.value is None
    assert plan_key_ids(aws, deployment.plan_ids["gold"]) == [issued.key_id]
    assert plan_key_ids(aws, deployment.plan_ids["silver"]) == []
    key = aws["apigateway"].get_api_key(apiKey=issued.key_id, includeValue=True)
    assert key["name"] == "dev-orders-acme" and key["enabled"] is True
    assert key["tags"]["ApiConsumer"] == "acme" and key["tags"]["UsagePlanTier"] == "gold"
    secret = aws["secretsmanager"].describe_secret(SecretId="platform/dev/api-keys/orders/acme")
    cmk = aws["kms"].describe_key(KeyId="alias/platform/dev/api-consumers/acme")["KeyMetadata"]
    assert secret["KmsKeyId"] == cmk["Arn"] and secret["ARN"] == issued.secret_arn
    stored = json.loads(aws["secretsmanager"].get_secret_value(SecretId=issued.secret_arn)["SecretString"])
    assert stored["value"] == key["value"] and stored["api_key_id"] == issued.key_id
    policy = json.loads(aws["kms"].get_key_policy(KeyId=cmk["KeyId"], PolicyName="default")["Policy"])
    assert {s["Sid"] for s in policy["Statement"]} == {"AccountAdministersTheKey", "SecretsManagerInThisAccountOnly"}
    assert aws["kms"].get_key_rotation_status(KeyId=cmk["KeyId"])["KeyRotationEnabled"] is True


def test_issuing_twice_reports_the_existing_key_and_creates_nothing(aws: dict[str, Any], deploy: Any) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    first = store(aws, ("gold",)).issue("acme", "gold")
    again = store(aws, ("gold",)).issue("acme", "gold", with_value=True)
    assert not again.created and again.key_id == first.key_id and again.secret_arn == first.secret_arn
    assert again.value == aws["apigateway"].get_api_key(apiKey=first.key_id, includeValue=True)["value"]
    assert plan_key_ids(aws, deployment.plan_ids["gold"]) == [first.key_id]
    assert len(aws["apigateway"].get_api_keys()["items"]) == 1
    ours = [a for a in aws["kms"].list_aliases()["Aliases"] if a["AliasName"].startswith("alias/platform/")]
    assert [a["AliasName"] for a in ours] == ["alias/platform/dev/api-consumers/acme"]


def test_a_consumer_has_one_tier_per_api(aws: dict[str, Any], deploy: Any) -> None:
    deploy(aws["apigateway"], "dev", "orders", "live", ["gold", "silver"])
    store(aws).issue("acme", "gold")
    with pytest.raises(PlatformError, match=r"already has key .* on dev-orders-gold; revoke it first"):
        store(aws).issue("acme", "silver")


def test_consumers_share_nothing_but_the_plan(aws: dict[str, Any], deploy: Any) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    acme = store(aws, ("gold",)).issue("acme", "gold")
    globex = store(aws, ("gold",)).issue("globex", "gold")
    assert sorted(plan_key_ids(aws, deployment.plan_ids["gold"])) == sorted([acme.key_id, globex.key_id])
    keys = {
        s["Name"]: s["KmsKeyId"] for s in aws["secretsmanager"].list_secrets()["SecretList"] if "api-keys" in s["Name"]
    }
    assert len(set(keys.values())) == 2, "each consumer's secret has its own CMK"


def test_issue_explains_what_is_missing(aws: dict[str, Any], deploy: Any) -> None:
    with pytest.raises(UsageError, match="--tier 'platinum' is not a usage plan tier of orders in dev"):
        store(aws).issue("acme", "platinum")
    with pytest.raises(PlatformError, match="REST API dev-orders is not deployed in dev: apply the environment"):
        store(aws).issue("acme", "gold")
    deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    with pytest.raises(PlatformError, match="usage plan dev-orders-silver is not on stage live"):
        store(aws).issue("acme", "silver")
    assert aws["apigateway"].get_api_keys()["items"] == []


def test_a_failed_secret_write_leaves_no_key_behind(aws: dict[str, Any], deploy: Any) -> None:
    deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    cmk = aws["kms"].create_key()["KeyMetadata"]["KeyId"]
    aws["kms"].create_alias(AliasName="alias/platform/dev/api-consumers/acme", TargetKeyId=cmk)
    aws["kms"].disable_key(KeyId=cmk)
    with pytest.raises(PlatformError, match="is Disabled; enable it"):
        store(aws, ("gold",)).issue("acme", "gold")
    assert aws["apigateway"].get_api_keys()["items"] == []


def test_list_shows_consumers_tiers_and_secrets_but_never_values(aws: dict[str, Any], deploy: Any) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold", "silver"])
    acme = store(aws).issue("acme", "gold")
    globex = store(aws).issue("globex", "silver")
    # A key created by an earlier Terraform version: on the plan, named otherwise, no secret.
    legacy = aws["apigateway"].create_api_key(name="dev-orders-Partner_Old", enabled=True)
    aws["apigateway"].create_usage_plan_key(
        usagePlanId=deployment.plan_ids["gold"], keyId=legacy["id"], keyType="API_KEY"
    )
    rows = store(aws).list()
    assert [(r.consumer, r.tier, r.key_id, r.enabled, r.secret_state) for r in rows] == [
        ("acme", "gold", acme.key_id, True, "stored"),
        (None, "gold", legacy["id"], True, "missing"),
        ("globex", "silver", globex.key_id, True, "stored"),
    ]
    assert rows[0].secret_arn == acme.secret_arn
    assert all(legacy["value"] not in repr(r) for r in rows)
    assert [r.consumer for r in store(aws).list(tier="silver")] == ["globex"]
    assert [r.consumer for r in store(aws).list(consumer="acme")] == ["acme"]


def test_revoke_detaches_deletes_and_schedules_the_secret(aws: dict[str, Any], deploy: Any) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    issued = store(aws, ("gold",)).issue("acme", "gold")
    revoked = store(aws, ("gold",)).revoke("acme", tier="gold", recovery_days=7)
    assert revoked.key_id == issued.key_id and revoked.detached_from == ("dev-orders-gold",)
    assert plan_key_ids(aws, deployment.plan_ids["gold"]) == []
    assert aws["apigateway"].get_api_keys()["items"] == []
    secret = aws["secretsmanager"].describe_secret(SecretId=issued.secret_arn)
    assert secret.get("DeletedDate") is not None and revoked.secret_deletion is not None
    assert store(aws, ("gold",)).list() == []
    with pytest.raises(
        PlatformError, match=r"has no API key for dev-orders \(its secret is already scheduled for deletion\)"
    ):
        store(aws, ("gold",)).revoke("acme")
    # Issuing again restores the secret with the new key's value.
    again = store(aws, ("gold",)).issue("acme", "gold")
    assert again.created and again.key_id != issued.key_id and again.secret_arn == issued.secret_arn
    stored = json.loads(aws["secretsmanager"].get_secret_value(SecretId=again.secret_arn)["SecretString"])
    assert stored["api_key_id"] == again.key_id


def test_revoke_with_the_wrong_tier_changes_nothing(aws: dict[str, Any], deploy: Any) -> None:
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold", "silver"])
    issued = store(aws).issue("acme", "gold")
    with pytest.raises(UsageError, match="is not on tier silver"):
        store(aws).revoke("acme", tier="silver")
    assert plan_key_ids(aws, deployment.plan_ids["gold"]) == [issued.key_id]


def test_a_key_left_by_the_old_terraform_module_is_adopted_then_rotated(aws: dict[str, Any], deploy: Any) -> None:
    """The old module named keys <env>-<api>-<name> like this tool: issue stores its value, revoke + issue rotates."""
    deployment = deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    old = aws["apigateway"].create_api_key(name="dev-orders-acme", enabled=True)
    aws["apigateway"].create_usage_plan_key(usagePlanId=deployment.plan_ids["gold"], keyId=old["id"], keyType="API_KEY")
    (row,) = store(aws, ("gold",)).list()
    assert (row.consumer, row.tier, row.key_id, row.secret_state) == ("acme", "gold", old["id"], "missing")
    adopted = store(aws, ("gold",)).issue("acme", "gold")
    assert not adopted.created and adopted.key_id == old["id"]
    stored = json.loads(aws["secretsmanager"].get_secret_value(SecretId=adopted.secret_arn)["SecretString"])
    assert stored["value"] == old["value"]
    store(aws, ("gold",)).revoke("acme")
    rotated = store(aws, ("gold",)).issue("acme", "gold")
    assert rotated.created and rotated.key_id != old["id"]
    assert plan_key_ids(aws, deployment.plan_ids["gold"]) == [rotated.key_id]


def test_a_key_name_shared_by_two_apis_is_only_revoked_for_its_own_api(aws: dict[str, Any], deploy: Any) -> None:
    # `orders` + consumer `v2-acme` and `orders-v2` + consumer `acme` both name their key dev-orders-v2-acme.
    deploy(aws["apigateway"], "dev", "orders", "live", ["gold"])
    deploy(aws["apigateway"], "dev", "orders-v2", "live", ["gold"])
    other = ConsumerKeys(Target("dev", "orders-v2", "live", ("gold",), ACCOUNT, "aws", REGION, {}),
                         aws["apigateway"], aws["secretsmanager"], aws["kms"])
    theirs = other.issue("acme", "gold")
    with pytest.raises((PlatformError, UsageError)):
        store(aws, ("gold",)).revoke("v2-acme")
    assert aws["apigateway"].get_api_key(apiKey=theirs.key_id)["enabled"] is True, "orders-v2's key is untouched"
    assert all(row.key_id != theirs.key_id for row in store(aws, ("gold",)).list())
