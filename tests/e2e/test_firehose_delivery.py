"""Firehose -> Iceberg delivery on the e2e deployment: the producer and query CLIs against the applied
envs/local, rows in both routed tables (nested `type` struct), failures in the error prefix, verify's
row counts.

The re-plan after delivery is test_local_apply.py's whole-root `test_second_plan_reports_no_changes`
(and verify's drift plan in test_platform_e2e.py): this file sorts before both, pytest runs the files
of a directory in name order (no random-order plugin is installed), and the delivered data stays until
the session ends, so they plan a deployment this delivery has written to. A plan of its own here would
add about a minute (measured: a plan targeting the lakehouse module after delivery, exit 0, 63 s)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from platformctl.streaming import commands
from platformctl.streaming.emulator_delivery import wait_delivered
from platformctl.streaming.lakehouse import delivered_buckets, empty_buckets, open_env
from platformctl.verify import streams as verify_streams
from platformctl.verify.model import Status

pytestmark = pytest.mark.e2e
COUNT = 240


@pytest.fixture(scope="session")
def delivered(local_platform: Any) -> Iterator[dict[str, Any]]:
    """COUNT generator records through `streaming produce --env local`, plus a routing miss and a mismatch.

    Session-scoped so that the later e2e modules (re-plan, verify) see the delivered data; torn down before
    `local_platform` (set up after it), it empties the buckets so the shared destroy can remove them."""
    inputs, url = local_platform.runner.inputs, local_platform.runner.emulator.url
    target = open_env(inputs, url, "e2e")
    before = {f"{c.table.database}.{c.table.table}": c.files.total for c in target.counts()}
    errors_before = target.error_objects()
    [stream] = target.lakehouse.streams
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", str(local_platform.runner.emulator.port))
    try:
        produced = CliRunner().invoke(
            commands.group, ["produce", "--env", "local", "--count", str(COUNT), "--seed", "15", "--no-progress"]
        )
        bad = [
            # .type is a string, so the module's `.type.event` routing query fails: no table at all.
            {"type": "flat", "customer_id": "1", "event_timestamp": "2026-12-04T00:00:00.000", "region": "pdx"},
            # customer_id is a string column.
            {
                "type": {"device": "mobile", "event": "firehose_events_2", "action": "update"},
                "customer_id": 42,
                "event_timestamp": "2026-12-04T00:00:00.000",
                "region": "pdx",
            },
        ]
        target.client("firehose").put_record_batch(
            DeliveryStreamName=stream, Records=[{"Data": json.dumps(r).encode()} for r in bad]
        )
        failed = wait_delivered(url, 120)["failed"]
        queried = CliRunner().invoke(commands.group, ["query", "--env", "local", "--table", "firehose_events_2"])
    finally:
        monkeypatch.undo()
    yield {
        "target": target,
        "stream": stream,
        "before": before,
        "errors_before": errors_before,
        "produced": produced,
        "failed": failed,
        "queried": queried,
    }
    # What delivery wrote is not Terraform's: without this the shared destroy fails on non-empty buckets.
    empty_buckets(target.client("s3"), delivered_buckets(target))


def test_records_land_in_both_routed_tables_with_the_nested_struct(delivered: dict[str, Any]) -> None:
    assert delivered["produced"].exit_code == 0, delivered["produced"].output
    target = delivered["target"]
    rows = {f"{c.table.database}.{c.table.table}": c for c in target.counts()}
    added = {name: count.files.total - delivered["before"].get(name, 0) for name, count in rows.items()}
    assert sum(added.values()) == COUNT and all(added.values()), added
    glue, properties = target.client("glue"), target.properties
    from platformctl.streaming.query import read_table

    for name, count in rows.items():
        database, table = name.split(".")
        events = {row["type"]["event"] for row in read_table(glue, database, table, 1000, properties).rows}
        # The module routes type.event == firehose_events_2 to that table and everything else to the default.
        assert (events == {"firehose_events_2"}) == (table == "firehose_events_2"), (table, events)
        location = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]["Location"]
        assert count.files.data_files and all(
            f.startswith(f"{location.rstrip('/')}/data/") and f.endswith(".parquet") for f in count.files.data_files
        )


def test_query_prints_the_rows_and_the_counts_of_every_table(delivered: dict[str, Any]) -> None:
    result = delivered["queried"]
    assert result.exit_code == 0, result.output
    assert "firehose_events_2" in result.output and "Iceberg tables" in result.output
    assert "error output:" in result.output


def test_the_routing_miss_and_the_schema_mismatch_are_in_the_error_prefix(delivered: dict[str, Any]) -> None:
    target = delivered["target"]
    assert delivered["failed"] >= 2
    assert target.error_objects() - delivered["errors_before"] >= 1
    s3 = target.client("s3")
    bucket, [prefix] = target.lakehouse.error_bucket, target.lakehouse.error_prefixes
    documents = []
    for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        text = gzip.decompress(body) if item["Key"].endswith(".gz") else body
        documents += [(item["Key"], json.loads(line)) for line in text.decode().splitlines()]
    by_code = {doc["errorCode"]: (key, doc) for key, doc in documents}
    miss_key, miss = by_code["MetadataExtraction.Failed"]
    assert miss_key.startswith(f"{prefix}processing-failed/")
    assert json.loads(base64.b64decode(miss["rawData"]))["type"] == "flat"
    mismatch_key, mismatch = by_code["Iceberg.SchemaMismatch"]
    assert mismatch_key.startswith(f"{prefix}firehose_events_2/") and "customer_id" in mismatch["errorMessage"]
    assert mismatch["dataCatalogTable"]["tableName"] == "firehose_events_2"


def test_verify_reports_rows_per_table_and_the_error_output(local_platform: Any, delivered: dict[str, Any]) -> None:
    target = delivered["target"]
    glue = target.client("glue")
    for table in target.lakehouse.tables:
        result = verify_streams.check_table_rows(glue, table.database, table.table, lambda: target.properties)
        assert result.status is Status.PASS and "Parquet data file(s)" in result.reason, result
    errors = verify_streams.check_error_output(
        lambda: target.client("s3"), target.client("firehose"), [delivered["stream"]]
    )
    assert errors.status is Status.PASS and "object(s) under s3://" in errors.reason
