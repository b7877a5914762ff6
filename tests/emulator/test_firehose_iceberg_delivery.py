"""PutRecordBatch into two Iceberg tables on a private emulator, read back with pyiceberg."""

from __future__ import annotations

import base64
import json
import urllib.request

import boto3
import pytest

from platformctl.emulator.compat import FIREHOSE_FLUSH_PATH
from platformctl.emulator.control import Emulator
from platformctl.emulator.firehose_delivery import _PreservingGlueCatalog

REGION = "eu-west-1"
DB = "local_events"
COLUMNS = [
    {"Name": "type", "Type": "struct<device:string,event:string,action:string>"},
    {"Name": "customer_id", "Type": "string"},
    {"Name": "event_timestamp", "Type": "timestamp"},
]
QUERY = (
    f'{{destinationDatabaseName: "{DB}", destinationTableName: '
    '(if .type.event == "firehose_events_2" then "firehose_events_2" '
    'elif .type.event == "firehose_events_1" then "firehose_events" else "unrouted" end), operation: "insert"}'
)


def _client(service: str, emulator: Emulator):
    return boto3.client(
        service, endpoint_url=emulator.url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )


@pytest.fixture
def platform(private_emulator: Emulator) -> Emulator:
    private_emulator.reset()
    return create_stream_and_tables(private_emulator)


def tls_only_policy(bucket: str) -> dict:
    """The statements modules/firehose-iceberg/storage.tf puts on its buckets."""
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {**deny, "Sid": "DenyInsecureTransport", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {**deny, "Sid": "DenyTlsOlderThan12", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
        ],
    }


def create_stream_and_tables(
    session_emulator: Emulator,
    *,
    stream: str = "s",
    tables: tuple[str, ...] = ("firehose_events", "firehose_events_2"),
    query: str = QUERY,
    unique_keys: dict[str, list[str]] | None = None,
    buffering: dict[str, int] | None = None,
) -> Emulator:
    """Buckets, Glue tables, log group and an Iceberg stream routed by JQ, made with boto3 (no Terraform).

    `buffering` becomes the stream's BufferingHints; without it, the hints are the API defaults (5 MiB,
    300 s), so only a flush delivers within a test. A second call adds another stream and its tables."""
    s3, glue, logs, firehose = (_client(s, session_emulator) for s in ("s3", "glue", "logs", "firehose"))
    config = {"LocationConstraint": REGION}
    if stream == "s":
        for bucket in ("warehouse", "errors"):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config)
            # The module's TLS-only policy: moto ignores its conditions unless the emulator evaluates them.
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
        glue.create_database(DatabaseInput={"Name": DB})
    for table in tables:
        glue.create_table(
            DatabaseName=DB,
            TableInput={
                "Name": table,
                "TableType": "EXTERNAL_TABLE",
                "Description": f"{table} desc",
                "Parameters": {"write_compression": "zstd", "table_type": "ICEBERG"},
                "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://warehouse/iceberg/{table}"},
            },
        )
    log_group = f"/aws/kinesisfirehose/{stream}"
    logs.create_log_group(logGroupName=log_group)
    logs.create_log_stream(logGroupName=log_group, logStreamName="DestinationDelivery")
    role = "arn:aws:iam::123456789012:role/r"
    destination = {
        "RoleARN": role,
        "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:{REGION}:123456789012:catalog"},
        "DestinationTableConfigurationList": [
            {
                "DestinationDatabaseName": DB,
                "DestinationTableName": t,
                "S3ErrorOutputPrefix": f"error/{stream}/{t}/",
                **({"UniqueKeys": unique_keys[t]} if unique_keys and t in unique_keys else {}),
            }
            for t in tables
        ],
        "ProcessingConfiguration": {
            "Enabled": True,
            "Processors": [
                {
                    "Type": "MetadataExtraction",
                    "Parameters": [
                        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
                        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                    ],
                }
            ],
        },
        "CloudWatchLoggingOptions": {
            "Enabled": True,
            "LogGroupName": log_group,
            "LogStreamName": "DestinationDelivery",
        },
        "S3BackupMode": "FailedDataOnly",
        "S3Configuration": {
            "RoleARN": role,
            "BucketARN": "arn:aws:s3:::errors",
            "ErrorOutputPrefix": f"error/{stream}/!{{firehose:error-output-type}}/",
        },
    }
    if buffering is not None:
        destination["BufferingHints"] = buffering
    firehose.create_delivery_stream(
        DeliveryStreamName=stream, DeliveryStreamType="DirectPut", IcebergDestinationConfiguration=destination
    )
    return session_emulator


def _record(i: int, event: str, customer: object = None) -> dict:
    return {
        "Data": json.dumps(
            {
                "type": {"device": "mobile", "event": event, "action": "update"},
                "customer_id": customer if customer is not None else str(i),
                "event_timestamp": "2026-12-03T23:59:58.123",
            }
        ).encode()
    }


