"""Check results and the report: PASS, FAIL or SKIP, each with a reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class CheckResult:
    """One check. `group` is the area (apis, streams, eventing, warehouse, drift)."""

    group: str
    name: str
    status: Status
    reason: str
    details: tuple[str, ...] = ()
    seconds: float = 0.0

    @classmethod
    def passed(cls, group: str, name: str, reason: str, details: tuple[str, ...] = ()) -> CheckResult:
        return cls(group, name, Status.PASS, reason, details)

    @classmethod
    def failed(cls, group: str, name: str, reason: str, details: tuple[str, ...] = ()) -> CheckResult:
        return cls(group, name, Status.FAIL, reason, details)

    @classmethod
    def skipped(cls, group: str, name: str, reason: str) -> CheckResult:
        return cls(group, name, Status.SKIP, reason)

    def timed(self, seconds: float) -> CheckResult:
        return CheckResult(self.group, self.name, self.status, self.reason, self.details, seconds)


@dataclass
class VerifyReport:
    env: str
    results: list[CheckResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAIL) == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        return (
            f"{self.env}: {self.count(Status.PASS)} passed, {self.count(Status.FAIL)} failed, "
            f"{self.count(Status.SKIP)} skipped"
        )


def run_guarded(group: str, name: str, check: Callable[[], list[CheckResult] | CheckResult]) -> list[CheckResult]:
    """Run one check function; an unexpected exception (an API error, a missing output) is a FAIL of
    that check, never a crash of the whole run. Each result gets the check's wall time."""
    start = time.perf_counter()
    try:
        outcome = check()
    except Exception as exc:  # any error while checking means "not verified": report it and go on
        outcome = CheckResult.failed(group, name, f"{type(exc).__name__}: {exc}")
    results = outcome if isinstance(outcome, list) else [outcome]
    elapsed = (time.perf_counter() - start) / max(1, len(results))
    return [result.timed(elapsed) for result in results]
