"""Per-stream buffers of accepted Firehose records, and when they are due for delivery.

Firehose buffers a stream's records until its buffering hints are met, whichever comes first: the
buffer holds `SizeInMBs` MiB, or `IntervalInSeconds` have passed since its first record. Absent hints
take the API defaults (5 MiB, 300 s; API_BufferingHints). Pure logic with an injected clock; the
delivery engine owns the lock and the thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MIB = 1024 * 1024
DEFAULT_SIZE_MIB = 5
DEFAULT_INTERVAL_SECONDS = 300


@dataclass(frozen=True)
class BufferingHints:
    size_bytes: int
    interval_seconds: float

    @classmethod
    def from_iceberg_description(cls, iceberg: dict[str, Any]) -> BufferingHints:
        hints = iceberg.get("BufferingHints") or {}
        size = hints.get("SizeInMBs")
        interval = hints.get("IntervalInSeconds")
        return cls(
            int(size if size is not None else DEFAULT_SIZE_MIB) * MIB,
            float(interval if interval is not None else DEFAULT_INTERVAL_SECONDS),
        )


def iceberg_description(stream: dict[str, Any]) -> dict[str, Any]:
    """The IcebergDestinationDescription of a DescribeDeliveryStream answer (KeyError if there is none)."""
    return next(
        d["IcebergDestinationDescription"] for d in stream["Destinations"] if "IcebergDestinationDescription" in d
    )


@dataclass(frozen=True)
class Buffered:
    data: bytes
    arrival_ms: int
    sequence: str


@dataclass
class StreamBuffer:
    account: str
    region: str
    access_key: str
    description: dict[str, Any]
    opened_at: float
    records: list[Buffered] = field(default_factory=list)
    size_bytes: int = 0

    @property
    def hints(self) -> BufferingHints:
        return BufferingHints.from_iceberg_description(iceberg_description(self.description))

    def add(self, record: Buffered) -> None:
        self.records.append(record)
        self.size_bytes += len(record.data)

    def due_at(self) -> float:
        """Clock time at which the interval hint makes this buffer due."""
        return self.opened_at + self.hints.interval_seconds

    def is_due(self, now: float) -> bool:
        hints = self.hints
        return self.size_bytes >= hints.size_bytes or now >= self.opened_at + hints.interval_seconds
