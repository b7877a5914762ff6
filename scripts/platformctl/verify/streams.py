"""Firehose streams are ACTIVE and deliver into Iceberg tables that exist in Glue.

The Iceberg wiring (destination, catalog, routed tables, table_type ICEBERG) is checked by
`platformctl.streaming.verify.check_iceberg_streams`; this adds the stream status, the
comparison with the catalog (every stream and table of the environment is deployed), and what was
delivered: rows and Parquet data files per table, objects in the error output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from platformctl.streaming.verify import check_iceberg_streams
from platformctl.verify.model import CheckResult

GROUP = "streams"


def check_inventory(lakehouse: Mapping[str, Any], intended: Mapping[str, Any]) -> CheckResult:
    """`intended` is `EnvironmentInputs.lakehouse`, dumped ({tables, streams})."""
    name = "every catalog stream and table is deployed"
    problems = []
    for kind, deployed, wanted in (
        ("stream", set(lakehouse.get("stream_names") or {}), set(intended["streams"])),
        ("table", set(lakehouse.get("table_names") or []), set(intended["tables"])),
    ):
        if wanted - deployed:
            problems.append(f"{kind}s in the catalog, not deployed: {', '.join(sorted(wanted - deployed))}")
        if deployed - wanted:
            problems.append(f"{kind}s deployed, not in the catalog: {', '.join(sorted(deployed - wanted))}")
    if problems:
        return CheckResult.failed(GROUP, name, "the lakehouse differs from the catalog", tuple(problems))
    return CheckResult.passed(GROUP, name, f"{len(intended['streams'])} stream(s), {len(intended['tables'])} table(s)")


def check_stream(firehose: Any, glue: Any, stream_name: str, account_id: str | None) -> CheckResult:
    name = f"{stream_name}: ACTIVE, Iceberg destination, tables exist as ICEBERG"
    description = firehose.describe_delivery_stream(DeliveryStreamName=stream_name)["DeliveryStreamDescription"]
    problems = []
    status = description.get("DeliveryStreamStatus")
    if status != "ACTIVE":
        problems.append(f"status is {status}, not ACTIVE")
    problems += check_iceberg_streams(firehose, glue, [stream_name], account_id)
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    tables = [
        f"{t['DestinationDatabaseName']}.{t['DestinationTableName']}"
        for d in description.get("Destinations", [])
        for t in (d.get("IcebergDestinationDescription") or {}).get("DestinationTableConfigurationList") or []
    ]
    return CheckResult.passed(GROUP, name, f"ACTIVE into {', '.join(tables) or 'routed tables only'}")


def check_tables(glue: Any, database: str, table_names: list[str]) -> CheckResult:
    """Every table of the lakehouse output (routed ones included) is an Iceberg table in Glue."""
    name = f"{database}: every table is an Iceberg table"
    problems = []
    for table in sorted(table_names):
        try:
            found = glue.get_table(DatabaseName=database, Name=table)["Table"]
        except Exception as exc:  # EntityNotFoundException and friends: report and continue
            problems.append(f"{database}.{table} does not exist ({type(exc).__name__})")
            continue
        table_type = (found.get("Parameters") or {}).get("table_type", "")
        if table_type.upper() != "ICEBERG":
            problems.append(f"{database}.{table} has table_type {table_type!r}, not ICEBERG")
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    return CheckResult.passed(GROUP, name, f"{len(table_names)} table(s) with table_type ICEBERG")


def check_table_rows(
    glue: Any, database: str, table: str, file_io_properties: Callable[[], dict[str, str]]
) -> CheckResult:
    """The table's current Iceberg snapshot is readable: its row count, and every data file is Parquet that exists.

    Read through pyiceberg (Glue catalog, S3 FileIO): the same public APIs against the emulator and AWS.
    A table nothing was delivered to yet has no metadata_location and passes with 0 rows."""
    from pyiceberg.io import load_file_io

    from platformctl.streaming.query import table_files

    name = f"{database}.{table}: rows"
    found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    if not (found.get("Parameters") or {}).get("metadata_location"):
        return CheckResult.passed(GROUP, name, "0 rows (no Iceberg snapshot yet: nothing delivered)")
    properties = file_io_properties()
    files = table_files(glue, database, table, properties)
    problems = [f"{path}: not a Parquet data file" for path in files.data_files if not path.endswith(".parquet")]
    problems += [
        f"{path}: listed in the snapshot's manifests but missing from S3"
        for path in files.data_files
        if not load_file_io(properties, location=path).new_input(path).exists()
    ]
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    return CheckResult.passed(
        GROUP,
        name,
        f"{files.total:,} rows in {len(files.data_files):,} Parquet data file(s), snapshot {files.snapshot_id}",
    )


def check_error_output(s3: Callable[[], Any], firehose: Any, stream_names: list[str]) -> CheckResult:
    """Counts the objects under the streams' error prefixes (failed records in Firehose error-record JSON)."""
    from platformctl.streaming.lakehouse import error_object_count, locate_streams

    name = "error output: objects under the streams' error prefixes"
    lakehouse = locate_streams(firehose, stream_names)
    if lakehouse.error_bucket is None:
        return CheckResult.failed(GROUP, name, "the streams name no single S3 error bucket")
    count = error_object_count(s3(), lakehouse)
    where = ", ".join(f"s3://{lakehouse.error_bucket}/{p}" for p in lakehouse.error_prefixes)
    return CheckResult.passed(GROUP, name, f"{count:,} object(s) under {where}")
