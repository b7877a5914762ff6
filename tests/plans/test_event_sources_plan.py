"""Where CloudTrail events come from, the forwarder Regions and the warehouse's Lake Formation grants, as every
environment plans them (issue 14): prod an organization trail, staging and local a trail per source account,
dev none (an existing organization trail, verified by `make verify`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.catalog import resolve
from platformctl.planjson import Plan
from tests.plans.reading import only, resources_of_type

pytestmark = pytest.mark.terraform
ORG_TRAIL = "module.platform.module.organization_trail[0]."
WAREHOUSE = "module.platform.module.warehouse."


def statements(resource: dict[str, Any], key: str = "policy") -> list[dict[str, Any]]:
    return json.loads(resource["values"][key])["Statement"]


def test_prod_plans_one_organization_trail_in_the_central_account(env_plans, catalog) -> None:
    plan = env_plans["prod"]
    [trail] = resources_of_type(plan, "aws_cloudtrail")
    assert trail["address"] == ORG_TRAIL + "aws_cloudtrail.this"
    values = trail["values"]
    assert values["name"] == "prod-organization-trail"
    assert values["is_organization_trail"] and values["is_multi_region_trail"]
    assert values["include_global_service_events"] and values["enable_log_file_validation"]
    assert values["event_selector"][0]["include_management_events"] is True
    assert values["event_selector"][0]["read_write_type"] == "All"
    central = catalog.environment("prod").accounts.central
    bucket = only(plan, "aws_s3_bucket", ORG_TRAIL)["values"]
    assert bucket["bucket"] == f"prod-cloudtrail-{central}-eu-west-1"
    rules = only(plan, "aws_s3_bucket_lifecycle_configuration", ORG_TRAIL)["values"]["rule"]
    assert rules[0]["expiration"][0]["days"] == 731
    policy = statements(only(plan, "aws_s3_bucket_policy", ORG_TRAIL))
    deny = next(s for s in policy if s["Sid"] == "DenyInsecureTransport")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    for statement in (s for s in policy if s["Effect"] == "Allow"):
        assert statement["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        assert statement["Condition"]["StringEquals"]["aws:SourceOrgID"] == catalog.platform.organization.id
    key = only(plan, "aws_kms_key", ORG_TRAIL)["values"]
    assert key["enable_key_rotation"] is True
    cloudtrail_key_statements = [s for s in json.loads(key["policy"])["Statement"] if "Service" in s["Principal"]]
    assert cloudtrail_key_statements and all(
        "aws:SourceOrgID" in s["Condition"]["StringEquals"] for s in cloudtrail_key_statements
    )
    # The StackSet forwarders need no trail of their own, and run in both Regions.
    template = only(plan, "aws_cloudformation_stack_set")["values"].get("template_body")
    assert template is None or "AWS::CloudTrail::Trail" not in template
    regions = only(plan, "aws_cloudformation_stack_instances")["values"]["regions"]
    assert sorted(regions) == ["eu-west-1", "us-east-1"]


@pytest.mark.parametrize("env", ["local", "staging"])
def test_per_account_trail_comes_with_the_home_region_forwarder_only(env_plans, catalog, env: str) -> None:
    plan = env_plans[env]
    trails = resources_of_type(plan, "aws_cloudtrail")
    sources = catalog.environment(env).accounts.sources
    assert sorted(t["address"] for t in trails) == sorted(
        f"module.forwarder_{account}.module.trail[0].aws_cloudtrail.this" for account in sources
    )
    for trail in trails:
        values = trail["values"]
        assert not values["is_organization_trail"] and values["is_multi_region_trail"]
        assert values["name"] == f"{env}-account-trail"
    for policy in resources_of_type(plan, "aws_s3_bucket_policy", "module.forwarder_"):
        allows = [s for s in statements(policy) if s["Effect"] == "Allow"]
        assert allows and all("aws:SourceAccount" in s["Condition"]["StringEquals"] for s in allows)


def test_dev_plans_no_trail_it_reads_the_existing_one(env_plans) -> None:
    plan = env_plans["dev"]
    assert resources_of_type(plan, "aws_cloudtrail") == []
    event_sources = plan["variables"]["event_sources"]["value"]
    assert event_sources["mode"] == "existing_organization_trail"
    assert event_sources["trail"].endswith(":trail/acme-organization-trail")


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_alias_forwarders_run_in_us_east_1_through_their_own_provider(env_plans, catalog, env: str) -> None:
    inputs = resolve(catalog, env)
    assert inputs.extra_forwarder_regions == ("us-east-1",)
    providers = env_plans[env]["configuration"]["provider_config"]
    for account in inputs.accounts.sources:
        alias = f"aws.source_{account}_us_east_1"
        assert providers[alias]["expressions"]["region"]["constant_value"] == "us-east-1"
        calls = env_plans[env]["configuration"]["root_module"]["module_calls"]
        assert f"forwarder_{account}_us_east_1" in calls
        assert only(env_plans[env], "aws_cloudwatch_event_target", f"module.forwarder_{account}_us_east_1.")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_warehouse_role_gets_lake_formation_read_grants(env_plans, catalog, env: str) -> None:
    plan = env_plans[env]
    grants = {r["address"]: r["values"] for r in resources_of_type(plan, "aws_lakeformation_permissions", WAREHOUSE)}
    database = grants.pop(WAREHOUSE + "aws_lakeformation_permissions.database[0]")
    assert database["permissions"] == ["DESCRIBE"]
    tables = sorted(resolve(catalog, env).lakehouse.tables)
    access = resolve(catalog, env).warehouse.lakehouse_column_access
    for table in tables:
        whole = grants.pop(f'{WAREHOUSE}aws_lakeformation_permissions.table["{table}"]')
        assert sorted(whole["permissions"]) == (["DESCRIBE"] if table in access else ["DESCRIBE", "SELECT"])
        assert whole["table"][0]["name"] == table
    for table, rule in access.items():
        columns = grants.pop(f'{WAREHOUSE}aws_lakeformation_permissions.columns["{table}"]')
        assert columns["permissions"] == ["SELECT"]
        assert columns["table_with_columns"][0]["excluded_column_names"] == rule.excluded_column_names
    assert grants == {}


def test_prod_hides_customer_id_of_the_routed_events_from_the_warehouse(env_plans) -> None:
    [grant] = [
        r
        for r in resources_of_type(env_plans["prod"], "aws_lakeformation_permissions", WAREHOUSE)
        if r["address"].endswith('columns["firehose_events_2"]')
    ]
    with_columns = grant["values"]["table_with_columns"][0]
    assert with_columns["excluded_column_names"] == ["customer_id"] and with_columns["wildcard"] is True


def test_the_emulator_apply_leaves_out_the_per_account_trails(env_plans) -> None:
    # The local reference plan keeps the trails; `make local` applies with emulator_apply_subset (the catalog's
    # event_sources.cloudtrail.emulator_skip_reason says why), which passes trail = null to every forwarder.
    root = Plan(env_plans["local"]).config_module([])
    assert root is not None
    calls = {name: call for name, call in root["module_calls"].items() if name.startswith("forwarder_")}
    assert calls and all(
        "var.emulator_apply_subset" in call["expressions"]["trail"]["references"] for call in calls.values()
    )
