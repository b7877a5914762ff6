"""Cross-account EventBridge as every environment plans it, including StackSet mode in prod."""

from __future__ import annotations

import json

import pytest

from platformctl.catalog import resolve
from platformctl.catalog.base import ENV_NAMES
from tests.plans.reading import UNKNOWN, only, planned_changes, resources_of_type

BUS = "module.platform.module.central_bus."
pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("env", ENV_NAMES)
def test_every_target_has_a_dlq_and_a_retry_policy(env_plans, env: str) -> None:
    targets = resources_of_type(env_plans[env], "aws_cloudwatch_event_target")
    assert targets
    for target in targets:
        values = target["values"]
        assert values["dead_letter_config"], target["address"]
        retry = values["retry_policy"][0]
        assert retry["maximum_retry_attempts"] > 0 and retry["maximum_event_age_in_seconds"] > 0


def test_prod_rolls_out_by_stackset_with_a_constant_resource_count(env_plans, catalog) -> None:
    plan = env_plans["prod"]
    stack_set = only(plan, "aws_cloudformation_stack_set")["values"]
    assert stack_set["permission_model"] == "SERVICE_MANAGED"
    assert stack_set["auto_deployment"] == [{"enabled": True, "retain_stacks_on_account_removal": False}]
    assert stack_set["call_as"] == "DELEGATED_ADMIN"
    # The template embeds the central bus ARN, known only after apply; its content is asserted against
    # the forwarder's definition in modules/eventbridge-forwarder-stackset/tests.
    instances = resources_of_type(plan, "aws_cloudformation_stack_instances")
    assert len(instances) == 1
    ous = instances[0]["values"]["deployment_targets"][0]["organizational_unit_ids"]
    assert sorted(ous) == sorted(catalog.eventing.environments["prod"].rollout.organizational_unit_ids)
    assert resources_of_type(plan, "aws_cloudwatch_event_rule", "module.forwarder_") == []


@pytest.mark.parametrize("env", ["local", "dev", "staging"])
def test_alias_mode_has_one_forwarder_per_source_account(env_plans, catalog, env: str) -> None:
    sources = catalog.environment(env).accounts.sources
    # One per account in the home Region, plus one per other forwarder Region (event_sources.forwarder_regions).
    extra = [r.replace("-", "_") for r in resolve(catalog, env).extra_forwarder_regions]
    rules = resources_of_type(env_plans[env], "aws_cloudwatch_event_rule", "module.forwarder_")
    modules = sorted(".".join(r["address"].split(".")[:2]) for r in rules)
    expected = [
        f"module.forwarder_{account}{suffix}" for account in sources for suffix in ["", *(f"_{r}" for r in extra)]
    ]
    assert modules == sorted(expected)
    assert resources_of_type(env_plans[env], "aws_cloudformation_stack_set") == []


@pytest.mark.parametrize(
    ("env", "condition_key"),
    [
        ("dev", "aws:PrincipalOrgID"),
        ("prod", "aws:PrincipalOrgID"),
        ("staging", "aws:PrincipalOrgPaths"),
    ],
)
def test_bus_policy_is_scoped_to_the_organization(env_plans, env: str, condition_key: str) -> None:
    policy = json.loads(only(env_plans[env], "aws_cloudwatch_event_bus_policy", BUS)["values"]["policy"])
    for statement in policy["Statement"]:
        assert statement["Action"] in ("events:PutEvents", ["events:PutEvents"])
        conditions = {key for operator in statement["Condition"].values() for key in operator}
        assert condition_key in conditions


def test_local_bus_policy_lists_its_source_accounts(env_plans, catalog) -> None:
    policy = json.loads(only(env_plans["local"], "aws_cloudwatch_event_bus_policy", BUS)["values"]["policy"])
    principals = {p for s in policy["Statement"] for p in json.dumps(s["Principal"]).split('"') if "arn:aws" in p}
    assert {p.split(":")[4] for p in principals} == set(catalog.environment("local").accounts.sources)


@pytest.mark.parametrize("env", ENV_NAMES)
def test_queues_are_encrypted_with_the_bus_key_and_redrive_to_a_dlq(env_plans, env: str) -> None:
    queues = planned_changes(env_plans[env], "aws_sqs_queue", BUS)
    assert len(queues) == 5
    for address, queue in queues.items():
        assert queue["kms_master_key_id"] == UNKNOWN, f"{address}: encrypted with the bus CMK created in this plan"
        if not queue["name"].endswith("-dlq"):
            assert queue["redrive_policy"] == UNKNOWN, f"{address}: redrives to its DLQ (ARN known after apply)"
