"""config/eventing.yaml: the repository's catalog, its rules, and the tfvars it produces."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from platformctl.catalog import resolve
from platformctl.catalog.eventing import ApiDestination, EventingCatalog
from platformctl.paths import CONFIG_DIR
from tests.catalog import helpers as catalogs

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


def resolved(tmp_path: Path, document: dict[str, Any] | None, env: str) -> dict[str, Any]:
    """The eventing inputs of `env` resolved from the repository catalog with eventing.yaml = `document`."""
    config = catalogs.copy_catalog(tmp_path)
    if document is not None:
        catalogs.write(config, "eventing.yaml", document)
    inputs = resolve(catalogs.load(config), env)
    return {
        "rollout_mode": inputs.rollout_mode,
        "source_account_ids": list(inputs.forwarder_accounts),
        **inputs.model_dump(mode="json", include={"central_bus", "forwarder", "forwarder_stackset"}),
    }


def test_local_tfvars_alias_mode(tmp_path: Path) -> None:
    tfvars = resolved(tmp_path, None, "local")
    assert tfvars["rollout_mode"] == "aliases"
    assert tfvars["source_account_ids"] == ["444444444444", "555555555555"]
    assert tfvars["central_bus"]["principal_scope"] == {
        "mode": "accounts", "organization_id": None, "ou_paths": [], "account_ids": ["444444444444", "555555555555"],
    }
    assert tfvars["central_bus"]["synthetic_event_source"] == "platform.synthetic"
    assert tfvars["forwarder"]["synthetic_event_source"] == "platform.synthetic"
    assert tfvars["forwarder_stackset"] is None
    assert tfvars["forwarder"]["dlq_encryption"] == "kms"  # local models real environments
    assert set(tfvars["central_bus"]["delivery"]) == {
        "maximum_event_age_in_seconds", "maximum_retry_attempts", "queue_max_receive_count",
        "message_retention_seconds", "dlq_message_retention_seconds", "visibility_timeout_seconds",
    }


def test_prod_tfvars_stackset_mode(tmp_path: Path) -> None:
    tfvars = resolved(tmp_path, None, "prod")
    assert tfvars["rollout_mode"] == "stackset"
    assert tfvars["source_account_ids"] == []
    assert tfvars["central_bus"]["principal_scope"]["mode"] == "organization"
    assert tfvars["central_bus"]["principal_scope"]["organization_id"] == ORG_ID
    assert tfvars["central_bus"]["synthetic_event_source"] is None
    assert tfvars["forwarder_stackset"]["exclude_account_ids"] == ["230000000001"]
    assert tfvars["forwarder_stackset"]["regions"] == ["eu-west-1", "us-east-1"]
    assert tfvars["forwarder_stackset"]["call_as"] == "DELEGATED_ADMIN"


def test_high_priority_detail_types_are_forwarded(tmp_path: Path, raw: dict[str, Any]) -> None:
    document = with_change(raw, "defaults.high_priority.extra_detail_types", ["Security Hub Findings - Imported"])
    tfvars = resolved(tmp_path, document, "dev")
    assert "Security Hub Findings - Imported" in tfvars["forwarder"]["filters"]["extra_detail_types"]


def test_staging_api_destination_is_a_secret_reference(tmp_path: Path) -> None:
    tfvars = resolved(tmp_path, None, "staging")
    api = tfvars["central_bus"]["api_destination"]
    assert api["secret_arn"].startswith("arn:aws:secretsmanager:")
    assert api["secret_value_source"] == "out_of_band"
    assert tfvars["central_bus"]["principal_scope"]["ou_paths"] == ["o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*"]


def test_api_destination_secret_stays_out_of_state_unless_opted_in() -> None:
    given = {"endpoint_url": "https://siem.example.com/ingest", "secret_arn": SECRET}
    assert ApiDestination.model_validate(given).secret_value_source == "out_of_band"
    opted = ApiDestination.model_validate({**given, "secret_value_source": "secrets_manager"})
    assert opted.secret_value_source == "secrets_manager"


SECRET = "arn:aws:secretsmanager:eu-west-1:210000000001:secret:siem-token-AbCdEf"


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


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ([("eventing.yaml", "environments.dev", None)], "config/eventing.yaml:"),
        ([("environments/local.yaml", "accounts.sources", [])], "mode accounts needs source accounts"),
        ([("environments/local.yaml", "accounts.sources", ["4444"])], "exactly 12 digits 0-9"),
        ([("platform.yaml", "organization.id", "o-zzzzzzzzzz")], "is not in organization o-zzzzzzzzzz"),
        # The Regions moved to event_sources.forwarder_regions of config/environments/prod.yaml.
        ([("eventing.yaml", "environments.prod.rollout.regions", ["eu-west-1"])], "moved: list the Regions once"),
    ],
)
def test_cross_file_rules_are_load_time_problems(
    tmp_path: Path, edits: list[tuple[str, str, Any]], message: str
) -> None:
    config = catalogs.copy_catalog(tmp_path)
    for name, path, value in edits:
        catalogs.edit(config, name, path, value)
    found = catalogs.problems(config)
    assert any(message in problem for problem in found), found
