"""The API checks against moto's API Gateway (real boto3 response shapes, in process)."""

from __future__ import annotations

import boto3
from moto import mock_aws

from platformctl.catalog.loader import Catalog
from platformctl.paths import ROOT
from platformctl.verify import apis
from platformctl.verify.model import Status


def test_orders_spec_imported_into_moto_passes_routes_and_stage_checks(catalog: Catalog) -> None:
    entry = next(api for api in catalog.apis if api.name == "orders")
    intended = apis.spec_operations((ROOT / entry.spec_path).read_text(), entry.template_vars_for("local"))
    # Import only the paths, as the check reads them (moto validates the document it imports).
    with mock_aws():
        client = boto3.client("apigateway", region_name="us-east-1")
        api_id = client.create_rest_api(name="local-orders")["id"]
        root = next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
        parents = {"/": root}
        for path in sorted({path for path, _ in intended}, key=lambda p: p.count("/")):
            parent_path = path.rsplit("/", 1)[0] or "/"
            for missing in [p for p in _prefixes(parent_path) if p not in parents]:
                parent = parents[missing.rsplit("/", 1)[0] or "/"]
                parents[missing] = client.create_resource(
                    restApiId=api_id, parentId=parent, pathPart=missing.rsplit("/", 1)[1]
                )["id"]
            parents[path] = client.create_resource(
                restApiId=api_id, parentId=parents[parent_path], pathPart=path.rsplit("/", 1)[1]
            )["id"]
        for path, method in intended:
            client.put_method(restApiId=api_id, resourceId=parents[path], httpMethod=method, authorizationType="NONE")
            client.put_integration(restApiId=api_id, resourceId=parents[path], httpMethod=method, type="MOCK")
        client.create_deployment(restApiId=api_id, stageName="live")
        client.update_stage(
            restApiId=api_id,
            stageName="live",
            patchOperations=[
                {"op": "replace", "path": "/tracingEnabled", "value": "true"},
                {
                    "op": "replace",
                    "path": "/accessLogSettings/destinationArn",
                    "value": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/local-orders/access",
                },
                {"op": "replace", "path": "/accessLogSettings/format", "value": '{"requestId":"$context.requestId"}'},
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
                {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
                {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "false"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50"},
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "25"},
            ],
        )
        api = {
            "rest_api_id": api_id,
            "rest_api_name": "local-orders",
            "stage_name": "live",
            "spec_path": entry.spec_path,
        }
        routes = apis.check_routes(client, api, (ROOT / entry.spec_path).read_text(), entry.template_vars_for("local"))
        assert routes.status is Status.PASS, routes
        intended_stage = {
            "xray_tracing_enabled": True,
            "logging": {"level": "INFO", "metrics_enabled": True, "data_trace_enabled": False},
            "throttling": {"burst_limit": 50, "rate_limit": 25.0},
        }
        results = apis.check_stage(client, api, intended_stage)
        assert [r.status for r in results] == [Status.PASS] * 4, results

        client.update_stage(
            restApiId=api_id,
            stageName="live",
            patchOperations=[
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "5000"},
            ],
        )
        throttling = apis.check_stage(client, api, intended_stage)[-1]
        assert throttling.status is Status.FAIL and "5000" in throttling.reason


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]
