"""Split records into PutRecordBatch calls that respect the Firehose limits.

PutRecordBatch accepts at most 500 records and 4 MiB per call, and at most 1,000 KiB per record
(before base64 encoding). A record above the per-record limit can never be sent, so it is an error
raised before anything is sent for it, not a silent drop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from platformctl.errors import PlatformError

MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 4 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024


class RecordTooLargeError(PlatformError):
    """A record exceeds the Firehose per-record limit."""

    def __init__(self, index: int, size: int, limit: int = MAX_RECORD_BYTES) -> None:
        self.index = index
        self.size = size
        super().__init__(
            f"record #{index} is {size:,} bytes; Firehose accepts at most {limit:,} bytes (1,000 KiB) per record"
        )


@dataclass(frozen=True)
class Entry:
    """A record and its position in the input, so failures can be reported by index."""

    index: int
    data: bytes


def batches(
    payloads: Iterable[bytes],
    *,
    max_records: int = MAX_RECORDS_PER_CALL,
    max_bytes: int = MAX_BYTES_PER_CALL,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[list[Entry]]:
    """Yield batches in input order; each holds <= max_records records and <= max_bytes bytes."""
    if not 1 <= max_records <= MAX_RECORDS_PER_CALL:
        raise ValueError(f"max_records must be between 1 and {MAX_RECORDS_PER_CALL}")
    if max_record_bytes > max_bytes:
        raise ValueError("max_record_bytes cannot exceed max_bytes")
    batch: list[Entry] = []
    size = 0
    for index, data in enumerate(payloads):
        if len(data) > max_record_bytes:
            raise RecordTooLargeError(index, len(data), max_record_bytes)
        if batch and (len(batch) == max_records or size + len(data) > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(Entry(index, data))
        size += len(data)
    if batch:
        yield batch
