"""Each check's PASS, FAIL and SKIP with stub clients."""

from __future__ import annotations

import pytest

from platformctl.eventing.delivery import CaseResult, DeliveryReport
from platformctl.eventing.policy import bus_policy_document
from platformctl.eventing.synthetic import CASES
from platformctl.verify import apis, drift, eventing, streams, warehouse
from platformctl.verify.model import Status
from tests.verify.fakes import (
    FakeApiGateway,
    FakeEvents,
    FakeFirehose,
    FakeGlue,
    FakeRedshiftServerless,
    iceberg_stream,
    stage_document,
)

SPEC = """openapi: 3.0.3
info: {title: t, description: d, version: "1"}
paths:
  ${base}/orders:
    get:
      x-amazon-apigateway-integration:
        uri: "https://$${stageVariables.url}/orders"
        connectionId: "${vpc_link_id}"
    post: {}
    parameters: []
  /orders/{id}:
    x-amazon-apigateway-any-method: {}
    summary: not a method
"""
VARS = {"base": "/v1"}
INTENDED_OPS = {("/v1/orders", "GET"), ("/v1/orders", "POST"), ("/orders/{id}", "ANY")}
API = {
    "rest_api_id": "abc123",
    "rest_api_name": "local-orders",
    "stage_name": "live",
    "spec_path": "config/apis/specs/orders.yaml",
}
INTENDED_STAGE = {
    "xray_tracing_enabled": True,
    "logging": {"level": "INFO", "metrics_enabled": True, "data_trace_enabled": False, "retention_in_days": 365},
    "throttling": {"burst_limit": 50, "rate_limit": 25.0},
}


def test_spec_operations_render_the_template_and_keep_only_methods() -> None:
    assert apis.spec_operations(SPEC, VARS) == INTENDED_OPS


def test_routes_pass_when_every_operation_is_deployed() -> None:
    client = FakeApiGateway(INTENDED_OPS, stage_document())
    result = apis.check_routes(client, API, SPEC, VARS)
    assert result.status is Status.PASS, result
    assert client.paginator.calls == [{"restApiId": "abc123", "embed": ["methods"]}]


def test_routes_fail_and_name_missing_and_unexpected_operations() -> None:
    deployed = (INTENDED_OPS - {("/v1/orders", "POST")}) | {("/v1/orders", "DELETE")}
    result = apis.check_routes(FakeApiGateway(deployed, stage_document()), API, SPEC, VARS)
    assert result.status is Status.FAIL
    assert result.details == (
        "in the spec but not deployed: POST /v1/orders",
        "deployed but not in the spec: DELETE /v1/orders",
    )


def _stage_statuses(stage: dict) -> dict[str, Status]:
    results = apis.check_stage(FakeApiGateway(set(), stage), API, INTENDED_STAGE)
    return {result.name.split(": ", 1)[1]: result.status for result in results}


def test_stage_as_intended_passes_every_stage_check() -> None:
    assert _stage_statuses(stage_document()) == {
        "access logging": Status.PASS,
        "X-Ray tracing": Status.PASS,
        "execution logging": Status.PASS,
        "throttling": Status.PASS,
    }


@pytest.mark.parametrize(
    ("stage", "failing"),
    [
        (stage_document(access_logs=False), "access logging"),
        (stage_document(tracing=False), "X-Ray tracing"),
        (stage_document(level="ERROR"), "execution logging"),
        (stage_document(data_trace=True), "execution logging"),
        (stage_document(burst=5000), "throttling"),
        (stage_document(rate=10000.0), "throttling"),
    ],
)
def test_stage_drift_fails_exactly_the_affected_check(stage: dict, failing: str) -> None:
    statuses = _stage_statuses(stage)
    assert [name for name, status in statuses.items() if status is Status.FAIL] == [failing]


def test_stage_without_method_settings_fails_logging_and_throttling() -> None:
    stage = stage_document()
    del stage["methodSettings"]
    statuses = _stage_statuses(stage)
    assert statuses["execution logging"] is Status.FAIL and statuses["throttling"] is Status.FAIL


def test_api_inventory_names_missing_and_extra_apis() -> None:
    result = apis.check_inventory({"orders": {}, "legacy": {}}, {"orders": {}, "customers": {}})
    assert result.status is Status.FAIL
    assert result.details == ("in the catalog, not deployed: customers", "deployed, not in the catalog: legacy")
    assert apis.check_inventory({"orders": {}}, {"orders": {}}).status is Status.PASS


