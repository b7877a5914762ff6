"""What the emulator deployment proves, area by area, against the shared e2e deployment."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from platformctl.eventing.delivery import SourceAccount, run_check
from platformctl.paths import ROOT
from platformctl.streaming.verify import check_iceberg_streams

pytestmark = pytest.mark.e2e
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def spec_operations(spec_path: str) -> set[tuple[str, str]]:
    # Placeholders only appear in values, so the template parses as YAML as it is.
    document = yaml.safe_load(Path(ROOT, spec_path).read_text())
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item
            if method in HTTP_METHODS}


def test_every_api_is_imported_with_the_routes_of_its_spec(local_platform, catalog) -> None:
    apigw = local_platform.access.client(catalog.environment("local").accounts.api, "apigateway")
    apis = local_platform.outputs["apis"]
    assert set(apis) == {"orders", "customers"}
    for api in apis.values():
        resources = apigw.get_resources(restApiId=api["rest_api_id"], embed=["methods"], limit=500)["items"]
        deployed = {(r["path"], m) for r in resources for m in r.get("resourceMethods", {})}
        assert deployed == spec_operations(api["spec_path"]), api["rest_api_name"]
        assert api["rest_api_name"] == f"local-{api['rest_api_name'].split('-', 1)[1]}"


def test_stages_trace_log_and_carry_the_backend_url(local_platform, catalog) -> None:
    apigw = local_platform.access.client(catalog.environment("local").accounts.api, "apigateway")
    for api in local_platform.outputs["apis"].values():
        stage = apigw.get_stage(restApiId=api["rest_api_id"], stageName=api["stage_name"])
        assert stage["tracingEnabled"] is True
        assert stage["accessLogSettings"]["destinationArn"].startswith("arn:aws:logs:")
        assert '"requestId"' in stage["accessLogSettings"]["format"]
        assert stage["variables"]["url"]


def test_streams_point_at_existing_iceberg_tables(local_platform, catalog) -> None:
    data = catalog.environment("local").accounts.data
    lakehouse = local_platform.outputs["lakehouse"]
    firehose = local_platform.access.client(data, "firehose")
    glue = local_platform.access.client(data, "glue")
    problems = check_iceberg_streams(firehose, glue, lakehouse["stream_names"].values(), data)
    assert problems == []
    tables = glue.get_tables(DatabaseName=lakehouse["glue_database_name"])["TableList"]
    assert {t["Name"] for t in tables} == set(lakehouse["table_names"])
    assert {t["Parameters"]["table_type"].upper() for t in tables} == {"ICEBERG"}


def test_security_events_take_the_high_priority_queue_end_to_end(local_platform, catalog) -> None:
    check = local_platform.outputs["eventing_check"]
    env = catalog.environment("local")
    sources = [SourceAccount(account, local_platform.access.client(account, "events")) for account in
               env.accounts.sources]
    report = run_check(
        sources,
        local_platform.access.client(env.accounts.central, "sqs"),
        {"high_priority": check["high_priority_queue_url"], "standard": check["standard_queue_url"]},
        run_id=uuid.uuid4().hex[:16],
        region=check["region"],
        source=catalog.eventing.synthetic_event_source,
    )
    failed = [f"{r.account} {r.case}: expected {r.expected}, got {r.observed_text}" for r in report.results
              if not r.passed]
    assert failed == [] and not report.timed_out
    assert len(report.results) == len(sources) * 8


def test_verify_passes_on_the_e2e_deployment(local_platform) -> None:
    from platformctl import localenv
    from platformctl.verify.drift import run_drift_plan
    from platformctl.verify.model import Status
    from platformctl.verify.runner import verify_environment

    runner = local_platform.runner
    report = verify_environment(
        local_platform.runner.inputs, local_platform.outputs, local_platform.access,
        drift=lambda: run_drift_plan(runner, runner.build / "verify-drift.tfplan", localenv.EMULATOR_VARS),
    )
    assert report.ok, [r for r in report.results if r.status is Status.FAIL]
    assert {r.status for r in report.results} <= {Status.PASS, Status.SKIP}
