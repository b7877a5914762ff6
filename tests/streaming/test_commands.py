"""`platformctl streaming produce|verify`, with a fake client and with moto in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from platformctl.errors import PlatformError
from platformctl.streaming import commands
from platformctl.streaming.delivery import UndeliveredRecordsError
from platformctl.streaming.verify import check_iceberg_streams

from .fakes import FakeFirehose, ok, partial

REGION = "eu-west-1"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeFirehose:
    client = FakeFirehose()
    monkeypatch.setattr(commands, "client_factory", lambda _service, _region, _endpoint: client)
    return client


def invoke(*args: str) -> Any:
    return CliRunner().invoke(commands.group, list(args))


def test_produce_sends_template_records_and_prints_totals(fake: FakeFirehose) -> None:
    result = invoke("produce", "--stream", "dev-firehose-iceberg-events", "--count", "1201", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert [len(c) for c in fake.calls] == [500, 500, 201]
    record = json.loads(fake.calls[0][0])
    assert record["type"]["action"] == "update" and record["region"] in ("pdx", "nyc")
    assert "delivered" in result.output and "1,201" in result.output


def test_produce_is_reproducible_with_a_seed(fake: FakeFirehose) -> None:
    invoke("produce", "--stream", "s", "--count", "20", "--seed", "9")
    invoke("produce", "--stream", "s", "--count", "20", "--seed", "9")
    strip = [[{k: v for k, v in json.loads(r).items() if k != "event_timestamp"} for r in call] for call in fake.calls]
    assert strip[0] == strip[1]


def test_produce_retries_partial_failures(fake: FakeFirehose) -> None:
    failing: set[bytes] = set()

    def outcome(call: int, records: list[bytes]) -> Any:
        if call == 1:
            failing.update(records[:7])
            return partial(records, failing)
        return ok(records)

    fake.outcome = outcome
    result = invoke("produce", "--stream", "s", "--count", "50", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert [len(c) for c in fake.calls] == [50, 7]


def test_produce_fails_with_the_undelivered_records(fake: FakeFirehose) -> None:
    fake.outcome = lambda _call, records: partial(records, set(records[:3]), code="InternalFailure")
    result = invoke("produce", "--stream", "s", "--count", "10", "--max-attempts", "2")
    assert isinstance(result.exception, UndeliveredRecordsError)
    assert UndeliveredRecordsError.exit_code != 0
    assert "3 of 10 records were never delivered to s" in str(result.exception)
    assert "#0 InternalFailure" in str(result.exception)
    assert "failed: InternalFailure" in result.output
    assert len(fake.calls) == 2


def test_produce_rejects_bad_arguments(fake: FakeFirehose) -> None:
    assert invoke("produce", "--stream", "s", "--count", "0").exit_code == 2
    assert invoke("produce", "--stream", "s", "--count", "5", "--rate", "0").exit_code == 2
    assert invoke("produce", "--count", "5").exit_code == 2
    assert fake.calls == []


# ---- moto in-process -------------------------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def _iceberg_stream(name: str, tables: list[str], *, create_tables: list[str], table_type: str = "ICEBERG") -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="errors", CreateBucketConfiguration={"LocationConstraint": REGION})
    glue = boto3.client("glue", region_name=REGION)
    glue.create_database(DatabaseInput={"Name": "dev_streaming"})
    for table in create_tables:
        glue.create_table(
            DatabaseName="dev_streaming",
            TableInput={
                "Name": table,
                "Parameters": {"table_type": table_type},
                "StorageDescriptor": {"Columns": [{"Name": "region", "Type": "string"}]},
            },
        )
    role = "arn:aws:iam::123456789012:role/firehose"
    boto3.client("firehose", region_name=REGION).create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        IcebergDestinationConfiguration={
            "RoleARN": role,
            "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:{REGION}:123456789012:catalog"},
            "S3BackupMode": "FailedDataOnly",
            "DestinationTableConfigurationList": [
                {"DestinationDatabaseName": "dev_streaming", "DestinationTableName": tables[0]}
            ],
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [
                    {
                        "Type": "MetadataExtraction",
                        "Parameters": [
                            {
                                "ParameterName": "MetadataExtractionQuery",
                                "ParameterValue": (
                                    '{destinationDatabaseName: "dev_streaming", destinationTableName: '
                                    f'(if .type.event == "{tables[-1]}" then "{tables[-1]}" else "{tables[0]}" end), '
                                    'operation: "insert"}'
                                ),
                            },
                            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                        ],
                    }
                ],
            },
            "S3Configuration": {"RoleARN": role, "BucketARN": "arn:aws:s3:::errors"},
        },
    )


def test_verify_accepts_streams_into_existing_iceberg_tables(aws: None) -> None:
    _iceberg_stream(
        "dev-events", ["firehose_events", "firehose_events_2"], create_tables=["firehose_events", "firehose_events_2"]
    )
    result = CliRunner().invoke(commands.group, ["verify", "--stream", "dev-events", "--region", REGION])
    assert result.exit_code == 0, result.output
    assert "ok: 1 stream(s)" in result.output


def test_verify_finds_a_routed_table_that_is_missing(aws: None) -> None:
    _iceberg_stream("dev-events", ["firehose_events", "firehose_events_2"], create_tables=["firehose_events"])
    firehose = boto3.client("firehose", region_name=REGION)
    glue = boto3.client("glue", region_name=REGION)
    problems = check_iceberg_streams(firehose, glue, ["dev-events", "dev-missing"], account_id="123456789012")
    assert any("dev_streaming.firehose_events_2 does not exist" in p for p in problems), problems
    assert any(p.startswith("dev-missing: cannot describe the stream") for p in problems), problems
    result = CliRunner().invoke(commands.group, ["verify", "--stream", "dev-events", "--region", REGION])
    assert isinstance(result.exception, PlatformError)


def test_verify_rejects_non_iceberg_tables(aws: None) -> None:
    _iceberg_stream("dev-events", ["firehose_events"], create_tables=["firehose_events"], table_type="EXTERNAL")
    problems = check_iceberg_streams(
        boto3.client("firehose", region_name=REGION), boto3.client("glue", region_name=REGION), ["dev-events"]
    )
    assert problems == ["dev-events: dev_streaming.firehose_events is not an Iceberg table (table_type='EXTERNAL')"]


def test_produce_delivers_to_an_s3_stream_in_moto(aws: None) -> None:
    # moto cannot write into Iceberg, but it stores records of an S3 destination: an end-to-end run of the
    # command through the real boto3 client.
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="landing", CreateBucketConfiguration={"LocationConstraint": REGION})
    boto3.client("firehose", region_name=REGION).create_delivery_stream(
        DeliveryStreamName="dev-landing",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/f",
            "BucketARN": "arn:aws:s3:::landing",
        },
    )
    result = CliRunner().invoke(
        commands.group, ["produce", "--stream", "dev-landing", "--count", "25", "--region", REGION, "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    objects = s3.list_objects_v2(Bucket="landing").get("Contents", [])
    body = b"".join(s3.get_object(Bucket="landing", Key=o["Key"])["Body"].read() for o in objects)
    assert body.count(b'"action":"update"') == 25


def test_produce_to_a_missing_stream_stops_without_retrying(aws: None) -> None:
    result = CliRunner().invoke(commands.group, ["produce", "--stream", "nope", "--count", "3", "--region", REGION])
    assert isinstance(result.exception, UndeliveredRecordsError)
    assert "ResourceNotFoundException" in str(result.exception)
