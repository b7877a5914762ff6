"""A whole verification run of the `local` catalog against stub clients."""

from __future__ import annotations

from typing import Any

import pytest

from platformctl.catalog import Catalog, EnvironmentInputs, resolve
from platformctl.eventing.delivery import CaseResult, DeliveryReport
from platformctl.eventing.policy import bus_policy_document
from platformctl.eventing.synthetic import CASES
from platformctl.paths import ROOT
from platformctl.verify import eventing as verify_eventing
from platformctl.verify.apis import spec_keyed, spec_operations, spec_validators
from platformctl.verify.model import CheckResult, Status
from platformctl.verify.runner import VerifyOptions, output_values, verify_environment
from tests.verify.fakes import (
    FakeAccess,
    FakeApiGateway,
    FakeApiGateways,
    FakeEvents,
    FakeFirehose,
    FakeGlue,
    FakeS3,
    iceberg_stream,
    stage_document,
)

ENV = "local"
BUS = "arn:aws:events:us-east-1:111111111111:event-bus/local-central-events"


@pytest.fixture
def inputs(catalog: Catalog) -> EnvironmentInputs:
    return resolve(catalog, ENV)


def deployment(inputs: EnvironmentInputs) -> tuple[dict[str, Any], dict[str, Any]]:
    """Outputs of a correct local deployment, and stub clients that agree with them."""
    outputs_apis, gateways = {}, {}
    for name, api in inputs.apis.items():
        settings = api.model_dump()
        api_id = f"id{name}"
        outputs_apis[name] = {
            "rest_api_id": api_id,
            "rest_api_name": f"{ENV}-{name}",
            "stage_name": "live",
            "spec_path": settings["spec_path"],
        }
        spec = (ROOT / settings["spec_path"]).read_text()
        gateways[api_id] = FakeApiGateway(
            spec_operations(spec, api.template_vars),
            stage_document(
                burst=settings["throttling"]["burst_limit"],
                rate=settings["throttling"]["rate_limit"],
                level=settings["logging"]["level"],
                tracing=settings["xray_tracing_enabled"],
            ),
            spec_validators(spec, api.template_vars),
            spec_keyed(spec, api.template_vars),
        )
    lake = inputs.lakehouse.model_dump()
    stream_names = {name: f"{ENV}-{name}" for name in lake["streams"]}
    default_table = sorted(lake["tables"])[0]
    outputs = {
        "apis": outputs_apis,
        "lakehouse": {
            "glue_database_name": "local_streaming",
            "stream_names": stream_names,
            "table_names": sorted(lake["tables"]),
        },
        "eventing": {"bus_arn": BUS},
        "eventing_check": {
            "region": "us-east-1",
            "high_priority_queue_url": "http://q/high",
            "standard_queue_url": "http://q/std",
            "source_role_arns": [f"arn:aws:iam::{a}:role/platform-deployer" for a in inputs.accounts.sources],
        },
        "warehouse": {"workgroup_name": None},
    }
    clients = {
        "apigateway": FakeApiGateways(gateways),
        "firehose": FakeFirehose(
            {deployed: iceberg_stream(deployed, "local_streaming", default_table) for deployed in stream_names.values()}
        ),
        "glue": FakeGlue({("local_streaming", table): "ICEBERG" for table in lake["tables"]}),
        "events": FakeEvents(bus_policy_document(BUS, inputs.central_bus.principal_scope.model_dump())),
        "sqs": object(),
        "s3": FakeS3({"333333333333-errors": [f"error/{n}/processing-failed/x" for n in stream_names.values()]}),
    }
    return outputs, clients


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_run_check(sources, sqs, queues, **kwargs):
        calls.append({"accounts": [s.account_id for s in sources], "queues": queues, **kwargs})
        results = []
        for source in sources:
            for case in CASES:
                result = CaseResult(source.account_id, case, None)
                results.append(result)
        return DeliveryReport("r", results, 0, 0.1, False)

    monkeypatch.setattr(verify_eventing, "run_check", fake_run_check)
    return calls


def test_a_deployment_matching_the_catalog_passes(inputs: EnvironmentInputs, delivered: list[dict[str, Any]]) -> None:
    outputs, clients = deployment(inputs)
    access = FakeAccess(clients)
    seen: list[CheckResult] = []
    report = verify_environment(inputs, outputs, access, on_result=seen.append)  # type: ignore[arg-type]
    failures = [r for r in report.results if r.status is Status.FAIL]
    assert failures == [] and report.ok
    assert seen == report.results
    groups = {r.group for r in report.results if r.status is Status.PASS}
    assert groups == {"apis", "streams", "eventing"}
    # The emulator applies no warehouse and no trail (issue 14: event sources, lakehouse read path).
    skips = {r.name: r for r in report.results if r.status is Status.SKIP}
    assert {r.group for r in skips.values()} == {"warehouse", "eventing"} and len(skips) == 3
    assert all("Redshift Serverless" in r.reason for r in skips.values() if r.group == "warehouse")
    assert any("not applied on the emulator" in r.reason for r in skips.values() if r.group == "eventing")
    accounts = inputs.accounts
    assert {
        (accounts.api, "apigateway"),
        (accounts.data, "firehose"),
        (accounts.data, "glue"),
        (accounts.central, "events"),
        (accounts.central, "sqs"),
    } <= set(access.calls)
    assert delivered[0]["accounts"] == list(accounts.sources)
    assert delivered[0]["source"] == inputs.central_bus.synthetic_event_source == "platform.synthetic"


def test_one_failing_area_does_not_stop_the_others(inputs: EnvironmentInputs, delivered: list[dict[str, Any]]) -> None:
    outputs, clients = deployment(inputs)
    del clients["firehose"]  # assume-role refused in the data account, say
    outputs["apis"]["orders"]["rest_api_id"] = outputs["apis"]["customers"]["rest_api_id"]
    report = verify_environment(inputs, outputs, FakeAccess(clients))  # type: ignore[arg-type]
    failed = {(r.group, r.name) for r in report.results if r.status is Status.FAIL}
    assert ("streams", "streams checks") in failed
    assert ("apis", "local-orders: routes and methods match config/apis/specs/orders.yaml") in failed
    assert any(r.group == "eventing" and r.status is Status.PASS for r in report.results)
    assert report.exit_code == 1


def test_drift_and_delivery_options(inputs: EnvironmentInputs, delivered: list[dict[str, Any]]) -> None:
    outputs, clients = deployment(inputs)
    report = verify_environment(
        inputs,
        outputs,
        FakeAccess(clients),
        options=VerifyOptions(delivery=False),  # type: ignore[arg-type]
        drift=lambda: CheckResult.failed("drift", "plan", "1 pending resource change(s)", ("update x",)),
    )
    assert delivered == []
    # bus policy, delivery (skipped on request), the trail (not applied on the emulator)
    assert [r.status for r in report.results if r.group == "eventing"] == [Status.PASS, Status.SKIP, Status.SKIP]
    assert report.results[-1].group == "drift" and report.results[-1].status is Status.FAIL


def test_output_values_accepts_terraform_output_json_and_plain_values() -> None:
    assert output_values({"a": {"value": 1, "type": "number", "sensitive": False}}) == {"a": 1}
    assert output_values({"a": 1}) == {"a": 1}
