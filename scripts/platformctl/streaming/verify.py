"""Check that deployed Firehose streams deliver into Iceberg tables that exist.

For each stream: the destination is Iceberg, its catalog is this account's Glue catalog, and every
destination table (and every table named by the routing JQ query) exists in Glue as an Iceberg table
(`Parameters.table_type == ICEBERG`). moto cannot deliver records into Iceberg, so against the emulator
this is the strongest local proof that the wiring is right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# String literals that follow `then`/`else` in the module's routing query are table names.
_ROUTED_TABLE = re.compile(r'(?:then|else)\s+"([a-z0-9_]+)"')


def _routing_tables(description: dict[str, Any], database: str | None) -> set[tuple[str, str]]:
    processors = (description.get("ProcessingConfiguration") or {}).get("Processors") or []
    found: set[tuple[str, str]] = set()
    for processor in processors:
        for parameter in processor.get("Parameters") or []:
            if parameter.get("ParameterName") != "MetadataExtractionQuery":
                continue
            query = parameter.get("ParameterValue", "")
            db_match = re.search(r'destinationDatabaseName:\s*"([a-z0-9_]+)"', query)
            table_part = query.split("destinationTableName:", 1)[-1].split("operation:", 1)[0]
            db = db_match.group(1) if db_match else database
            literal = re.match(r'\s*"([a-z0-9_]+)"', table_part)
            names = [literal.group(1)] if literal else _ROUTED_TABLE.findall(table_part)
            found.update((db or "", name) for name in names)
    return found


def check_iceberg_streams(
    firehose: Any, glue: Any, stream_names: Iterable[str], account_id: str | None = None
) -> list[str]:
    """Problems found (empty when every stream points at existing Iceberg tables)."""
    problems: list[str] = []
    for name in stream_names:
        try:
            stream = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        except Exception as exc:  # the client raises a modelled ResourceNotFoundException
            problems.append(f"{name}: cannot describe the stream ({exc})")
            continue
        icebergs = [
            d["IcebergDestinationDescription"]
            for d in stream.get("Destinations", [])
            if "IcebergDestinationDescription" in d
        ]
        if not icebergs:
            problems.append(f"{name}: destination is not Apache Iceberg Tables")
            continue
        iceberg = icebergs[0]
        catalog_arn = (iceberg.get("CatalogConfiguration") or {}).get("CatalogARN", "")
        if not re.fullmatch(r"arn:aws[a-z-]*:glue:[a-z0-9-]+:\d{12}:catalog", catalog_arn):
            problems.append(f"{name}: catalog ARN {catalog_arn!r} is not a Glue Data Catalog ARN")
        elif account_id and catalog_arn.split(":")[4] != account_id:
            problems.append(f"{name}: catalog {catalog_arn} is not in account {account_id}")
        if iceberg.get("S3BackupMode") not in ("FailedDataOnly", "AllData"):
            problems.append(
                f"{name}: failed records are not backed up to S3 (S3BackupMode={iceberg.get('S3BackupMode')})"
            )
        tables = {
            (t["DestinationDatabaseName"], t["DestinationTableName"])
            for t in iceberg.get("DestinationTableConfigurationList") or []
        }
        default_db = next(iter(tables))[0] if tables else None
        tables |= _routing_tables(iceberg, default_db)
        if not tables:
            problems.append(f"{name}: no destination table configured")
        for database, table in sorted(tables):
            try:
                found = glue.get_table(DatabaseName=database, Name=table)["Table"]
            except Exception as exc:
                problems.append(f"{name}: destination table {database}.{table} does not exist ({exc})")
                continue
            table_type = (found.get("Parameters") or {}).get("table_type", "")
            if table_type.upper() != "ICEBERG":
                problems.append(f"{name}: {database}.{table} is not an Iceberg table (table_type={table_type!r})")
    return problems
