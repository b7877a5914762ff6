"""Firehose delivery into Iceberg tables inside the emulator process (moto 5.2.5 answers 500 instead).

PutRecord/PutRecordBatch for a stream whose destination is Iceberg are answered here: records are
buffered per stream (firehose_buffer) until the stream's buffering hints are met, or until a flush on
demand, then routed (firehose_routing), checked against the table schema (iceberg_schema) and
committed with pyiceberg as a snapshot of Parquet files under the table's location, update/delete
applied on the table's unique keys (firehose_rowops); the Glue table then points at the new
metadata. Only `metadata_location`, `previous_metadata_location` and the column mirror are written to
Glue: the provider hides the first, the module ignores the others, so a re-plan stays clean. Failed
records go to the stream's error prefix as Firehose error-record JSON and to its CloudWatch log.

A background thread delivers buffers whose hints are met; `start()` and `close()` bound its life to
the emulator process (server.py).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.io import load_file_io
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC
from pyiceberg.serializers import ToOutputFile
from pyiceberg.table.metadata import new_table_metadata
from pyiceberg.table.sorting import UNSORTED_SORT_ORDER

from platformctl.emulator.firehose_buffer import Buffered, StreamBuffer, iceberg_description
from platformctl.emulator.firehose_routing import Routed, Router, RoutingError, StreamRouting, error_record
from platformctl.emulator.firehose_rowops import Change, UniqueKeyError, apply_changes, key_values
from platformctl.emulator.iceberg_schema import SchemaMismatch, record_to_row, schema_from_glue_columns

SCHEMA_MISMATCH = "Iceberg.SchemaMismatch"
# The table could not be loaded or committed (e.g. deleted after the stream was created). Real Firehose
# retries for the stream's retry duration first; the emulator reports it at once. The string is ours.
DELIVERY_FAILED = "Iceberg.DeliveryFailed"
_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/")
# How often the flusher looks at buffers when none is due sooner (interval hints are whole seconds).
TICK_SECONDS = 1.0


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


@dataclass(frozen=True)
class _Failure:
    item: Buffered
    code: str
    message: str
    database: str | None = None
    table: str | None = None
    table_prefix: str | None = None


@dataclass
class FlushReport:
    delivered: dict[str, int] = field(default_factory=dict)
    failed: int = 0

    def add(self, other: FlushReport) -> None:
        for table, count in other.delivered.items():
            self.delivered[table] = self.delivered.get(table, 0) + count
        self.failed += other.failed


class FirehoseIcebergEngine:
    def __init__(
        self, endpoint_url: str, *, clock: Callable[[], float] = time.monotonic, tick_seconds: float = TICK_SECONDS
    ) -> None:
        self.endpoint_url = endpoint_url
        self._clock = clock
        self._tick = tick_seconds
        self._buffers: dict[tuple[str, str, str], StreamBuffer] = {}
        self._lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._sequence = 0
        self._delivering = 0
        self._totals = FlushReport()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the flusher that delivers buffers whose hints are met (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="firehose-flusher", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> bool:
        """Stop the flusher after the delivery in progress, if any. True when it stopped in time.

        Buffered records are not delivered: the emulator's S3 and Glue live in the same process and
        are gone with it."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def reset(self) -> None:
        """Drop every buffer and total (the emulator's resources were reset)."""
        with self._lock:
            self._buffers.clear()
            self._totals = FlushReport()

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
        now_ms = int(time.time() * 1000)
        responses = []
        with self._lock:
            key = (account, region, stream["DeliveryStreamName"])
            buffer = self._buffers.get(key)
            if buffer is None:
                buffer = self._buffers[key] = StreamBuffer(account, region, access_key, stream, self._clock())
            buffer.description = stream
            for entry in entries or []:
                self._sequence += 1
                sequence = f"{self._sequence:056d}"
                buffer.add(Buffered(base64.b64decode(entry.get("Data", "")), now_ms, sequence))
                responses.append({"RecordId": sequence})
            due = buffer.is_due(self._clock())
        if due:
            self._wake.set()
        encrypted = bool((stream.get("DeliveryStreamEncryptionConfiguration") or {}).get("Status") == "ENABLED")
        if target.endswith("Batch"):
            return "200 OK", {"FailedPutCount": 0, "Encrypted": encrypted, "RequestResponses": responses}
        return "200 OK", {"RecordId": responses[0]["RecordId"], "Encrypted": encrypted}

    def flush(self) -> FlushReport:
        """Deliver every buffer now, whatever its hints; the report covers this flush only."""
        return self._deliver_taken(self._take(lambda _buffer, _now: True))

    def status(self) -> dict[str, Any]:
        """Records waiting in buffers or being delivered, and totals since start (or the last reset)."""
        with self._lock:
            return {
                "buffered": sum(len(b.records) for b in self._buffers.values()),
                "delivering": self._delivering,
                "delivered": dict(self._totals.delivered),
                "failed": self._totals.failed,
                "flusher": self.running,
            }

    # -- buffering --------------------------------------------------------------------------
    def _take(self, due: Callable[[StreamBuffer, float], bool]) -> list[StreamBuffer]:
        now = self._clock()
        with self._lock:
            taken = [key for key, buffer in self._buffers.items() if due(buffer, now)]
            buffers = [self._buffers.pop(key) for key in taken]
            self._delivering += sum(len(b.records) for b in buffers)
        return buffers

    def _deliver_taken(self, buffers: list[StreamBuffer]) -> FlushReport:
        report = FlushReport()
        with self._commit_lock:
            for buffer in buffers:
                one = FlushReport()
                try:
                    self._deliver(buffer, one)
                except Exception:  # never lose a buffer to a crash: its records go to the error output
                    one = FlushReport(failed=len(buffer.records))
                    self._fail_everything(buffer, traceback.format_exc())
                report.add(one)
                with self._lock:
                    self._delivering -= len(buffer.records)
                    self._totals.add(one)
        return report

    def _next_wait(self) -> float:
        with self._lock:
            due_times = [b.due_at() for b in self._buffers.values()]
        if not due_times:
            return self._tick
        return max(0.0, min(self._tick, min(due_times) - self._clock()))

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._next_wait())
            self._wake.clear()
            if self._stopping.is_set():
                return
            buffers = self._take(lambda buffer, now: buffer.is_due(now))
            if buffers:
                self._deliver_taken(buffers)

    # -- delivery ---------------------------------------------------------------------------
    def _client(self, service: str, buffer: StreamBuffer) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=buffer.region,
            aws_access_key_id=buffer.access_key,
            aws_secret_access_key="emulator",
        )

    def _catalog(self, buffer: StreamBuffer) -> GlueCatalog:
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
        ToOutputFile.table_metadata(metadata, load_file_io(catalog.properties, location=path).new_output(path))
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

    def _deliver(self, buffer: StreamBuffer, report: FlushReport) -> None:
        router = Router(StreamRouting.from_description(buffer.description))
        groups: dict[tuple[str, str], list[tuple[Buffered, Routed]]] = {}
        failures: list[_Failure] = []
        for item in buffer.records:
            routed = router.route(item.data)
            if isinstance(routed, RoutingError):
                failures.append(_Failure(item, routed.code, routed.message, routed.database, routed.table))
                continue
            groups.setdefault((routed.target.database, routed.target.table), []).append((item, routed))
        catalog = self._catalog(buffer)
        glue = self._client("glue", buffer)
        for (database, table), items in groups.items():
            delivered = self._deliver_table(catalog, glue, database, table, items, failures)
            if delivered:
                name = f"{database}.{table}"
                report.delivered[name] = report.delivered.get(name, 0) + delivered
        if failures:
            self._write_failures(buffer, failures)
            report.failed += len(failures)

    def _deliver_table(
        self,
        catalog: GlueCatalog,
        glue: Any,
        database: str,
        table: str,
        items: list[tuple[Buffered, Routed]],
        failures: list[_Failure],
    ) -> int:
        """Commit one table's records in one transaction; returns how many were applied, appends the failures."""
        target = items[0][1].target

        def failed(item: Buffered, code: str, message: str) -> _Failure:
            return _Failure(item, code, message, database, table, target.error_prefix)

        try:
            self._ensure_metadata(catalog, glue, database, table)
            iceberg = catalog.load_table((database, table))
        except Exception as exc:  # e.g. the Glue table was deleted: these records cannot be delivered
            message = f"cannot load {database}.{table}: {type(exc).__name__}: {exc}"
            failures += [failed(item, DELIVERY_FAILED, message) for item, _ in items]
            return 0
        schema = iceberg.schema()
        changes: list[Change] = []
        accepted: list[Buffered] = []
        for item, routed in items:
            try:
                if routed.operation == "delete":
                    row = key_values(routed.record, schema, target.unique_keys)
                else:
                    row = record_to_row(routed.record, schema)
                    if routed.operation == "update":
                        key_values(routed.record, schema, target.unique_keys)
            except SchemaMismatch as exc:
                failures.append(failed(item, SCHEMA_MISMATCH, str(exc)))
                continue
            except UniqueKeyError as exc:
                failures.append(failed(item, exc.code, str(exc)))
                continue
            changes.append(Change(routed.operation, row))
            accepted.append(item)
        if not changes:
            return 0
        try:
            apply_changes(iceberg, changes, target.unique_keys)
        except Exception as exc:  # a failed commit leaves the table as it was; report every record
            message = f"commit to {database}.{table} failed: {type(exc).__name__}: {exc}"
            failures += [failed(item, DELIVERY_FAILED, message) for item in accepted]
            return 0
        return len(changes)

    def _fail_everything(self, buffer: StreamBuffer, reason: str) -> None:
        failures = [_Failure(item, DELIVERY_FAILED, reason.strip().splitlines()[-1]) for item in buffer.records]
        try:
            self._write_failures(buffer, failures)
        except Exception:  # the error output itself is unreachable: the emulator log is the last resort
            print(
                f"firehose: {len(failures)} record(s) of {buffer.description.get('DeliveryStreamName')} could be "
                f"neither delivered nor written to the error output:\n{reason}{traceback.format_exc()}",
                file=sys.stderr,
                flush=True,
            )

    def _write_failures(self, buffer: StreamBuffer, failures: list[_Failure]) -> None:
        iceberg = iceberg_description(buffer.description)
        s3_config = iceberg.get("S3DestinationDescription") or iceberg.get("S3Configuration") or {}
        bucket = s3_config.get("BucketARN", "").split(":::")[-1]
        stream_prefix = s3_config.get("ErrorOutputPrefix") or "error/"
        now = time.gmtime()
        by_key: dict[str, list[str]] = {}
        ending = int(time.time() * 1000)
        for failure in failures:
            prefix = failure.table_prefix or (
                stream_prefix.replace("!{firehose:error-output-type}", "processing-failed").replace(
                    "!{timestamp:yyyy/MM/dd}", time.strftime("%Y/%m/%d", now)
                )
            )
            document = error_record(
                data=failure.item.data,
                code=failure.code,
                message=failure.message,
                arrival_ms=failure.item.arrival_ms,
                ending_ms=ending,
                sequence_number=failure.item.sequence,
                catalog_id=buffer.account,
                region=buffer.region,
                database=failure.database,
                table=failure.table,
            )
            by_key.setdefault(prefix, []).append(json.dumps(document))
        s3 = self._client("s3", buffer)
        name = buffer.description["DeliveryStreamName"]
        compressed = s3_config.get("CompressionFormat") == "GZIP"
        for prefix, lines in by_key.items():
            key = f"{prefix}{name}-1-{time.strftime('%Y-%m-%d-%H-%M-%S', now)}-{uuid.uuid4()}"
            body = ("\n".join(lines) + "\n").encode()
            if compressed:
                key, body = f"{key}.gz", gzip.compress(body)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        logging = iceberg.get("CloudWatchLoggingOptions") or {}
        if logging.get("Enabled") and logging.get("LogGroupName") and logging.get("LogStreamName"):
            message = json.dumps(
                {
                    "deliveryStreamARN": buffer.description.get("DeliveryStreamARN"),
                    "destination": "iceberg",
                    "failedRecords": len(failures),
                    "errorCode": failures[0].code,
                    "errorMessage": failures[0].message,
                }
            )
            try:
                self._client("logs", buffer).put_log_events(
                    logGroupName=logging["LogGroupName"],
                    logStreamName=logging["LogStreamName"],
                    logEvents=[{"timestamp": ending, "message": message}],
                )
            except Exception:  # best effort: the error records are already in S3, and a failed log
                # write must not turn committed rows of this delivery into failures
                name = buffer.description.get("DeliveryStreamName")
                print(f"firehose: could not write the error log event of {name}:\n{traceback.format_exc()}",
                      file=sys.stderr, flush=True)