def test_records_land_in_two_iceberg_tables_and_failures_in_the_error_prefix(platform: Emulator) -> None:
    records = [_record(i, "firehose_events_1" if i % 2 else "firehose_events_2") for i in range(300)]
    records += [_record(1, "other"), _record(2, "firehose_events_1", customer=7)]
    answer = _client("firehose", platform).put_record_batch(DeliveryStreamName="s", Records=records)
    assert answer["FailedPutCount"] == 0 and len(answer["RequestResponses"]) == 302
    request = urllib.request.Request(f"{platform.url}{FIREHOSE_FLUSH_PATH}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=120) as response:
        report = json.loads(response.read())
    assert report == {"delivered": {f"{DB}.firehose_events": 150, f"{DB}.firehose_events_2": 150}, "failed": 2}

    glue = _client("glue", platform)
    catalog = _PreservingGlueCatalog(
        "check",
        client=glue,
        **{
            "s3.endpoint": platform.url,
            "s3.access-key-id": "test",
            "s3.secret-access-key": "test",
            "s3.region": REGION,
        },
    )
    rows = catalog.load_table((DB, "firehose_events_2")).scan().to_arrow()
    assert rows.num_rows == 150
    assert set(rows.column("type").combine_chunks().field("event").to_pylist()) == {"firehose_events_2"}
    table = glue.get_table(DatabaseName=DB, Name="firehose_events")["Table"]
    assert table["Description"] == "firehose_events desc"
    assert table["Parameters"]["write_compression"] == "zstd"
    assert table["Parameters"]["metadata_location"].startswith("s3://warehouse/iceberg/firehose_events/metadata/")

    s3 = _client("s3", platform)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="errors")["Contents"]]
    documents = [
        json.loads(line)
        for key in keys
        for line in s3.get_object(Bucket="errors", Key=key)["Body"].read().decode().splitlines()
    ]
    codes = sorted(d["errorCode"] for d in documents)
    assert codes == ["Iceberg.NoSuchTable", "Iceberg.SchemaMismatch"]
    assert any(k.startswith("error/s/firehose_events/") for k in keys)
    assert any(k.startswith("error/s/processing-failed/") for k in keys)
    assert all(json.loads(base64.b64decode(d["rawData"])) for d in documents)
    parquet = [
        o["Key"] for o in s3.list_objects_v2(Bucket="warehouse", Prefix="iceberg/firehose_events/data/")["Contents"]
    ]
    assert parquet and all(k.endswith(".parquet") for k in parquet)
    events = _client("logs", platform).get_log_events(
        logGroupName="/aws/kinesisfirehose/s", logStreamName="DestinationDelivery"
    )["events"]
    assert events and json.loads(events[0]["message"])["failedRecords"] == 2


def test_streaming_query_prints_the_count_and_rows(platform: Emulator) -> None:
    from click.testing import CliRunner

    from platformctl.streaming.commands import group

    records = [_record(i, "firehose_events_2") for i in range(20)]
    _client("firehose", platform).put_record_batch(DeliveryStreamName="s", Records=records)
    request = urllib.request.Request(f"{platform.url}{FIREHOSE_FLUSH_PATH}", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=120).read()
    result = CliRunner().invoke(
        group,
        [
            "query",
            "--database",
            DB,
            "--table",
            "firehose_events_2",
            "--limit",
            "3",
            "--region",
            REGION,
            "--endpoint-url",
            platform.url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "rows: 20" in result.output
    assert result.output.count("firehose_events_2") >= 3


def test_verify_counts_rows_and_error_objects_and_fails_on_a_missing_data_file(platform: Emulator) -> None:
    from platformctl.verify.model import Status
    from platformctl.verify.streams import check_error_output, check_table_rows

    records = [_record(i, "firehose_events_2") for i in range(30)] + [_record(0, "other")]
    _client("firehose", platform).put_record_batch(DeliveryStreamName="s", Records=records)
    request = urllib.request.Request(f"{platform.url}{FIREHOSE_FLUSH_PATH}", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=120).read()
    glue, s3, firehose = (_client(s, platform) for s in ("glue", "s3", "firehose"))
    properties = {
        "s3.endpoint": platform.url,
        "s3.access-key-id": "test",
        "s3.secret-access-key": "test",
        "s3.region": REGION,
    }
    rows = check_table_rows(glue, DB, "firehose_events_2", lambda: properties)
    assert rows.status is Status.PASS and rows.reason.startswith("30 rows in 1 Parquet data file(s)")
    empty = check_table_rows(glue, DB, "firehose_events", lambda: properties)
    assert empty.status is Status.PASS and empty.reason.startswith("0 rows")
    errors = check_error_output(lambda: s3, firehose, ["s"])
    assert errors.status is Status.PASS and errors.reason.startswith("1 object(s) under s3://errors/error/s/")

    [data_file] = s3.list_objects_v2(Bucket="warehouse", Prefix="iceberg/firehose_events_2/data/")["Contents"]
    s3.delete_object(Bucket="warehouse", Key=data_file["Key"])
    broken = check_table_rows(glue, DB, "firehose_events_2", lambda: properties)
    assert broken.status is Status.FAIL and "missing from S3" in broken.reason
