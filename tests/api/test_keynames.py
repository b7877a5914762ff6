"""Names, tags and key policy of consumer keys (pure)."""

from __future__ import annotations

import json

import pytest

from platformctl.api.keynames import (
    KeyNames,
    check_consumer,
    consumer_key_policy,
    consumer_of,
    keyed_operations,
    secret_document,
    usage_plan_name,
)
from platformctl.errors import UsageError


def test_names_follow_the_module_and_the_secret_layout() -> None:
    names = KeyNames("prod", "orders", "partner-acme")
    assert names.rest_api == "prod-orders"
    assert names.api_key == "prod-orders-partner-acme"
    assert names.secret == "platform/prod/api-keys/orders/partner-acme"
    assert names.kms_alias == "alias/platform/prod/api-consumers/partner-acme"
    assert names.usage_plan("gold") == usage_plan_name("prod", "orders", "gold") == "prod-orders-gold"


def test_tags_identify_consumer_tier_and_api_over_the_mandatory_tags() -> None:
    tags = KeyNames("dev", "orders", "acme").tags("partner", {"Owner": "platform", "ApiConsumer": "spoofed"})
    assert tags["Owner"] == "platform"
    assert (tags["ApiConsumer"], tags["UsagePlanTier"], tags["ApiName"]) == ("acme", "partner", "orders")


@pytest.mark.parametrize("bad", ["", "A", "Acme", "acme-", "-acme", "a" * 41, "acme_corp", "acme/../x"])
def test_consumer_names_are_slugs(bad: str) -> None:
    with pytest.raises(UsageError, match="--consumer"):
        check_consumer(bad)


def test_consumer_is_read_back_only_from_keys_this_tool_named() -> None:
    assert consumer_of("local-orders-acme", "local", "orders") == "acme"
    assert consumer_of("local-orders-partner-b", "local", "orders") == "partner-b"
    assert consumer_of("local-orders-", "local", "orders") is None
    assert consumer_of("local-customers-acme", "local", "orders") is None
    assert consumer_of("dev-orders-Legacy_Key", "dev", "orders") is None


def test_secret_document_carries_value_and_context() -> None:
    doc = json.loads(secret_document("k1", "v" * 40, KeyNames("dev", "orders", "acme"), "partner"))
    assert doc == {
        "api_key_id": "k1",
        "value": "v" * 40,
        "header": "x-api-key",
        "api": "orders",
        "environment": "dev",
        "tier": "partner",
        "consumer": "acme",
    }


def test_key_policy_has_no_wildcard_action_and_scopes_use_to_secrets_manager() -> None:
    policy = json.loads(consumer_key_policy("123456789012", "aws", "eu-west-1"))
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    assert "*" not in actions and "kms:*" not in actions
    principals = {s["Principal"]["AWS"] for s in policy["Statement"]}
    assert principals == {"arn:aws:iam::123456789012:root"}
    use = next(s for s in policy["Statement"] if "kms:Decrypt" in s["Action"])
    assert use["Condition"]["StringEquals"] == {
        "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
        "kms:CallerAccount": "123456789012",
    }
    admin = next(s for s in policy["Statement"] if "kms:ScheduleKeyDeletion" in s["Action"])
    assert "kms:Decrypt" not in admin["Action"] and "Condition" not in admin


def test_keyed_operations_are_those_listing_an_x_api_key_header_scheme() -> None:
    document = {
        "components": {
            "securitySchemes": {
                "authorizer": {
                    "type": "apiKey",
                    "name": "x-api-key",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "custom",
                },
                "api_key": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
                "query_key": {"type": "apiKey", "name": "x-api-key", "in": "query"},
            }
        },
        "paths": {
            "/a": {
                "get": {"security": [{"authorizer": [], "api_key": []}]},
                "post": {"security": [{"authorizer": []}]},
                "put": {"security": [{"query_key": []}]},
            },
            "/b": {"x-amazon-apigateway-any-method": {"security": [{"api_key": []}]}, "parameters": []},
        },
    }
    assert keyed_operations(document) == ["GET /a", "ANY /b"]
    assert keyed_operations(
        {
            "swagger": "2.0",
            "securityDefinitions": {"k": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
            "paths": {"/c": {"get": {"security": [{"k": []}]}}},
        }
    ) == ["GET /c"]
    assert keyed_operations("not a document") == []
