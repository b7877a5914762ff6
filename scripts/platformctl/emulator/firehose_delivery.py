"""Firehose delivery into Iceberg tables inside the emulator process (moto 5.2.5 answers 500 instead).

PutRecord/PutRecordBatch for a stream whose destination is Iceberg are answered here: records are
buffered per stream and, on flush, routed (firehose_routing), checked against the table schema
(iceberg_schema) and committed with pyiceberg as a snapshot of Parquet files under the table's
location; the Glue table then points at the new metadata. Only `metadata_location` and
`previous_metadata_location` are written to Glue: the provider hides the first and the module ignores
the second, so a re-plan stays clean. Failed records go to the stream's error prefix as Firehose
error-record JSON and to its CloudWatch log.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import boto3
import pyarrow as pa
from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC
from pyiceberg.serializers import ToOutputFile
from pyiceberg.table.metadata import new_table_metadata
from pyiceberg.table.sorting import UNSORTED_SORT_ORDER

from platformctl.emulator.firehose_routing import Routed, Router, RoutingError, StreamRouting, error_record
from platformctl.emulator.iceberg_schema import SchemaMismatch, record_to_row, schema_from_glue_columns

SCHEMA_MISMATCH = "Iceberg.SchemaMismatch"
_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/")


class _PreservingGlueCatalog(GlueCatalog):
    """pyiceberg's Glue catalog, but a commit changes only the Iceberg pointers Terraform does not manage."""

    def _update_glue_table(self, database_name: str, table_name: str, table_input: Any, version_id: str) -> None:
        current = self._get_glue_table(database_name, table_name)
        parameters = dict(current.get("Parameters") or {})
        for key in ("table_type", "metadata_location", "previous_metadata_location"):
            if key in table_input["Parameters"]:
                parameters[key] = table_input["Parameters"][key]
        preserved = {k: current[k] for k in ("Description", "Owner", "Retention", "PartitionKeys") if k in current}
        storage = dict(current.get("StorageDescriptor") or {})
        storage["Columns"] = table_input["StorageDescriptor"]["Columns"]
        keep = {"Name": table_name, "TableType": current.get("TableType", "EXTERNAL_TABLE"), **preserved}
        self.glue.update_table(
            DatabaseName=database_name,
            TableInput={**keep, "Parameters": parameters, "StorageDescriptor": storage},
            VersionId=version_id,
        )


@dataclass
class _Buffered:
    data: bytes
    arrival_ms: int
    sequence: str


@dataclass
class _StreamBuffer:
    account: str
    region: str
    access_key: str
    description: dict[str, Any]
    records: list[_Buffered] = field(default_factory=list)


@dataclass
class FlushReport:
    delivered: dict[str, int] = field(default_factory=dict)
    failed: int = 0


