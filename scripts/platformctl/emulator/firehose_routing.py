"""Per-record routing of a Firehose stream with an Iceberg destination, and Firehose's error-record JSON.

Pure logic, no I/O: the delivery engine hands in the stream's DescribeDeliveryStream answer and raw
records; this module evaluates the stream's `MetadataExtractionQuery` with a real JQ implementation
(the `jq` package; Firehose documents JQ 1.6 semantics) and the destination table configuration, and
says where each record goes or why it cannot go anywhere.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import jq

OPERATIONS = ("insert", "update", "delete")

# Error codes the engine writes. Iceberg.NoSuchTable and friends follow Firehose's "Iceberg.*" naming;
# the exact strings real Firehose uses for JQ failures are not documented, so these are ours.
ROUTING_FAILED = "MetadataExtraction.Failed"
NO_SUCH_TABLE = "Iceberg.NoSuchTable"
INVALID_OPERATION = "Iceberg.InvalidOperation"
NOT_JSON = "MetadataExtraction.InvalidJson"


@dataclass(frozen=True)
class TableTarget:
    database: str
    table: str
    unique_keys: tuple[str, ...] = ()
    error_prefix: str | None = None


@dataclass(frozen=True)
class StreamRouting:
    """What routing needs from a stream's description."""

    stream_name: str
    stream_arn: str
    tables: tuple[TableTarget, ...]
    query: str | None

    @classmethod
    def from_description(cls, description: dict[str, Any]) -> StreamRouting:
        iceberg = next(
            (
                d["IcebergDestinationDescription"]
                for d in description.get("Destinations", [])
                if "IcebergDestinationDescription" in d
            ),
            None,
        )
        if iceberg is None:
            raise ValueError(f"stream {description.get('DeliveryStreamName')} has no Iceberg destination")
        tables = tuple(
            TableTarget(
                t["DestinationDatabaseName"],
                t["DestinationTableName"],
                tuple(t.get("UniqueKeys") or ()),
                t.get("S3ErrorOutputPrefix"),
            )
            for t in iceberg.get("DestinationTableConfigurationList") or []
        )
        query = None
        processing = iceberg.get("ProcessingConfiguration") or {}
        if processing.get("Enabled", True):
            for processor in processing.get("Processors") or []:
                for parameter in processor.get("Parameters") or []:
                    if parameter.get("ParameterName") == "MetadataExtractionQuery":
                        query = parameter.get("ParameterValue")
        return cls(description["DeliveryStreamName"], description.get("DeliveryStreamARN", ""), tables, query)

    def target(self, database: str, table: str) -> TableTarget | None:
        return next((t for t in self.tables if (t.database, t.table) == (database, table)), None)


@dataclass(frozen=True)
class Routed:
    target: TableTarget
    operation: str
    record: dict[str, Any]


@dataclass(frozen=True)
class RoutingError:
    code: str
    message: str
    database: str | None = None
    table: str | None = None


class Router:
    """Routes one stream's records; compiles its JQ query once."""

    def __init__(self, routing: StreamRouting) -> None:
        self.routing = routing
        self._program = jq.compile(routing.query) if routing.query else None

    def route(self, data: bytes) -> Routed | RoutingError:
        try:
            record = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            return RoutingError(NOT_JSON, f"record is not a JSON document: {exc}")
        if not isinstance(record, dict):
            return RoutingError(NOT_JSON, f"record is a JSON {type(record).__name__}, not an object")
        if self._program is None:
            if len(self.routing.tables) != 1:
                return RoutingError(
                    ROUTING_FAILED,
                    f"{len(self.routing.tables)} destination tables and no MetadataExtractionQuery: "
                    "the record's table is unknown",
                )
            return Routed(self.routing.tables[0], "insert", record)
        try:
            metadata = self._program.input_value(record).first()
        except (ValueError, StopIteration) as exc:
            return RoutingError(ROUTING_FAILED, f"MetadataExtractionQuery failed on the record: {exc}")
        if not isinstance(metadata, dict):
            return RoutingError(ROUTING_FAILED, f"MetadataExtractionQuery returned {metadata!r}, not an object")
        database = metadata.get("destinationDatabaseName")
        table = metadata.get("destinationTableName")
        operation = metadata.get("operation") or "insert"
        if not isinstance(database, str) or not isinstance(table, str):
            return RoutingError(
                ROUTING_FAILED,
                f"MetadataExtractionQuery gave destinationDatabaseName={database!r}, "
                f"destinationTableName={table!r}; both must be strings",
            )
        target = self.routing.target(database, table)
        if target is None:
            return RoutingError(
                NO_SUCH_TABLE,
                f"{database}.{table} is not a destination table of stream {self.routing.stream_name}",
                database,
                table,
            )
        if operation not in OPERATIONS:
            return RoutingError(
                INVALID_OPERATION, f"operation {operation!r} is not one of {OPERATIONS}", database, table
            )
        return Routed(target, operation, record)


def error_record(
    *,
    data: bytes,
    code: str,
    message: str,
    arrival_ms: int,
    ending_ms: int,
    sequence_number: str,
    catalog_id: str,
    region: str,
    database: str | None,
    table: str | None,
    attempts: int = 1,
) -> dict[str, Any]:
    """One failed record in Firehose's error-record JSON (one such document per line in S3)."""
    return {
        "attemptsMade": attempts,
        "arrivalTimestamp": arrival_ms,
        "errorCode": code,
        "errorMessage": message,
        "attemptEndingTimestamp": ending_ms,
        "rawData": base64.b64encode(data).decode("ascii"),
        "sequenceNumber": sequence_number,
        "subSequenceNumber": 0,
        "dataCatalogTable": {
            "catalogId": catalog_id,
            "databaseName": database,
            "tableName": table,
            "region": region,
        },
    }
