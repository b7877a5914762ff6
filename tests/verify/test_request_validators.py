"""The request-validator check against moto's API Gateway: methods built with the validators the spec names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platformctl.catalog.loader import Catalog
from platformctl.paths import ROOT
from platformctl.verify import apis
from platformctl.verify.model import Status


@pytest.fixture
def apigateway() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("apigateway", region_name="us-east-1")


def build(
    client: Any, wanted: dict[apis.Operation, apis.Validator | None], *, drop: set[apis.Operation] = frozenset()
) -> str:
    """A REST API with the spec's methods, each carrying the validator `wanted` names (unless in `drop`)."""
    api_id = client.create_rest_api(name="local-orders")["id"]
    ids = {}
    for validator in {v for v in wanted.values() if v is not None}:
        ids[validator.name] = client.create_request_validator(
            restApiId=api_id,
            name=validator.name,
            validateRequestBody=validator.body,
            validateRequestParameters=validator.parameters,
        )["id"]
    resources = {"/": next(r["id"] for r in client.get_resources(restApiId=api_id)["items"])}
    for path, method in sorted(wanted, key=lambda op: op[0].count("/")):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            sub = "/" + "/".join(parts[:depth])
            if sub not in resources:
                parent = resources["/" + "/".join(parts[: depth - 1]) if depth > 1 else "/"]
                resources[sub] = client.create_resource(restApiId=api_id, parentId=parent, pathPart=parts[depth - 1])[
                    "id"
                ]
        validator = wanted[(path, method)]
        extra = {}
        if validator is not None and (path, method) not in drop:
            extra["requestValidatorId"] = ids[validator.name]
        client.put_method(
            restApiId=api_id, resourceId=resources[path], httpMethod=method, authorizationType="NONE", **extra
        )
    return api_id


def orders(catalog: Catalog) -> tuple[str, dict[str, str], dict[apis.Operation, apis.Validator | None]]:
    entry = next(api for api in catalog.apis if api.name == "orders")
    text = (ROOT / entry.spec_path).read_text(encoding="utf-8")
    variables = entry.template_vars_for("local")
    return text, variables, apis.spec_validators(text, variables)


def record(api_id: str) -> dict[str, str]:
    return {"rest_api_id": api_id, "rest_api_name": "local-orders", "spec_path": "config/apis/specs/orders.yaml"}


def test_spec_validators_resolve_the_document_default(catalog: Catalog) -> None:
    _, _, wanted = orders(catalog)
    assert wanted[("/orders", "POST")] == apis.Validator("all", True, True)  # the document default
    assert wanted[("/orders", "GET")] == apis.Validator("params-only", False, True)  # its own


def test_methods_with_the_specs_validators_pass(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    result = apis.check_request_validators(apigateway, record(build(apigateway, wanted)), text, variables)
    assert result.status is Status.PASS, result
    assert result.reason == f"{len(wanted)} method(s) as specified, {len(wanted)} with a validator"


def test_a_method_without_its_validator_fails_with_the_method_named(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    api_id = build(apigateway, wanted, drop={("/orders/{orderId}", "PATCH")})
    result = apis.check_request_validators(apigateway, record(api_id), text, variables)
    assert result.status is Status.FAIL
    assert result.details == (
        "PATCH /orders/{orderId}: deployed no validator, the spec asks for all (body on, parameters on)",
    )


def test_a_validator_with_other_flags_fails(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    weakened = {op: (apis.Validator("all", False, True) if v and v.name == "all" else v) for op, v in wanted.items()}
    result = apis.check_request_validators(apigateway, record(build(apigateway, weakened)), text, variables)
    assert result.status is Status.FAIL
    assert len(result.details) == sum(1 for v in wanted.values() if v and v.name == "all")
    assert all("deployed all (body off, parameters on)" in line for line in result.details)


def test_the_emulator_without_imported_validators_is_a_skip_with_the_reason(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    api_id = build(apigateway, dict.fromkeys(wanted))
    result = apis.check_request_validators(apigateway, record(api_id), text, variables, emulator=True)
    assert result.status is Status.SKIP and "does not import x-amazon-apigateway-request-validators" in result.reason
    # The same API on real AWS is a failure: every method lacks its validator.
    assert apis.check_request_validators(apigateway, record(api_id), text, variables).status is Status.FAIL


def test_a_spec_without_validators_is_skipped(apigateway: Any) -> None:
    spec = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n"
    result = apis.check_request_validators(apigateway, record("unused"), spec, {})
    assert result.status is Status.SKIP


def keyed_api(client: Any, operations: set[apis.Operation], keyed: set[apis.Operation]) -> str:
    api_id = client.create_rest_api(name="local-orders")["id"]
    resources = {"/": next(r["id"] for r in client.get_resources(restApiId=api_id)["items"])}
    for path, method in sorted(operations, key=lambda op: op[0].count("/")):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            sub = "/" + "/".join(parts[:depth])
            if sub not in resources:
                parent = resources["/" + "/".join(parts[: depth - 1]) if depth > 1 else "/"]
                resources[sub] = client.create_resource(restApiId=api_id, parentId=parent, pathPart=parts[depth - 1])[
                    "id"
                ]
        client.put_method(
            restApiId=api_id,
            resourceId=resources[path],
            httpMethod=method,
            authorizationType="NONE",
            apiKeyRequired=(path, method) in keyed,
        )
    return api_id


def test_keyed_operations_deployed_with_api_key_required_pass(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    keyed = apis.spec_keyed(text, variables)
    assert ("/orders", "POST") in keyed and ("/orders/health", "GET") not in keyed
    result = apis.check_api_keys_required(
        apigateway, record(keyed_api(apigateway, set(wanted), keyed)), text, variables
    )
    assert result.status is Status.PASS and result.reason == f"{len(keyed)} of {len(wanted)} method(s) require a key"


def test_a_keyed_operation_deployed_without_the_key_requirement_fails(apigateway: Any, catalog: Catalog) -> None:
    text, variables, wanted = orders(catalog)
    keyed = apis.spec_keyed(text, variables)
    api_id = keyed_api(apigateway, set(wanted), (keyed - {("/orders", "GET")}) | {("/orders/health", "GET")})
    result = apis.check_api_keys_required(apigateway, record(api_id), text, variables)
    assert result.status is Status.FAIL
    assert result.details == (
        "GET /orders: apiKeyRequired is False, the spec says True",
        "GET /orders/health: apiKeyRequired is True, the spec says False",
    )
    nothing = keyed_api(apigateway, set(wanted), set())
    skipped = apis.check_api_keys_required(apigateway, record(nothing), text, variables, emulator=True)
    assert skipped.status is Status.SKIP and "does not import API-key requirements" in skipped.reason