class FirehoseIcebergEngine:
    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self._buffers: dict[tuple[str, str, str], _StreamBuffer] = {}
        self._lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._sequence = 0

    # -- API --------------------------------------------------------------------------------
    def describe(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        from moto.firehose.models import firehose_backends

        try:
            description = firehose_backends[account][region].describe_delivery_stream(name)
        except Exception:
            return None
        stream = description["DeliveryStreamDescription"]
        destinations = stream.get("Destinations") or []
        return stream if any("IcebergDestinationDescription" in d for d in destinations) else None

    def handle(self, environ: dict[str, Any], target: str, body: bytes) -> tuple[str, dict[str, Any]] | None:
        """The HTTP status and JSON answer, or None to let moto answer (not an Iceberg stream)."""
        from moto.iam.models import get_account_id_from

        match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not match:
            return None
        access_key, region = match.group(1), match.group(2)
        account = get_account_id_from(access_key)
        request = json.loads(body or b"{}")
        stream = self.describe(account, region, request.get("DeliveryStreamName", ""))
        if stream is None:
            return None
        entries = request.get("Records") if target.endswith("Batch") else [request.get("Record") or {}]
        now = int(time.time() * 1000)
        responses = []
        with self._lock:
            buffer = self._buffers.setdefault(
                (account, region, stream["DeliveryStreamName"]), _StreamBuffer(account, region, access_key, stream)
            )
            buffer.description = stream
            for entry in entries or []:
                self._sequence += 1
                sequence = f"{self._sequence:056d}"
                buffer.records.append(_Buffered(base64.b64decode(entry.get("Data", "")), now, sequence))
                responses.append({"RecordId": sequence})
        encrypted = bool((stream.get("DeliveryStreamEncryptionConfiguration") or {}).get("Status") == "ENABLED")
        if target.endswith("Batch"):
            return "200 OK", {"FailedPutCount": 0, "Encrypted": encrypted, "RequestResponses": responses}
        return "200 OK", {"RecordId": responses[0]["RecordId"], "Encrypted": encrypted}

    def flush(self) -> FlushReport:
        with self._lock:
            buffers, self._buffers = list(self._buffers.values()), {}
        report = FlushReport()
        with self._commit_lock:
            for buffer in buffers:
                self._deliver(buffer, report)
        return report

    # -- delivery ---------------------------------------------------------------------------
    def _client(self, service: str, buffer: _StreamBuffer) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=buffer.region,
            aws_access_key_id=buffer.access_key,
            aws_secret_access_key="emulator",
        )

    def _catalog(self, buffer: _StreamBuffer) -> GlueCatalog:
        return _PreservingGlueCatalog(
            "emulator",
            client=self._client("glue", buffer),
            **{
                "s3.endpoint": self.endpoint_url,
                "s3.access-key-id": buffer.access_key,
                "s3.secret-access-key": "emulator",
                "s3.region": buffer.region,
            },
        )

    def _ensure_metadata(self, catalog: GlueCatalog, glue: Any, database: str, table: str) -> None:
        """Write the initial metadata Glue writes for an open_table_format_input table (moto does not)."""
        found = glue.get_table(DatabaseName=database, Name=table)["Table"]
        if (found.get("Parameters") or {}).get("metadata_location"):
            return
        location = found["StorageDescriptor"]["Location"].rstrip("/")
        metadata = new_table_metadata(
            schema_from_glue_columns(found["StorageDescriptor"]["Columns"]),
            UNPARTITIONED_PARTITION_SPEC,
            UNSORTED_SORT_ORDER,
            location,
            properties={},
        )
        path = f"{location}/metadata/00000-{uuid.uuid4()}.metadata.json"
        ToOutputFile.table_metadata(metadata, catalog._load_file_io(location=path).new_output(path))
        parameters = {**(found.get("Parameters") or {}), "table_type": "ICEBERG", "metadata_location": path}
        keep = {
            k: found[k]
            for k in ("Description", "Owner", "Retention", "PartitionKeys", "StorageDescriptor")
            if k in found
        }
        glue.update_table(
            DatabaseName=database,
            TableInput={
                "Name": table,
                "TableType": found.get("TableType", "EXTERNAL_TABLE"),
                "Parameters": parameters,
                **keep,
            },
        )

    def _deliver(self, buffer: _StreamBuffer, report: FlushReport) -> None:
        router = Router(StreamRouting.from_description(buffer.description))
        groups: dict[tuple[str, str], list[tuple[_Buffered, Routed]]] = {}
        failures: list[tuple[_Buffered, str, str, str | None, str | None, str | None]] = []
        for item in buffer.records:
            routed = router.route(item.data)
            if isinstance(routed, RoutingError):
                failures.append((item, routed.code, routed.message, routed.database, routed.table, None))
                continue
            if routed.operation != "insert":
                failures.append(
                    (
                        item,
                        "Iceberg.UnsupportedOperation",
                        f"operation {routed.operation!r} needs row-level deletes; the emulator applies inserts only",
                        routed.target.database,
                        routed.target.table,
                        routed.target.error_prefix,
                    )
                )
                continue
            groups.setdefault((routed.target.database, routed.target.table), []).append((item, routed))
        catalog = self._catalog(buffer)
        glue = self._client("glue", buffer)
        for (database, table), items in groups.items():
            self._ensure_metadata(catalog, glue, database, table)
            iceberg = catalog.load_table((database, table))
            schema = iceberg.schema()
            rows = []
            for item, routed in items:
                try:
                    rows.append(record_to_row(routed.record, schema))
                except SchemaMismatch as exc:
                    failures.append((item, SCHEMA_MISMATCH, str(exc), database, table, routed.target.error_prefix))
            if rows:
                iceberg.append(pa.Table.from_pylist(rows, schema=schema.as_arrow()))
                report.delivered[f"{database}.{table}"] = report.delivered.get(f"{database}.{table}", 0) + len(rows)
        if failures:
            self._write_failures(buffer, failures)
            report.failed += len(failures)

    def _write_failures(self, buffer: _StreamBuffer, failures: list[Any]) -> None:
        iceberg = next(
            d["IcebergDestinationDescription"]
            for d in buffer.description["Destinations"]
            if "IcebergDestinationDescription" in d
        )
        s3_config = iceberg.get("S3DestinationDescription") or iceberg.get("S3Configuration") or {}
        bucket = s3_config.get("BucketARN", "").split(":::")[-1]
        stream_prefix = s3_config.get("ErrorOutputPrefix") or "error/"
        now = time.gmtime()
        by_key: dict[str, list[str]] = {}
        ending = int(time.time() * 1000)
        for item, code, message, database, table, table_prefix in failures:
            prefix = table_prefix or (
                stream_prefix.replace("!{firehose:error-output-type}", "processing-failed").replace(
                    "!{timestamp:yyyy/MM/dd}", time.strftime("%Y/%m/%d", now)
                )
            )
            document = error_record(
                data=item.data,
                code=code,
                message=message,
                arrival_ms=item.arrival_ms,
                ending_ms=ending,
                sequence_number=item.sequence,
                catalog_id=buffer.account,
                region=buffer.region,
                database=database,
                table=table,
            )
            by_key.setdefault(prefix, []).append(json.dumps(document))
        s3 = self._client("s3", buffer)
        name = buffer.description["DeliveryStreamName"]
        for prefix, lines in by_key.items():
            key = f"{prefix}{name}-1-{time.strftime('%Y-%m-%d-%H-%M-%S', now)}-{uuid.uuid4()}"
            s3.put_object(Bucket=bucket, Key=key, Body=("\n".join(lines) + "\n").encode())
        logging = iceberg.get("CloudWatchLoggingOptions") or {}
        if logging.get("Enabled") and logging.get("LogGroupName") and logging.get("LogStreamName"):
            message = json.dumps(
                {
                    "deliveryStreamARN": buffer.description.get("DeliveryStreamARN"),
                    "destination": "iceberg",
                    "failedRecords": len(failures),
                    "errorCode": failures[0][1],
                    "errorMessage": failures[0][2],
                }
            )
            self._client("logs", buffer).put_log_events(
                logGroupName=logging["LogGroupName"],
                logStreamName=logging["LogStreamName"],
                logEvents=[{"timestamp": ending, "message": message}],
            )
