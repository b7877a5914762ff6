"""End-to-end delivery check: synthetic events in, queue messages out.

Puts the synthetic CloudTrail-shaped events on each source account's default bus, then polls the
central account's high-priority and standard queues until every event that must arrive has
arrived (plus a short settle time to catch misrouted or duplicated deliveries) or the timeout
passes. Clients are injected, so the logic is tested with stubs; the CLI edge builds boto3
clients from assumed-role sessions (moto maps assume-role credentials to the target account,
so the same code runs against the emulator and real AWS).

Only messages of this run are deleted. Messages of other runs or of real traffic are made
visible again at the end, so real consumers lose nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from platformctl.errors import PlatformError
from platformctl.eventing.synthetic import CASES, Route, SyntheticCase, check_marker, expected_route, put_events_entries

ROUTES: tuple[Route, ...] = ("high_priority", "standard")


class DeliveryCheckError(PlatformError):
    """The synthetic events could not be sent, or did not arrive where they must."""


class EventsClient(Protocol):
    def put_events(self, *, Entries: list[dict[str, Any]]) -> dict[str, Any]: ...


class SqsClient(Protocol):
    def receive_message(self, **kwargs: Any) -> dict[str, Any]: ...

    def delete_message(self, *, QueueUrl: str, ReceiptHandle: str) -> Any: ...

    def change_message_visibility(self, *, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> Any: ...


@dataclass(frozen=True)
class SourceAccount:
    account_id: str
    events: EventsClient


@dataclass
class CaseResult:
    account: str
    case: SyntheticCase
    expected: Route | None
    observed: Counter[str] = field(default_factory=Counter)

    @property
    def passed(self) -> bool:
        arrived = {route for route, count in self.observed.items() if count}
        return arrived == ({self.expected} if self.expected else set())

    @property
    def observed_text(self) -> str:
        if not self.observed:
            return "nowhere"
        return ", ".join(f"{route} x{count}" if count > 1 else route for route, count in sorted(self.observed.items()))


@dataclass
class DeliveryReport:
    run_id: str
    results: list[CaseResult]
    stale_messages: int
    elapsed_seconds: float
    timed_out: bool

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


def put_synthetic_events(
    sources: Sequence[SourceAccount], *, run_id: str, region: str, source: str, cases: Sequence[SyntheticCase] = CASES
) -> None:
    for account in sources:
        entries = put_events_entries(
            list(cases), run_id=run_id, account=account.account_id, region=region, source=source
        )
        for start in range(0, len(entries), 10):
            response = account.events.put_events(Entries=entries[start:start + 10])
            if response.get("FailedEntryCount"):
                errors = sorted(
                    {
                        f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}"
                        for entry in response.get("Entries", [])
                        if entry.get("ErrorCode")
                    }
                )
                raise DeliveryCheckError(
                    f"PutEvents on the default bus of {account.account_id} rejected "
                    f"{response['FailedEntryCount']} event(s): {'; '.join(errors)}"
                )


def run_check(
    sources: Sequence[SourceAccount],
    sqs: SqsClient,
    queue_urls: dict[Route, str],
    *,
    run_id: str,
    region: str,
    source: str,
    cases: Sequence[SyntheticCase] = CASES,
    read_only_forwarded: bool = False,
    timeout_seconds: float = 60.0,
    settle_seconds: float = 5.0,
    wait_seconds: int = 2,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Send the synthetic events and collect where each one arrived."""
    results = {
        (account.account_id, case.name): CaseResult(
            account.account_id, case, expected_route(case, read_only_forwarded=read_only_forwarded)
        )
        for account in sources
        for case in cases
    }
    start = clock()
    put_synthetic_events(sources, run_id=run_id, region=region, source=source, cases=cases)

    # Messages not ours stay invisible until the end of the run, then are released.
    visibility = min(43200, int(timeout_seconds + settle_seconds) + 30)
    foreign: list[tuple[str, str]] = []
    deadline = start + timeout_seconds
    settle_until: float | None = None
    timed_out = False
    try:
        while True:
            received = 0
            for route in ROUTES:
                response = sqs.receive_message(
                    QueueUrl=queue_urls[route], MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds,
                    VisibilityTimeout=visibility,
                )
                for message in response.get("Messages", []):
                    received += 1
                    marker = check_marker(message.get("Body", ""))
                    key = (str(marker.get("sourceAccount")), str(marker.get("case"))) if marker else None
                    if marker and marker.get("runId") == run_id and key in results:
                        results[key].observed[route] += 1
                        sqs.delete_message(QueueUrl=queue_urls[route], ReceiptHandle=message["ReceiptHandle"])
                    else:
                        foreign.append((queue_urls[route], message["ReceiptHandle"]))
            now = clock()
            if settle_until is None and all(r.observed[r.expected] for r in results.values() if r.expected):
                settle_until = now + settle_seconds
            if settle_until is not None and now >= settle_until:
                break
            if now >= deadline:
                timed_out = settle_until is None
                break
            if not received and wait_seconds == 0:
                sleep(0.5)
    finally:
        for queue_url, handle in foreign:
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
    return DeliveryReport(
        run_id=run_id,
        results=sorted(results.values(), key=lambda r: (r.account, cases.index(r.case))),
        stale_messages=len(foreign),
        elapsed_seconds=clock() - start,
        timed_out=timed_out,
    )