def test_active_iceberg_stream_with_iceberg_tables_passes() -> None:
    firehose = FakeFirehose({"local-events": iceberg_stream("local-events", "local_streaming", "events")})
    glue = FakeGlue({("local_streaming", "events"): "ICEBERG"})
    assert streams.check_stream(firehose, glue, "local-events", "333333333333").status is Status.PASS


@pytest.mark.parametrize(
    ("stream", "tables", "expected"),
    [
        (iceberg_stream("s", "db", "events", status="CREATING"), {("db", "events"): "ICEBERG"}, "not ACTIVE"),
        (iceberg_stream("s", "db", "events"), {}, "does not exist"),
        (iceberg_stream("s", "db", "events"), {("db", "events"): "EXTERNAL_TABLE"}, "not an Iceberg table"),
        (iceberg_stream("s", "db", "events", account="999999999999"), {("db", "events"): "ICEBERG"}, "not in account"),
    ],
)
def test_stream_problems_fail(stream: dict, tables: dict, expected: str) -> None:
    result = streams.check_stream(FakeFirehose({"s": stream}), FakeGlue(tables), "s", "333333333333")
    assert result.status is Status.FAIL
    assert expected in " ".join((result.reason, *result.details))


def test_tables_check_requires_table_type_iceberg() -> None:
    glue = FakeGlue({("db", "a"): "ICEBERG", ("db", "b"): "iceberg", ("db", "c"): "EXTERNAL_TABLE"})
    assert streams.check_tables(glue, "db", ["a", "b"]).status is Status.PASS
    failed = streams.check_tables(glue, "db", ["a", "c", "d"])
    assert failed.status is Status.FAIL and "db.c" in failed.reason and "db.d" in failed.details[0]


def test_stream_inventory_compares_with_the_catalog() -> None:
    lakehouse = {"stream_names": {"events": "local-events"}, "table_names": ["t1", "t2"]}
    intended = {"streams": {"events": {}}, "tables": {"t1": {}, "t2": {}}}
    assert streams.check_inventory(lakehouse, intended).status is Status.PASS
    intended["tables"]["t3"] = {}
    assert "t3" in streams.check_inventory(lakehouse, intended).details[0]


BUS = "arn:aws:events:us-east-1:111111111111:event-bus/local-central-events"
ACCOUNTS_SCOPE = {
    "mode": "accounts",
    "organization_id": None,
    "ou_paths": [],
    "account_ids": ["444444444444", "555555555555"],
}
ORG_SCOPE = {"mode": "organization", "organization_id": "o-a1b2c3d4e5", "ou_paths": [], "account_ids": []}


def test_bus_policy_matching_the_scope_passes_whatever_the_formatting() -> None:
    deployed = bus_policy_document(BUS, ACCOUNTS_SCOPE)
    statement = deployed["Statement"][0]
    statement["Principal"]["AWS"].reverse()  # order and Sid do not matter
    del statement["Sid"]
    result = eventing.check_bus_policy(FakeEvents(deployed), BUS, ACCOUNTS_SCOPE, "aws")
    assert result.status is Status.PASS and "2 listed account(s)" in result.reason


def test_bus_policy_wider_than_intended_fails() -> None:
    # An organization-wide grant where only two accounts were intended.
    deployed = bus_policy_document(BUS, ORG_SCOPE)
    result = eventing.check_bus_policy(FakeEvents(deployed), BUS, ACCOUNTS_SCOPE, "aws")
    assert result.status is Status.FAIL
    assert "PrincipalOrgID" in result.details[0]


def test_bus_without_policy_fails() -> None:
    result = eventing.check_bus_policy(FakeEvents(None), BUS, ORG_SCOPE, "aws")
    assert result.status is Status.FAIL and "no resource policy" in result.reason


def test_normalise_policy_treats_star_and_single_lists_alike() -> None:
    a = {"Statement": [{"Sid": "x", "Principal": "*", "Action": ["events:PutEvents"]}]}
    b = {"Statement": {"Principal": {"AWS": "*"}, "Action": "events:PutEvents"}}
    assert eventing.normalise_policy(a) == eventing.normalise_policy(b)


def _report(passed: bool, timed_out: bool = False) -> DeliveryReport:
    results = []
    for case in CASES:
        result = CaseResult("444444444444", case, "standard")
        if passed:
            result.observed["standard"] = 1
        results.append(result)
    return DeliveryReport("run1", results, 0, 1.5, timed_out)


