"""Delivery into a real Iceberg table: opt-in, because moto cannot deliver to Iceberg.

Run after deploying an environment:
    PLATFORM_REAL_AWS=1 PLATFORM_STREAM_NAME=dev-firehose-iceberg-events AWS_REGION=eu-west-1 \
    [PLATFORM_ATHENA_OUTPUT=s3://<athena-results>/ PLATFORM_GLUE_DATABASE=dev_streaming] \
    pytest tests/streaming/test_real_aws.py -m real_aws

Without PLATFORM_ATHENA_OUTPUT the test proves that Firehose accepted every record; with it, it also waits
(up to 10 minutes: buffering is 60 s plus commit time) until Athena sees the records in the Iceberg tables.
"""

from __future__ import annotations

import os
import time
import uuid

import boto3
import pytest

from platformctl.streaming.delivery import RetryPolicy, deliver
from platformctl.streaming.records import RecordGenerator, encode
from platformctl.streaming.verify import check_iceberg_streams

pytestmark = pytest.mark.real_aws

STREAM = os.environ.get("PLATFORM_STREAM_NAME", "")
ATHENA_OUTPUT = os.environ.get("PLATFORM_ATHENA_OUTPUT", "")
DATABASE = os.environ.get("PLATFORM_GLUE_DATABASE", "")


def _require_aws() -> None:
    if os.environ.get("PLATFORM_REAL_AWS") != "1":
        pytest.skip("real AWS test: set PLATFORM_REAL_AWS=1 and provide AWS credentials to run it")
    if boto3.Session().get_credentials() is None:
        pytest.skip("real AWS test: no AWS credentials found")
    if not STREAM:
        pytest.skip("real AWS test: set PLATFORM_STREAM_NAME to a deployed Firehose->Iceberg stream")


def _athena_count(database: str, table: str, marker: str) -> int:
    athena = boto3.client("athena")
    query = f'SELECT count(*) FROM "{database}"."{table}" WHERE customer_id = \'{marker}\''
    execution = athena.start_query_execution(QueryString=query, ResultConfiguration={"OutputLocation": ATHENA_OUTPUT})
    query_id = execution["QueryExecutionId"]
    while True:
        state = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]["State"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(2)
    assert state == "SUCCEEDED", f"Athena query {query_id} ended {state}"
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    return int(rows[1]["Data"][0]["VarCharValue"])


def test_records_are_delivered_into_iceberg() -> None:
    _require_aws()
    assert check_iceberg_streams(boto3.client("firehose"), boto3.client("glue"), [STREAM]) == []

    marker = f"itest-{uuid.uuid4().hex[:12]}"
    records = []
    for record in RecordGenerator(seed=1).records(40):
        record["customer_id"] = marker
        records.append(record)
    report = deliver(boto3.client("firehose"), STREAM, (encode(r) for r in records), policy=RetryPolicy(), total=40)
    assert report.undelivered == 0, report.error_counts()

    if not (ATHENA_OUTPUT and DATABASE):
        return
    expected = {
        "firehose_events_2": sum(1 for r in records if r["type"]["event"] == "firehose_events_2"),
        "firehose_events": sum(1 for r in records if r["type"]["event"] != "firehose_events_2"),
    }
    deadline = time.monotonic() + 600
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        seen = {table: _athena_count(DATABASE, table, marker) for table in expected}
        if seen == expected:
            return
        time.sleep(30)
    pytest.fail(f"Iceberg tables hold {seen} marked rows after 10 minutes, expected {expected}")
