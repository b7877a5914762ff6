"""Redshift Serverless as every environment plans it (issue: secure defaults and cost guardrails)."""

from __future__ import annotations

import pytest

from platformctl.catalog.base import ENV_NAMES
from tests.plans.reading import only, resources_of_type

WAREHOUSE = "module.platform.module.warehouse."
pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("env", ENV_NAMES)
def test_workgroup_is_private_routed_through_the_vpc_and_requires_ssl(env_plans, catalog, env: str) -> None:
    workgroup = only(env_plans[env], "aws_redshiftserverless_workgroup", WAREHOUSE)["values"]
    settings = catalog.warehouse.environment(env)
    assert workgroup["publicly_accessible"] is False
    assert workgroup["enhanced_vpc_routing"] is True
    assert workgroup["base_capacity"] == settings.capacity.base_capacity
    assert workgroup["max_capacity"] == settings.capacity.max_capacity
    params = {p["parameter_key"]: p["parameter_value"] for p in workgroup["config_parameter"]}
    assert params["require_ssl"] == "true"
    assert params["enable_user_activity_logging"] == "true"
    assert params["max_query_execution_time"] == str(settings.max_query_execution_time)
    assert sorted(workgroup["subnet_ids"]) == sorted(settings.network.subnet_ids)


@pytest.mark.parametrize("env", ENV_NAMES)
def test_namespace_password_is_managed_and_encrypted(env_plans, env: str) -> None:
    namespaces = resources_of_type(env_plans[env], "aws_redshiftserverless_namespace", WAREHOUSE)
    [namespace] = namespaces
    values = namespace["values"]
    assert values["manage_admin_password"] is True
    assert values.get("admin_user_password") is None
    assert sorted(values["log_exports"]) == ["connectionlog", "useractivitylog", "userlog"]
    protected = namespace["address"].endswith("protected[0]") and ".unprotected" not in namespace["address"]
    assert protected == (env == "prod"), "only prod is protected against destroy in the shipped catalog"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_usage_limits_follow_the_catalog(env_plans, catalog, env: str) -> None:
    planned = sorted(
        (r["values"]["period"], r["values"]["amount"], r["values"]["breach_action"])
        for r in resources_of_type(env_plans[env], "aws_redshiftserverless_usage_limit", WAREHOUSE)
        if r["values"]["usage_type"] == "serverless-compute"
    )
    wanted = sorted((u.period, u.amount, u.breach_action) for u in catalog.warehouse.environment(env).usage_limits)
    assert planned == wanted


def test_prod_is_larger_than_dev(catalog) -> None:
    dev, prod = catalog.warehouse.environment("dev"), catalog.warehouse.environment("prod")
    assert prod.capacity.max_capacity > dev.capacity.max_capacity
    assert (prod.capacity.base_capacity or 0) > (dev.capacity.base_capacity or 0)
