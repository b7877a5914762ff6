"""config/eventing.yaml: the repository's catalog, its rules, and the tfvars it produces."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from platformctl.catalog.eventing import EventingCatalog, to_tfvars
from platformctl.errors import UsageError
from platformctl.paths import CONFIG_DIR

ORG_ID = "o-a1b2c3d4e5"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load((CONFIG_DIR / "eventing.yaml").read_text(encoding="utf-8"))


def with_change(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(raw)
    *parents, leaf = path.split(".")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return document


def errors_of(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        EventingCatalog.model_validate(document)
    return str(error.value)


def test_repository_catalog_is_valid_for_every_environment(raw: dict[str, Any]) -> None:
    catalog = EventingCatalog.model_validate(raw)
    assert set(catalog.environments) == {"local", "dev", "staging", "prod"}
    assert not catalog.environments["prod"].synthetic_events
    assert catalog.environments["prod"].rollout.mode == "stackset"


def test_local_tfvars_alias_mode(raw: dict[str, Any]) -> None:
    tfvars = to_tfvars(EventingCatalog.model_validate(raw), "local", ["555555555555", "444444444444"],
                       organization_id=ORG_ID, central_account_id="111111111111")
    assert tfvars["rollout_mode"] == "aliases"
    assert tfvars["source_account_ids"] == ["444444444444", "555555555555"]
    assert tfvars["central_bus"]["principal_scope"] == {
        "mode": "accounts", "organization_id": None, "ou_paths": [], "account_ids": ["444444444444", "555555555555"],
    }
    assert tfvars["central_bus"]["synthetic_event_source"] == "platform.synthetic"
    assert tfvars["forwarder"]["synthetic_event_source"] == "platform.synthetic"
    assert tfvars["stackset"] is None
    assert tfvars["forwarder"]["dlq_encryption"] == "kms"  # local models real environments
    assert set(tfvars["central_bus"]["delivery"]) == {
        "maximum_event_age_in_seconds", "maximum_retry_attempts", "queue_max_receive_count",
        "message_retention_seconds", "dlq_message_retention_seconds", "visibility_timeout_seconds",
    }


def test_prod_tfvars_stackset_mode(raw: dict[str, Any]) -> None:
    tfvars = to_tfvars(EventingCatalog.model_validate(raw), "prod", [], organization_id=ORG_ID,
                       central_account_id="230000000001")
    assert tfvars["rollout_mode"] == "stackset"
    assert tfvars["source_account_ids"] == []
    assert tfvars["central_bus"]["principal_scope"]["mode"] == "organization"
    assert tfvars["central_bus"]["principal_scope"]["organization_id"] == ORG_ID
    assert tfvars["central_bus"]["synthetic_event_source"] is None
    assert tfvars["stackset"]["exclude_account_ids"] == ["230000000001"]
    assert tfvars["stackset"]["regions"] == ["eu-west-1", "us-east-1"]
    assert tfvars["stackset"]["call_as"] == "DELEGATED_ADMIN"


def test_tfvars_are_deterministic(raw: dict[str, Any]) -> None:
    catalog = EventingCatalog.model_validate(raw)
    first = to_tfvars(catalog, "dev", ["210000000012", "210000000011"], organization_id=ORG_ID)
    second = to_tfvars(catalog, "dev", ["210000000011", "210000000012", "210000000011"], organization_id=ORG_ID)
    assert first == second


def test_high_priority_detail_types_are_forwarded(raw: dict[str, Any]) -> None:
    document = with_change(raw, "defaults.high_priority.extra_detail_types", ["Security Hub Findings - Imported"])
    tfvars = to_tfvars(EventingCatalog.model_validate(document), "dev", [], organization_id=ORG_ID)
    assert "Security Hub Findings - Imported" in tfvars["forwarder"]["filters"]["extra_detail_types"]


def test_staging_api_destination_is_a_secret_reference(raw: dict[str, Any]) -> None:
    tfvars = to_tfvars(EventingCatalog.model_validate(raw), "staging", ["220000000011"], organization_id=ORG_ID)
    api = tfvars["central_bus"]["api_destination"]
    assert api["secret_arn"].startswith("arn:aws:secretsmanager:")
    assert api["secret_value_source"] == "out_of_band"
    assert tfvars["central_bus"]["principal_scope"]["ou_paths"] == ["o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("environments.qa", {"rollout": {"mode": "aliases"}, "principal_scope": {"mode": "organization"}},
         "unknown environment"),
        ("environments.prod.synthetic_events", True, "prod.synthetic_events must be false"),
        ("environments.prod.principal_scope", {"mode": "accounts"}, "cannot follow a StackSet rollout"),
        ("environments.dev.principal_scope", {"mode": "organizational_units"}, "ou_paths is required"),
        ("environments.dev.principal_scope",
         {"mode": "organization", "ou_paths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]},
         "only used with mode organizational_units"),
        ("environments.dev.principal_scope", {"mode": "organizational_units", "ou_paths": ["ou-ab12-11111111"]},
         "String should match pattern"),
        ("environments.dev.principal_scope", {"mode": "everyone"}, "Input should be 'organization'"),
        ("environments.prod.rollout.regions", [], "at least 1 item"),
        ("environments.prod.rollout.organizational_unit_ids", ["Engineering"], "String should match pattern"),
        ("environments.dev.rollout", {"mode": "terraform"}, "does not match any of the expected tags"),
        ("defaults.source_filters.exclude_event_sources", ["iam.amazonaws.com"], "drops ['iam.amazonaws.com']"),
        ("defaults.source_filters.exclude_event_names", ["StopLogging"],
         "drops security-critical events ['StopLogging']"),
        ("defaults.source_filters.exclude_event_names", ["Describe*"], "String should match pattern"),
        ("defaults.high_priority.extra_detail_types", ["AWS API Call via CloudTrail"],
         "list only service detail-types"),
        ("defaults.high_priority.extra_event_names", {"s3.amazonaws.com": []}, "at least 1 item"),
        ("defaults.delivery.maximum_retry_attempts", 186, "less than or equal to 185"),
        ("defaults.delivery.dlq_message_retention_seconds", 60, "at least message_retention_seconds"),
        ("defaults.alarms.period_seconds", 90, "multiple of 60"),
        ("defaults.delivery.retries", 3, "Extra inputs are not permitted"),
        ("synthetic_event_source", "aws.synthetic", "must not start with 'aws.'"),
        ("environments.staging.api_destination.endpoint_url", "http://siem.example.com", "String should match pattern"),
        ("environments.staging.api_destination.secret_arn", "my-plaintext-api-key", "String should match pattern"),
        ("environments.staging.api_destination.authorization_type", "BASIC", "basic_username is required"),
        ("environments.staging.api_destination.invocation_rate_limit_per_second", 1000, "less than or equal to 300"),
    ],
)
def test_invalid_catalogs_name_the_problem(raw: dict[str, Any], path: str, value: Any, message: str) -> None:
    assert message in errors_of(with_change(raw, path, value))


def test_environment_sections_replace_defaults_and_are_validated(raw: dict[str, Any]) -> None:
    document = with_change(raw, "environments.dev.source_filters", {"exclude_event_sources": ["kms.amazonaws.com"]})
    assert "environments.dev" in errors_of(document) and "kms.amazonaws.com" in errors_of(document)


def test_to_tfvars_usage_errors(raw: dict[str, Any]) -> None:
    catalog = EventingCatalog.model_validate(raw)
    with pytest.raises(UsageError, match="no entry for environment"):
        to_tfvars(EventingCatalog.model_validate({"environments": {}}), "dev", [])
    with pytest.raises(UsageError, match="needs source accounts"):
        to_tfvars(catalog, "local", [])
    with pytest.raises(UsageError, match="not 12-digit"):
        to_tfvars(catalog, "local", ["4444"])
    with pytest.raises(UsageError, match="needs an organization id"):
        to_tfvars(catalog, "dev", [])
    with pytest.raises(UsageError, match="not in organization"):
        to_tfvars(catalog, "staging", [], organization_id="o-zzzzzzzzzz")
