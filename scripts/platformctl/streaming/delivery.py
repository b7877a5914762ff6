"""Send records to Firehose with PutRecordBatch, retrying only what failed.

PutRecordBatch is not all-or-nothing: a 200 response can report `FailedPutCount > 0`, with an `ErrorCode`
on each failed entry of `RequestResponses` (same order as the request). Only those entries are sent again,
after an exponential backoff with full jitter, up to `max_attempts` per batch. A whole call that fails with
a transient error (throttling, 5xx, connection trouble) is retried the same way; any other error stops the
run. Whatever was never accepted is reported by index and error code: nothing is dropped silently.

The client, the sleep function, the random source and the clock are injected, so the logic is tested
without AWS and without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from platformctl.errors import PlatformError
from platformctl.streaming.batching import MAX_RECORDS_PER_CALL, Entry, RecordTooLargeError, batches

# Call-level errors worth another attempt. Others (ResourceNotFound, InvalidArgument, AccessDenied,
# InvalidKMSResource, ...) will not heal by waiting.
RETRYABLE_CALL_ERRORS = frozenset(
    {
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "InternalFailure",
        "InternalServerError",
        "InternalError",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
MISSING_RESPONSE = "MissingResponse"


class FirehoseClient(Protocol):
    def put_record_batch(self, *, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]: ...


class DeliveryAbortedError(PlatformError):
    """A non-retryable error stopped the run; the report still counts what was delivered."""


class UndeliveredRecordsError(PlatformError):
    """Some records were never accepted by Firehose."""

    exit_code = 3


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("need 0 <= base_delay <= max_delay")

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**(retry-1))] before retry `retry` (1-based)."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))


@dataclass(frozen=True)
class FailedRecord:
    index: int
    error_code: str
    error_message: str


@dataclass
class DeliveryReport:
    stream: str
    total: int = 0
    delivered: int = 0
    failed: list[FailedRecord] = field(default_factory=list)
    not_attempted: int = 0
    calls: int = 0
    retried_entries: int = 0
    bytes_delivered: int = 0
    elapsed_seconds: float = 0.0
    aborted: str | None = None

    @property
    def undelivered(self) -> int:
        return len(self.failed) + self.not_attempted

    def error_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for failure in self.failed:
            counts[failure.error_code] = counts.get(failure.error_code, 0) + 1
        return dict(sorted(counts.items()))


class Pacer:
    """Holds the send rate at `rate` records per second (no-op without a rate)."""

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._start: float | None = None
        self._sent = 0

    def batch_size(self) -> int:
        """About one call per second under a rate, so the pace is smooth rather than bursty."""
        if self.rate is None:
            return MAX_RECORDS_PER_CALL
        return max(1, min(MAX_RECORDS_PER_CALL, int(self.rate)))

    def wait(self, records: int) -> None:
        if self.rate is None:
            return
        now = self._clock()
        if self._start is None:
            self._start = now
        due = self._start + self._sent / self.rate
        if due > now:
            self._sleep(due - now)
        self._sent += records


def _call_error(exc: Exception) -> tuple[str, str, bool]:
    """(code, message, retryable) for an exception raised by put_record_batch."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return code, str(error.get("Message") or exc), code in RETRYABLE_CALL_ERRORS or status >= 500
    if isinstance(exc, BotoConnectionError):
        return type(exc).__name__, str(exc), True
    return type(exc).__name__, str(exc), False


def send_batch(
    client: FirehoseClient,
    stream: str,
    entries: list[Entry],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None],
    rng: random.Random,
    report: DeliveryReport,
    on_settled: Callable[[int], None] | None = None,
) -> None:
    """Deliver one batch, resending only failed entries; record the outcome in `report`.

    Raises DeliveryAbortedError on a non-retryable call error (the batch's entries are then counted failed).
    """
    pending = entries
    last_error: dict[int, tuple[str, str]] = {}
    for attempt in range(1, policy.max_attempts + 1):
        if attempt > 1:
            report.retried_entries += len(pending)
            sleep(policy.backoff(attempt - 1, rng))
        report.calls += 1
        try:
            response = client.put_record_batch(
                DeliveryStreamName=stream, Records=[{"Data": entry.data} for entry in pending]
            )
        except (ClientError, BotoCoreError) as exc:
            code, message, retryable = _call_error(exc)
            last_error = {entry.index: (code, message) for entry in pending}
            if not retryable:
                _record_failures(report, pending, last_error, on_settled)
                raise DeliveryAbortedError(f"PutRecordBatch to {stream} failed with {code}: {message}") from exc
            continue

        responses = list(response.get("RequestResponses") or [])
        still_failing: list[Entry] = []
        for position, entry in enumerate(pending):
            result = responses[position] if position < len(responses) else None
            if result is None:
                # The service must answer every entry; an unanswered one may not have been stored.
                last_error[entry.index] = (MISSING_RESPONSE, "no RequestResponses entry for this record")
                still_failing.append(entry)
            elif result.get("ErrorCode"):
                last_error[entry.index] = (str(result["ErrorCode"]), str(result.get("ErrorMessage") or ""))
                still_failing.append(entry)
            else:
                report.delivered += 1
                report.bytes_delivered += len(entry.data)
        settled = len(pending) - len(still_failing)
        if on_settled and settled:
            on_settled(settled)
        pending = still_failing
        if not pending:
            return
    _record_failures(report, pending, last_error, on_settled)


def _record_failures(
    report: DeliveryReport,
    pending: list[Entry],
    last_error: dict[int, tuple[str, str]],
    on_settled: Callable[[int], None] | None,
) -> None:
    for entry in pending:
        code, message = last_error.get(entry.index, ("Unknown", ""))
        report.failed.append(FailedRecord(entry.index, code, message))
    if on_settled and pending:
        on_settled(len(pending))


def deliver(
    client: FirehoseClient,
    stream: str,
    payloads: Iterable[bytes],
    *,
    policy: RetryPolicy | None = None,
    pacer: Pacer | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.monotonic,
    on_settled: Callable[[int], None] | None = None,
    total: int | None = None,
) -> DeliveryReport:
    """Send every payload; return totals. Never raises for per-record failures: read report.failed.

    `total` (the number of payloads, when known) lets the report count records never attempted after an abort.
    `on_settled(n)` is called as records are delivered or given up (progress bars).
    """
    policy = policy or RetryPolicy()
    pacer = pacer or Pacer(None)
    rng = rng or random.Random()
    report = DeliveryReport(stream=stream)
    started = clock()
    attempted = 0
    try:
        for batch in batches(payloads, max_records=pacer.batch_size()):
            pacer.wait(len(batch))
            attempted += len(batch)
            send_batch(client, stream, batch, policy, sleep=sleep, rng=rng, report=report, on_settled=on_settled)
    except DeliveryAbortedError as exc:
        report.aborted = str(exc)
        if total is not None:
            report.not_attempted = max(0, total - attempted)
    except RecordTooLargeError as exc:
        # Stop at the first impossible record: the caller's data is wrong, so sending on would only
        # scatter a partial load. Everything before it was sent; it and the rest are reported.
        report.aborted = str(exc)
        report.failed.append(FailedRecord(exc.index, "RecordTooLarge", str(exc)))
        if on_settled:
            on_settled(1)
        if total is not None:
            report.not_attempted = max(0, total - exc.index - 1)
        attempted = exc.index + 1
    finally:
        report.total = total if total is not None else attempted
        report.elapsed_seconds = clock() - started
    return report
