"""Stub boto3 clients shaped like the real responses (only what the checks read)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


class FakePaginator:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.calls: list[dict[str, Any]] = []

    def paginate(self, **kwargs: Any) -> Iterable[dict[str, Any]]:
        self.calls.append(kwargs)
        return iter(self.pages)


class FakeApiGateway:
    def __init__(
        self,
        operations: set[tuple[str, str]],
        stage: dict[str, Any],
        validators: dict[tuple[str, str], Any] | None = None,
        keyed: set[tuple[str, str]] | None = None,
    ) -> None:
        by_path: dict[str, dict[str, Any]] = {"/": {}}
        for path, method in operations:
            by_path.setdefault(path, {})[method] = {"httpMethod": method}
        items = [
            {"id": path, "path": path, **({"resourceMethods": methods} if methods else {})}
            for path, methods in by_path.items()
        ]
        # Two pages, so a check that reads only the first page would miss operations.
        middle = len(items) // 2
        self.paginator = FakePaginator([{"items": items[:middle]}, {"items": items[middle:]}])
        self.stage = stage
        # (path, METHOD) -> apis.Validator or None: what each method carries (get_method/get_request_validators).
        self.validators = validators or {}
        self.keyed = keyed or set()  # (path, METHOD) deployed with apiKeyRequired
        declared = {v.name: v for v in self.validators.values() if v is not None}
        self.validator_items = [
            {
                "id": f"v-{v.name}",
                "name": v.name,
                "validateRequestBody": v.body,
                "validateRequestParameters": v.parameters,
            }
            for v in declared.values()
        ]

    def get_paginator(self, name: str) -> FakePaginator:
        if name == "get_request_validators":
            return FakePaginator([{"items": self.validator_items}])
        assert name == "get_resources"
        return self.paginator

    def get_method(self, *, restApiId: str, resourceId: str, httpMethod: str) -> dict[str, Any]:
        validator = self.validators.get((resourceId, httpMethod))
        return {
            "httpMethod": httpMethod,
            "apiKeyRequired": (resourceId, httpMethod) in self.keyed,
            **({"requestValidatorId": f"v-{validator.name}"} if validator else {}),
        }

    def get_stage(self, *, restApiId: str, stageName: str) -> dict[str, Any]:
        return self.stage


def stage_document(
    *,
    tracing: bool = True,
    level: str = "INFO",
    burst: int = 50,
    rate: float = 25.0,
    metrics: bool = True,
    data_trace: bool = False,
    access_logs: bool = True,
) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "stageName": "live",
        "tracingEnabled": tracing,
        "methodSettings": {
            "*/*": {
                "metricsEnabled": metrics,
                "loggingLevel": level,
                "dataTraceEnabled": data_trace,
                "throttlingBurstLimit": burst,
                "throttlingRateLimit": rate,
            }
        },
    }
    if access_logs:
        stage["accessLogSettings"] = {
            "format": '{"requestId":"$context.requestId"}',
            "destinationArn": "arn:aws:logs:us-east-1:222222222222:log-group:/aws/apigateway/local-orders/access",
        }
    return stage


class FakeFirehose:
    def __init__(self, streams: dict[str, dict[str, Any]]) -> None:
        self.streams = streams

    def describe_delivery_stream(self, *, DeliveryStreamName: str) -> dict[str, Any]:
        if DeliveryStreamName not in self.streams:
            raise LookupError(f"stream {DeliveryStreamName} not found")
        return {"DeliveryStreamDescription": self.streams[DeliveryStreamName]}


def iceberg_stream(
    name: str, database: str, table: str, *, status: str = "ACTIVE", account: str = "333333333333"
) -> dict[str, Any]:
    return {
        "DeliveryStreamName": name,
        "DeliveryStreamStatus": status,
        "Destinations": [
            {
                "DestinationId": "destinationId-000000000001",
                "IcebergDestinationDescription": {
                    "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:us-east-1:{account}:catalog"},
                    "S3BackupMode": "FailedDataOnly",
                    "DestinationTableConfigurationList": [
                        {"DestinationDatabaseName": database, "DestinationTableName": table},
                    ],
                    "S3DestinationDescription": {
                        "BucketARN": f"arn:aws:s3:::{account}-errors",
                        "ErrorOutputPrefix": f"error/{name}/!{{firehose:error-output-type}}/",
                    },
                },
            }
        ],
    }


class FakeGlue:
    def __init__(self, tables: dict[tuple[str, str], str]) -> None:
        self.tables = tables  # (database, table) -> table_type

    def get_table(self, *, DatabaseName: str, Name: str) -> dict[str, Any]:
        if (DatabaseName, Name) not in self.tables:
            raise LookupError(f"EntityNotFoundException: {DatabaseName}.{Name}")
        return {"Table": {"Name": Name, "Parameters": {"table_type": self.tables[(DatabaseName, Name)]}}}


class FakeS3:
    """ListObjectsV2 over fixed keys per bucket."""

    def __init__(self, keys: dict[str, list[str]] | None = None) -> None:
        self.keys = keys or {}

    def get_paginator(self, name: str) -> Any:
        assert name == "list_objects_v2"
        keys = self.keys

        class _Paginator:
            def paginate(self, *, Bucket: str, Prefix: str = "") -> Iterable[dict[str, Any]]:
                yield {"Contents": [{"Key": k} for k in keys.get(Bucket, []) if k.startswith(Prefix)]}

        return _Paginator()


class FakeEvents:
    def __init__(self, policy: dict[str, Any] | None) -> None:
        self.policy = policy

    def describe_event_bus(self, *, Name: str) -> dict[str, Any]:
        response: dict[str, Any] = {"Name": Name.rsplit("/", 1)[-1], "Arn": Name}
        if self.policy is not None:
            # AWS returns the stored text: spacing and key order differ from Terraform's jsonencode.
            response["Policy"] = json.dumps(self.policy, indent=2)
        return response


class FakeRedshiftServerless:
    def __init__(self, workgroup: dict[str, Any]) -> None:
        self.workgroup = workgroup

    def get_workgroup(self, *, workgroupName: str) -> dict[str, Any]:
        return {"workgroup": {"workgroupName": workgroupName, **self.workgroup}}


class FakeAccess:
    """Stands in for AccountAccess: one stub client per service, recording the accounts asked for."""

    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients
        self.calls: list[tuple[str, str]] = []

    def client(self, account_id: str, service: str, purpose: str = "check") -> Any:
        self.calls.append((account_id, service))
        if service not in self.clients:
            raise RuntimeError(f"AccessDenied: no {service} client in this test")
        return self.clients[service]


class FakeApiGateways:
    """Several REST APIs behind one client, keyed by rest API id."""

    def __init__(self, apis: dict[str, FakeApiGateway]) -> None:
        self.apis = apis
        self._current: str | None = None

    def get_paginator(self, name: str) -> Any:
        outer = self

        class _Paginator:
            def paginate(self, *, restApiId: str, **kwargs: Any) -> Iterable[dict[str, Any]]:
                return outer.apis[restApiId].get_paginator(name).paginate(restApiId=restApiId, **kwargs)

        return _Paginator()

    def get_stage(self, *, restApiId: str, stageName: str) -> dict[str, Any]:
        return self.apis[restApiId].get_stage(restApiId=restApiId, stageName=stageName)

    def get_method(self, *, restApiId: str, resourceId: str, httpMethod: str) -> dict[str, Any]:
        return self.apis[restApiId].get_method(restApiId=restApiId, resourceId=resourceId, httpMethod=httpMethod)
