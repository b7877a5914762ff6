"""Read rows and counts of a Glue-catalogued Iceberg table through pyiceberg (the emulator's or real AWS's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.exceptions import NoSuchPropertyException, NoSuchTableError

from platformctl.errors import PlatformError


@dataclass(frozen=True)
class TableRows:
    total: int
    columns: list[str]
    rows: list[dict[str, Any]]


def read_table(glue: Any, database: str, table: str, limit: int, s3_properties: dict[str, str]) -> TableRows:
    """Row count and the first `limit` rows; a table without Iceberg metadata yet has no rows."""
    catalog = GlueCatalog("query", client=glue, **s3_properties)
    try:
        iceberg = catalog.load_table((database, table))
    except NoSuchTableError as exc:
        raise PlatformError(f"table {database}.{table} does not exist in Glue") from exc
    except NoSuchPropertyException:
        return TableRows(0, [], [])
    arrow = iceberg.scan().to_arrow()
    return TableRows(arrow.num_rows, arrow.column_names, arrow.slice(0, limit).to_pylist())
