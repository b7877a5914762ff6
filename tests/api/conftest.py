"""A deployed-looking orders API (REST API, stage, tier usage plan) as modules/api-gateway-openapi names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from platformctl.api.keynames import usage_plan_name


@dataclass
class FakeDeployment:
    apigateway: Any
    rest_api_id: str
    plan_ids: dict[str, str]


def deploy_api(apigateway: Any, env: str, api: str, stage: str, tiers: list[str]) -> FakeDeployment:
    """What the module creates and the key commands look up: `<env>-<api>`, its stage and one plan per tier."""
    rest_api_id = apigateway.create_rest_api(name=f"{env}-{api}", apiKeySource="HEADER")["id"]
    root = apigateway.get_resources(restApiId=rest_api_id)["items"][0]["id"]
    apigateway.put_method(restApiId=rest_api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=rest_api_id, resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=rest_api_id, stageName=stage)
    plans = {
        tier: apigateway.create_usage_plan(
            name=usage_plan_name(env, api, tier),
            apiStages=[{"apiId": rest_api_id, "stage": stage}],
            throttle={"burstLimit": 20, "rateLimit": 10.0},
        )["id"]
        for tier in tiers
    }
    return FakeDeployment(apigateway, rest_api_id, plans)


@pytest.fixture
def deploy() -> Any:
    return deploy_api
