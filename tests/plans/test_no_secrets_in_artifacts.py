"""No secret value in any environment's plan JSON: what CI keeps as an artifact and what a reviewer reads.

The scanner (tests/secret_scan.py) is detect-secrets plus the platform's own secret attributes; the
planted cases below prove it finds each kind of secret the platform could leak, and lets through the
hashes and names that only look random.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from platformctl.catalog.base import ENV_NAMES
from tests.policies.conftest import FIXTURES
from tests.secret_scan import Hit, scan

API_KEY = "a4C7xyMLGjer6DckFvqftOhwiYP9pTzZRHEnm58s"  # the shape API Gateway generates (40 characters)
AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF\n"


@pytest.mark.terraform
@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_plan_of_every_environment_holds_no_secret(env_plans, env: str) -> None:
    hits = scan(f"plan of {env}", env_plans[env])
    assert [str(hit) for hit in hits] == []


# -- the scanner finds what is planted ---------------------------------------------------------------------


def _resource(address: str, rtype: str, values: dict[str, Any]) -> dict[str, Any]:
    name = address.rsplit(".", 1)[-1]
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "values": values}


def _plan(*resources: dict[str, Any]) -> dict[str, Any]:
    clean = json.loads((FIXTURES / "PLAT_PLAN_clean" / "plan.json").read_text(encoding="utf-8"))
    plan = copy.deepcopy(clean)
    plan["planned_values"]["root_module"].setdefault("resources", []).extend(resources)
    return plan


def _where(hits: list[Hit]) -> set[str]:
    return {hit.where for hit in hits}


def test_the_clean_fixture_plan_holds_no_secret() -> None:
    assert scan("clean", _plan()) == []


@pytest.mark.parametrize(
    ("rtype", "values", "where"),
    [
        ("aws_api_gateway_api_key", {"name": "partner", "value": API_KEY}, "value"),
        ("aws_api_gateway_usage_plan_key", {"key_type": "API_KEY", "value": API_KEY}, "value"),
        ("aws_secretsmanager_secret_version", {"secret_string": '{"token":"s3cr3t-v4lue"}'}, "secret_string"),
        ("aws_redshiftserverless_namespace", {"admin_user_password": "Correct-Horse-9"}, "admin_user_password"),
        ("aws_rds_cluster", {"master_password": "Correct-Horse-9"}, "master_password"),
        (
            "aws_cloudwatch_event_connection",
            {"auth_parameters": [{"api_key": [{"key": "x-api-key", "value": "k3y-v4lue-123"}]}]},
            "auth_parameters.0.api_key.0.value",
        ),
        ("aws_iam_access_key", {"id": "AKIAIOSFODNN7EXAMPLE", "secret": AWS_SECRET_KEY}, "secret"),
        ("tls_private_key", {"private_key_pem": PRIVATE_KEY}, "private_key_pem"),
    ],
)
def test_a_planted_secret_attribute_is_found(rtype: str, values: dict[str, Any], where: str) -> None:
    address = f"module.platform.{rtype}.planted"
    hits = scan("planted", _plan(_resource(address, rtype, values)))
    assert f"{address} {where}" in _where(hits)
    # The report never repeats the value itself.
    assert all(value not in str(hit) for hit in hits for value in values.values() if isinstance(value, str))


@pytest.mark.parametrize(
    ("attribute", "value", "detector"),
    [
        ("description", "AKIAIOSFODNN7EXAMPLE", "AWS Access Key"),
        ("user_data", PRIVATE_KEY, "Private Key"),
        ("tags.Token", "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", "GitHub Token"),
        ("environment.DB_PASSWORD", "Correct-Horse-Battery-Staple-9", None),
    ],
)
def test_detect_secrets_finds_secrets_in_any_attribute(attribute: str, value: str, detector: str | None) -> None:
    *parents, leaf = attribute.split(".")
    values: dict[str, Any] = {}
    node = values
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    hits = scan("planted", _plan(_resource("aws_lambda_function.planted", "aws_lambda_function", values)))
    found = [hit for hit in hits if hit.where == f"aws_lambda_function.planted {attribute}"]
    assert found, hits
    if detector is not None:
        assert detector in {hit.finding for hit in found}


def test_a_secret_in_a_state_file_is_found() -> None:
    state = {
        "version": 4,
        "resources": [
            {
                "module": 'module.platform.module.api["orders"]',
                "mode": "managed",
                "type": "aws_api_gateway_api_key",
                "name": "this",
                "instances": [{"index_key": "partner", "attributes": {"name": "partner", "value": API_KEY}}],
            }
        ],
    }
    hits = scan("state", state)
    assert 'module.platform.module.api["orders"].aws_api_gateway_api_key.this["partner"] value' in _where(hits)
    assert any(hit.finding == "Base64 High Entropy String" for hit in hits)


def test_hashes_and_generated_names_are_not_secrets() -> None:
    benign = _resource(
        "module.platform.module.api.aws_api_gateway_deployment.this",
        "aws_api_gateway_deployment",
        {
            "triggers": {"redeployment": "dcbe576bbd00ee6448b6ff6acac42f786075d6de"},
            "rendered_body_sha1": "99939f1bce31de2add8273fb668d7d494f1cc906",
            "api_key_source": "HEADER",
            "admin_secret_arn": "arn:aws:secretsmanager:us-east-1:333333333333:secret:local-admin-AbCdEf",
            "log_group_name": "API-Gateway-Execution-Logs_w1myzx3f2g/live",
            "api_key_name": "x-api-key",
        },
    )
    placeholder = _resource(
        "module.platform.module.central_bus.aws_cloudwatch_event_connection.out_of_band",
        "aws_cloudwatch_event_connection",
        {"auth_parameters": [{"api_key": [{"key": "x-api-key", "value": "placeholder-set-out-of-band"}]}]},
    )
    assert scan("benign", _plan(benign, placeholder)) == []


def test_only_the_exact_placeholder_passes_as_a_connection_credential() -> None:
    real = _resource(
        "aws_cloudwatch_event_connection.planted",
        "aws_cloudwatch_event_connection",
        {"auth_parameters": [{"api_key": [{"key": "x-api-key", "value": "placeholder-set-out-of-band-2"}]}]},
    )
    assert "aws_cloudwatch_event_connection.planted auth_parameters.0.api_key.0.value" in _where(
        scan("planted", _plan(real))
    )
