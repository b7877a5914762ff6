"""Archive replay to the central bus: validate the window, start the replay, follow it to the end.

Every event on the central bus is archived (modules/eventbridge-central-bus, `archive_retention_days`).
A replay sends the archived events of a time window back to the same bus, where the routing rules deliver
them again (consumers see `replay-name` in the event). EventBridge filters a replay by the bus's rules
(`Destination.FilterArns`), not by an arbitrary pattern, so `--pattern` names routing rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from platformctl.errors import PlatformError, UsageError
from platformctl.eventing.awscall import call

# The bus's routing rules by the name the CLI accepts (modules/eventbridge-central-bus, local.rule_names).
RULES = {"high-priority": "high-priority", "standard": "standard", "api-destination": "api-destination"}
FINAL_STATES = ("COMPLETED", "FAILED", "CANCELLED")


class ReplayError(PlatformError):
    """The replay could not start, failed, or did not finish in time."""


def bus_name(env: str) -> str:
    return f"{env}-central-events"


def rule_name(env: str, pattern: str) -> str:
    return f"{env}-{RULES[pattern]}"


def replay_name(env: str, now: datetime) -> str:
    # ReplayName: [.\-_A-Za-z0-9]+, at most 64 characters.
    return f"{env}-replay-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def as_utc(value: datetime) -> datetime:
    """Naive times on the command line are UTC, so a replay never depends on the operator's time zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class ReplayPlan:
    name: str
    archive_name: str
    archive_arn: str
    bus_arn: str
    start: datetime
    end: datetime
    filter_arns: tuple[str, ...]
    archive_event_count: int
    archive_size_bytes: int
    warnings: tuple[str, ...] = ()


@dataclass
class ReplayReport:
    plan: ReplayPlan
    dry_run: bool
    state: str = "NOT_STARTED"
    state_reason: str = ""
    replay_arn: str = ""
    last_replayed: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: list[tuple[str, float]] = field(default_factory=list)  # (state, fraction of the window) per poll

    @property
    def ok(self) -> bool:
        return self.dry_run or self.state == "COMPLETED"

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain({**asdict(self), "ok": self.ok})


def plan_replay(
    events: Any, env: str, start: datetime, end: datetime, patterns: tuple[str, ...], now: datetime
) -> ReplayPlan:
    """Check the window against the archive and resolve the rules; raise UsageError on what cannot work."""
    start, end, now = as_utc(start), as_utc(end), as_utc(now)
    if start >= end:
        raise UsageError(f"--from ({start.isoformat()}) must be before --to ({end.isoformat()})")
    if end > now:
        raise UsageError(f"--to ({end.isoformat()}) is in the future: a replay only covers archived events")
    name = bus_name(env)
    bus = _call(events.describe_event_bus, f"central bus {name}", Name=name)
    archive = _call(events.describe_archive, f"archive {name}", ArchiveName=name)
    if archive.get("State") != "ENABLED":
        raise UsageError(
            f"archive {name} is {archive.get('State')} ({archive.get('StateReason', 'no reason')}): "
            "only an ENABLED archive can be replayed"
        )
    warnings = []
    retention = int(archive.get("RetentionDays") or 0)
    if retention and start < now - timedelta(days=retention):
        raise UsageError(
            f"--from ({start.isoformat()}) is older than the archive's retention of {retention} days: "
            f"events before {(now - timedelta(days=retention)).isoformat()} are gone"
        )
    created = archive.get("CreationTime")
    if isinstance(created, datetime) and start < as_utc(created):
        warnings.append(f"the archive was created at {as_utc(created).isoformat()}: nothing before it is replayed")
    filter_arns = tuple(
        _call(events.describe_rule, f"rule {rule_name(env, p)}", Name=rule_name(env, p), EventBusName=name)["Arn"]
        for p in patterns
    )
    return ReplayPlan(
        name=replay_name(env, now),
        archive_name=name,
        archive_arn=archive["ArchiveArn"],
        bus_arn=bus["Arn"],
        start=start,
        end=end,
        filter_arns=filter_arns,
        archive_event_count=int(archive.get("EventCount") or 0),
        archive_size_bytes=int(archive.get("SizeBytes") or 0),
        warnings=tuple(warnings),
    )


def _call(method: Callable[..., Any], what: str, **kwargs: Any) -> Any:
    return call(method, what, ReplayError, ("ResourceNotFoundException",), **kwargs)


def fraction(plan: ReplayPlan, last_replayed: datetime | None) -> float:
    if last_replayed is None:
        return 0.0
    done = (as_utc(last_replayed) - plan.start) / (plan.end - plan.start)
    return min(1.0, max(0.0, done))


def run_replay(
    events: Any,
    plan: ReplayPlan,
    *,
    dry_run: bool,
    poll_seconds: float,
    timeout_seconds: float,
    on_progress: Callable[[str, float], None] = lambda state, done: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> ReplayReport:
    """Start the replay and poll DescribeReplay until a final state; a dry run starts nothing."""
    report = ReplayReport(plan=plan, dry_run=dry_run)
    if dry_run:
        return report
    destination: dict[str, Any] = {"Arn": plan.bus_arn}
    if plan.filter_arns:
        destination["FilterArns"] = list(plan.filter_arns)
    started = _call(
        events.start_replay,
        f"replay {plan.name}",
        ReplayName=plan.name,
        EventSourceArn=plan.archive_arn,
        EventStartTime=plan.start,
        EventEndTime=plan.end,
        Destination=destination,
        Description=f"platformctl eventing replay {plan.start.isoformat()}..{plan.end.isoformat()}",
    )
    report.replay_arn = started.get("ReplayArn", "")
    report.state = started.get("State", "STARTING")
    deadline = clock() + timeout_seconds
    while True:
        described = _call(events.describe_replay, f"replay {plan.name}", ReplayName=plan.name)
        report.state = described.get("State", report.state)
        report.state_reason = described.get("StateReason", "")
        report.last_replayed = described.get("EventLastReplayedTime") or report.last_replayed
        report.started_at = described.get("ReplayStartTime") or report.started_at
        report.finished_at = described.get("ReplayEndTime") or report.finished_at
        done = 1.0 if report.state == "COMPLETED" else fraction(plan, report.last_replayed)
        report.progress.append((report.state, done))
        on_progress(report.state, done)
        if report.state in FINAL_STATES:
            return report
        if clock() >= deadline:
            raise ReplayError(
                f"replay {plan.name} is still {report.state} after {timeout_seconds:.0f} s "
                f"({done:.0%} of the window): it keeps running; follow it with "
                f"`aws events describe-replay --replay-name {plan.name}` or cancel it with "
                "`aws events cancel-replay`"
            )
        sleep(poll_seconds)
