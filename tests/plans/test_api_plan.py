"""REST APIs as envs/local plans them in full (what moto ignores or cannot map is asserted here)."""

from __future__ import annotations

import json

import pytest
import yaml

from platformctl.planjson import Plan
from tests.plans.reading import module_expression, resources_of_type

API = "module.platform.module.api["
pytestmark = pytest.mark.terraform


def bodies(plan) -> dict[str, dict]:
    # yaml.safe_load reads both: the rendered body is YAML or JSON, like the spec it came from.
    return {r["values"]["name"]: yaml.safe_load(r["values"]["body"])
            for r in resources_of_type(plan, "aws_api_gateway_rest_api", API)}


def test_bodies_render_the_platform_variables(env_plans) -> None:
    rendered = bodies(env_plans["local"])
    assert set(rendered) == {"local-orders", "local-customers"}
    for body in rendered.values():
        scheme = next(iter(body["components"]["securitySchemes"].values()))
        authorizer = scheme["x-amazon-apigateway-authorizer"]
        assert scheme["type"] == "apiKey"
        assert authorizer["type"] == "request"
        assert authorizer["authorizerUri"].startswith("arn:aws:apigateway:us-east-1:lambda:path/")
        assert "function:local-platform-authorizer" in authorizer["authorizerUri"]
        assert authorizer["authorizerCredentials"].startswith("arn:aws:iam::222222222222:role/")
        for item in body["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict) or "x-amazon-apigateway-integration" not in operation:
                    continue
                integration = operation["x-amazon-apigateway-integration"]
                assert integration["connectionType"] == "VPC_LINK"
                assert integration["connectionId"] in {"loc0rd", "loccus"}
                # $${stageVariables.url} in the template renders to a runtime stage variable reference.
                assert "${stageVariables.url}" in integration["uri"]
                headers = integration["requestParameters"]
                assert headers["integration.request.header.x-requesting-service-id"] == "'api-gw'"
                if operation.get("security", body.get("security")):  # public operations have no authorizer
                    assert headers["integration.request.header.x-org-customer-id"] == \
                        "context.authorizer.x-org-customer-id"


def test_rest_apis_are_regional_overwrite_and_hide_the_default_endpoint(env_plans) -> None:
    plan = env_plans["local"]
    for api in resources_of_type(plan, "aws_api_gateway_rest_api", API):
        values = api["values"]
        assert values["endpoint_configuration"][0]["types"] == ["REGIONAL"]
        assert values["fail_on_warnings"] is True
        assert values["disable_execute_api_endpoint"] is True  # a custom domain fronts it
    # The provider plans put_rest_api_mode as null on create, so read what the module writes.
    mode = module_expression(plan, ["platform", "api"], "aws_api_gateway_rest_api.this", "put_rest_api_mode")
    assert mode == "overwrite"


def test_multi_level_base_paths_on_one_tls12_domain(env_plans) -> None:
    plan = env_plans["local"]
    assert resources_of_type(plan, "aws_apigatewayv2_domain_name", API) == []  # the platform owns domains
    [domain] = resources_of_type(plan, "aws_apigatewayv2_domain_name", "module.platform.aws_apigatewayv2")
    assert domain["values"]["domain_name"] == "api.local.example.com"
    config = domain["values"]["domain_name_configuration"][0]
    assert config["endpoint_type"] == "REGIONAL" and config["security_policy"] == "TLS_1_2"
    keys = sorted(m["values"]["api_mapping_key"] for m in resources_of_type(plan, "aws_apigatewayv2_api_mapping", API))
    assert keys == ["v1/customers", "v1/orders"]


@pytest.mark.parametrize("env", ["local", "prod"])
def test_every_mapping_waits_for_the_shared_domain(env_plans, env) -> None:
    """Each API's mapping takes its domain_name from the platform's domain resource, so Terraform
    orders domain before mappings; naming the domain as a plain string let a first apply race."""
    plan = Plan(env_plans[env])
    call = (plan.config_module(["platform"]) or {})["module_calls"]["api"]
    assert "aws_apigatewayv2_domain_name.api" in call["expressions"]["custom_domain"]["references"]
    [mapping] = [r for r in call["module"]["resources"] if r["address"] == "aws_apigatewayv2_api_mapping.this"]
    assert "var.custom_domain.domain_name" in mapping["expressions"]["domain_name"]["references"]
    domains = {c.index for c in plan.managed("aws_apigatewayv2_domain_name")}
    mapped = {c.after["domain_name"] for c in plan.managed("aws_apigatewayv2_api_mapping")}
    assert mapped and mapped <= domains, f"{env}: mappings onto domains no resource creates: {mapped - domains}"


def test_stage_variables_tracing_and_access_log_format(env_plans, catalog) -> None:
    stages = resources_of_type(env_plans["local"], "aws_api_gateway_stage", API)
    assert len(stages) == 2
    for stage in stages:
        values = stage["values"]
        assert values["xray_tracing_enabled"] is True
        assert values["variables"]["url"].endswith(".local.internal.example.com")
        log_format = json.loads(values["access_log_settings"][0]["format"])
        assert log_format["requestId"] == "$context.requestId"
        assert log_format["principalId"] == "$context.authorizer.principalId"
        assert log_format["orgCustomerId"] == "$context.authorizer.x-org-customer-id"


def test_latency_and_error_alarms_per_api(env_plans) -> None:
    alarms = resources_of_type(env_plans["local"], "aws_cloudwatch_metric_alarm", API)
    for api in ("local-orders", "local-customers"):
        mine = [a["values"] for a in alarms if a["values"]["dimensions"].get("ApiName") == api]
        stats = sorted(a.get("extended_statistic") or a["metric_name"] for a in mine
                       if a["metric_name"] in ("Latency", "5XXError", "4XXError"))
        assert stats == ["4XXError", "5XXError", "p95", "p99"], api


def test_waf_is_associated_with_every_public_stage(env_plans) -> None:
    plan = env_plans["local"]
    assert len(resources_of_type(plan, "aws_wafv2_web_acl_association", API)) == 2
    for acl in resources_of_type(plan, "aws_wafv2_web_acl", API):
        rules = {r["name"] for r in acl["values"]["rule"]}
        managed = {r["statement"][0]["managed_rule_group_statement"][0]["name"] for r in acl["values"]["rule"]
                   if r["statement"][0]["managed_rule_group_statement"]}
        assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
        assert any(r["statement"][0]["rate_based_statement"] for r in acl["values"]["rule"]), rules


def test_authorizer_permission_is_planned_even_though_local_does_not_apply_it(env_plans) -> None:
    permissions = resources_of_type(env_plans["local"], "aws_lambda_permission", API)
    assert {p["values"]["principal"] for p in permissions} == {"apigateway.amazonaws.com"}
    assert len(permissions) == 2


@pytest.mark.parametrize("env", ["local", "dev", "staging", "prod"])
def test_api_keys_are_not_terraform_resources_and_tiers_meter_the_stage(env_plans, catalog, env) -> None:
    plan = env_plans[env]
    assert resources_of_type(plan, "aws_api_gateway_api_key") == []
    assert resources_of_type(plan, "aws_api_gateway_usage_plan_key") == []
    plans = {r["values"]["name"]: r["values"] for r in resources_of_type(plan, "aws_api_gateway_usage_plan", API)}
    wanted = {
        f"{env}-{entry.name}-{tier}": settings
        for entry in catalog.apis
        if env in entry.environments
        for tier, settings in entry.environments[env].usage_plans.items()
    }
    assert set(plans) == set(wanted)
    for name, values in plans.items():
        (stage,) = values["api_stages"]
        assert stage["stage"] == "live"
        assert values["throttle_settings"][0]["rate_limit"] == wanted[name].throttle.rate_limit
    for api in resources_of_type(plan, "aws_api_gateway_rest_api", API):
        assert api["values"]["api_key_source"] == "HEADER"


def test_orders_partner_operations_require_the_x_api_key_scheme(env_plans) -> None:
    body = bodies(env_plans["local"])["local-orders"]
    scheme = body["components"]["securitySchemes"]["api_key"]
    assert (scheme["type"], scheme["name"], scheme["in"]) == ("apiKey", "x-api-key", "header")
    keyed = {
        (path, method)
        for path, item in body["paths"].items()
        for method, operation in item.items()
        if any("api_key" in requirement for requirement in operation.get("security", []))
    }
    public = {(path, method) for path, item in body["paths"].items() for method, op in item.items()
              if "x-platform-public" in op}
    everything = {(path, method) for path, item in body["paths"].items() for method in item}
    assert keyed == everything - public and ("/orders/health", "get") in public
