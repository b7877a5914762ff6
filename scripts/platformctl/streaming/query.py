"""Read rows and counts of a Glue-catalogued Iceberg table through pyiceberg (the emulator's or real AWS's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.exceptions import NoSuchPropertyException, NoSuchTableError
from pyiceberg.table import Table

from platformctl.errors import PlatformError


@dataclass(frozen=True)
class TableRows:
    total: int
    columns: list[str]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class TableFiles:
    """Rows of the current snapshot and the data files that hold them (None: no Iceberg metadata yet)."""

    total: int
    data_files: list[str]
    snapshot_id: int | None


def _load(glue: Any, database: str, table: str, s3_properties: dict[str, str]) -> Table | None:
    catalog = GlueCatalog("query", client=glue, **s3_properties)
    try:
        return catalog.load_table((database, table))
    except NoSuchTableError as exc:
        raise PlatformError(f"table {database}.{table} does not exist in Glue") from exc
    except NoSuchPropertyException:
        return None


def read_table(glue: Any, database: str, table: str, limit: int, s3_properties: dict[str, str]) -> TableRows:
    """Row count and the first `limit` rows; a table without Iceberg metadata yet has no rows."""
    iceberg = _load(glue, database, table, s3_properties)
    if iceberg is None:
        return TableRows(0, [], [])
    total = iceberg.scan().count()
    arrow = iceberg.scan(limit=limit).to_arrow() if limit else iceberg.schema().as_arrow().empty_table()
    return TableRows(total, arrow.column_names, arrow.slice(0, limit).to_pylist())


def table_files(glue: Any, database: str, table: str, s3_properties: dict[str, str]) -> TableFiles:
    """Row count and data file paths of the current snapshot, from the manifests (no data read)."""
    iceberg = _load(glue, database, table, s3_properties)
    if iceberg is None:
        return TableFiles(0, [], None)
    scan = iceberg.scan()
    files = [task.file.file_path for task in scan.plan_files()]
    snapshot = iceberg.current_snapshot()
    return TableFiles(scan.count(), files, snapshot.snapshot_id if snapshot else None)
