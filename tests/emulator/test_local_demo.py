"""The `make local` delivery demo against a lakehouse shaped like modules/firehose-iceberg's, in the data
account of the resolved local model (created with boto3 through the deploy role, no Terraform)."""

from __future__ import annotations

import json

import pytest

from platformctl import localenv
from platformctl.catalog import Catalog, resolve
from platformctl.emulator.control import Emulator
from platformctl.errors import PlatformError
from platformctl.streaming.lakehouse import data_session
from tests.emulator.test_firehose_iceberg_delivery import COLUMNS, tls_only_policy

DB = "local_streaming"
STREAM = "local-firehose-iceberg-events"
# What the module builds for the catalog's two tables (modules/firehose-iceberg/main.tf, routing_queries).
QUERY = (
    f'{{destinationDatabaseName: "{DB}", destinationTableName: (if .type.event == "firehose_events_2" then '
    '"firehose_events_2" else "firehose_events" end), operation: "insert"}'
)


def _lakehouse(emulator: Emulator, catalog: Catalog) -> None:
    inputs = resolve(catalog, "local")
    session = data_session(inputs, emulator.url, "test")
    s3, glue, firehose = (session.client(s, endpoint_url=emulator.url) for s in ("s3", "glue", "firehose"))
    for bucket in ("warehouse", "errors"):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
    glue.create_database(DatabaseInput={"Name": DB})
    for table in ("firehose_events", "firehose_events_2"):
        glue.create_table(
            DatabaseName=DB,
            TableInput={
                "Name": table,
                "Parameters": {"table_type": "ICEBERG"},
                "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://warehouse/iceberg/{table}"},
            },
        )
    role = f"arn:aws:iam::{inputs.accounts.data}:role/r"
    firehose.create_delivery_stream(
        DeliveryStreamName=STREAM,
        DeliveryStreamType="DirectPut",
        IcebergDestinationConfiguration={
            "RoleARN": role,
            "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:{inputs.region}:{inputs.accounts.data}:catalog"},
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
            "DestinationTableConfigurationList": [
                {"DestinationDatabaseName": DB, "DestinationTableName": t, "S3ErrorOutputPrefix": f"error/e/{t}/"}
                for t in ("firehose_events", "firehose_events_2")
            ],
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [
                    {
                        "Type": "MetadataExtraction",
                        "Parameters": [{"ParameterName": "MetadataExtractionQuery", "ParameterValue": QUERY}],
                    }
                ],
            },
            "S3BackupMode": "FailedDataOnly",
            "S3Configuration": {
                "RoleARN": role,
                "BucketARN": "arn:aws:s3:::errors",
                "ErrorOutputPrefix": "error/e/!{firehose:error-output-type}/",
                "CompressionFormat": "GZIP",
            },
        },
    )


def test_the_demo_sends_to_every_stream_and_counts_the_rows(private_emulator: Emulator, catalog: Catalog) -> None:
    private_emulator.reset()
    _lakehouse(private_emulator, catalog)
    inputs = resolve(catalog, "local")
    result = localenv.delivery_demo(inputs, private_emulator.url, count=120)
    assert result.sent == 120 and result.failed == 0 and result.error_objects == 0
    assert sum(result.rows.values()) == 120 and set(result.rows) == {f"{DB}.firehose_events", f"{DB}.firehose_events_2"}
    assert all(result.rows.values())  # the generator's events go to both tables
    removed = localenv.empty_delivered_data(inputs, private_emulator.url)
    assert removed > 0
    s3 = data_session(inputs, private_emulator.url, "test").client("s3", endpoint_url=private_emulator.url)
    assert all("Contents" not in s3.list_objects_v2(Bucket=b) for b in ("warehouse", "errors"))


def test_a_failing_demo_says_the_apply_succeeded_and_where_to_look(
    private_emulator: Emulator, catalog: Catalog
) -> None:
    from rich.console import Console

    private_emulator.reset()  # nothing deployed: the demo cannot find its stream
    with pytest.raises(PlatformError, match=r"the local environment is applied, but the delivery demo failed"):
        localenv.run_delivery_demo(Console(file=None, quiet=True), resolve(catalog, "local"), private_emulator.url)