@pytest.mark.parametrize(
    ("passed", "timed_out", "status"),
    [
        (True, False, Status.PASS),
        (False, False, Status.FAIL),
        (False, True, Status.FAIL),
    ],
)
def test_delivery_check_reports_run_check(
    monkeypatch: pytest.MonkeyPatch, passed: bool, timed_out: bool, status: Status
) -> None:
    seen = {}

    def fake_run_check(sources, sqs, queues, **kwargs):
        seen.update(kwargs, queues=queues)
        return _report(passed, timed_out)

    monkeypatch.setattr(eventing, "run_check", fake_run_check)
    result = eventing.check_delivery(
        [object()],
        object(),
        {"high_priority": "h", "standard": "s"},
        region="us-east-1",
        source="platform.synthetic",
        read_only_forwarded=False,
    )
    assert result.status is status
    assert seen["queues"] == {"high_priority": "h", "standard": "s"} and seen["source"] == "platform.synthetic"
    if timed_out:
        assert "timed out" in result.reason


def test_delivery_without_source_accounts_is_skipped() -> None:
    result = eventing.check_delivery(
        [],
        object(),
        {"high_priority": "h", "standard": "s"},
        region="us-east-1",
        source="platform.synthetic",
        read_only_forwarded=False,
    )
    assert result.status is Status.SKIP and "StackSet" in result.reason


INTENDED_WAREHOUSE = {
    "name": "warehouse",
    "capacity": {"base_capacity": 8, "max_capacity": 32, "price_performance_level": None},
}


@pytest.mark.parametrize(
    ("workgroup", "status"),
    [
        ({"status": "AVAILABLE", "baseCapacity": 8, "maxCapacity": 32}, Status.PASS),
        ({"status": "MODIFYING", "baseCapacity": 8, "maxCapacity": 32}, Status.FAIL),
        ({"status": "AVAILABLE", "baseCapacity": 16, "maxCapacity": 32}, Status.FAIL),
        ({"status": "AVAILABLE", "baseCapacity": 8, "maxCapacity": 512}, Status.FAIL),
    ],
)
def test_workgroup_status_and_capacity(workgroup: dict, status: Status) -> None:
    result = warehouse.check_workgroup(
        FakeRedshiftServerless(workgroup), {"workgroup_name": "dev-warehouse"}, INTENDED_WAREHOUSE
    )
    assert result.status is status


def test_price_performance_target_is_compared_when_intended() -> None:
    intended = {"name": "w", "capacity": {"base_capacity": None, "max_capacity": 64, "price_performance_level": 50}}
    good = {"status": "AVAILABLE", "maxCapacity": 64, "pricePerformanceTarget": {"status": "ENABLED", "level": 50}}
    assert (
        warehouse.check_workgroup(FakeRedshiftServerless(good), {"workgroup_name": "w"}, intended).status is Status.PASS
    )
    bad = {**good, "pricePerformanceTarget": {"status": "DISABLED"}}
    assert (
        warehouse.check_workgroup(FakeRedshiftServerless(bad), {"workgroup_name": "w"}, intended).status is Status.FAIL
    )


def test_missing_workgroup_output_fails() -> None:
    result = warehouse.check_workgroup(FakeRedshiftServerless({}), {"workgroup_name": None}, INTENDED_WAREHOUSE)
    assert result.status is Status.FAIL and "no workgroup is deployed" in result.reason


def _change(address: str, actions: list[str], mode: str = "managed") -> dict:
    return {"address": address, "mode": mode, "change": {"actions": actions}}


def test_drift_plan_without_changes_passes() -> None:
    assert drift.check_plan(0, None).status is Status.PASS


def test_drift_plan_with_changes_fails_and_lists_addresses() -> None:
    plan = {
        "resource_changes": [
            _change("module.a.aws_sqs_queue.q", ["update"]),
            _change("module.a.aws_kms_key.k", ["delete", "create"]),
            _change("module.a.aws_s3_bucket.b", ["no-op"]),
            _change("module.a.data.aws_iam_policy_document.p", ["read"], mode="data"),
        ]
    }
    result = drift.check_plan(2, plan)
    assert result.status is Status.FAIL and result.reason == "2 pending resource change(s)"
    assert result.details == ("delete/create module.a.aws_kms_key.k", "update module.a.aws_sqs_queue.q")


def test_drift_with_only_output_changes_still_fails() -> None:
    result = drift.check_plan(2, {"resource_changes": [], "output_changes": {"apis": {}}})
    assert result.status is Status.FAIL and result.details == ("output apis changes",)


def test_failed_plan_is_a_failed_check() -> None:
    assert drift.check_plan(1, None).status is Status.FAIL
