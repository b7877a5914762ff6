"""DLQ redrive: move the messages of a central DLQ back to the queue they came from.

The high-priority and standard queues of the central bus redrive to their own DLQs after
`queue_max_receive_count` failed receives. An SQS message-move task (StartMessageMoveTask) moves them
back to the source queue server-side, in order and without the client touching message bodies; its
progress is read with ListMessageMoveTasks. The delivery DLQ is not a queue's redrive DLQ (EventBridge
writes to it when a target cannot be reached), so SQS cannot move it: those events are in the archive and
come back with `platformctl eventing replay` for their time window.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from platformctl.errors import PlatformError, UsageError
from platformctl.eventing.awscall import call

# --queue -> (the DLQ, the queue it belongs to), as modules/eventbridge-central-bus names them.
QUEUES = {
    "high-priority": ("events-high-priority-dlq", "events-high-priority"),
    "standard": ("events-standard-dlq", "events-standard"),
}
NOT_MOVABLE = {
    "delivery": "the delivery DLQ holds events EventBridge could not deliver to a target; it is no queue's "
    "redrive DLQ, so SQS cannot move it. Replay the events' time window from the archive instead: "
    "`platformctl eventing replay --env <env> --from <time> --to <time>`"
}
FINAL_STATES = ("COMPLETED", "CANCELLED", "FAILED")


class RedriveError(PlatformError):
    """The move task could not start, failed, or did not finish in time."""


@dataclass(frozen=True)
class RedrivePlan:
    queue: str
    dlq_name: str
    dlq_arn: str
    source_name: str
    source_arn: str
    messages: int  # ApproximateNumberOfMessages of the DLQ when planned
    in_flight: int  # ApproximateNumberOfMessagesNotVisible: received by someone, not moved until they return


@dataclass
class RedriveReport:
    plan: RedrivePlan
    dry_run: bool
    status: str = "NOT_STARTED"
    task_handle: str = ""
    moved: int = 0
    to_move: int = 0
    failure_reason: str = ""
    progress: list[tuple[str, int, int]] = field(default_factory=list)  # (status, moved, to move) per poll

    @property
    def ok(self) -> bool:
        return self.dry_run or self.status in ("COMPLETED", "NOTHING_TO_MOVE")

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


_MISSING = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "ResourceNotFoundException")


def _call(method: Callable[..., Any], what: str, **kwargs: Any) -> Any:
    return call(method, what, RedriveError, _MISSING, **kwargs)


def plan_redrive(sqs: Any, env: str, queue: str) -> RedrivePlan:
    if queue in NOT_MOVABLE:
        raise UsageError(f"--queue {queue}: {NOT_MOVABLE[queue]}")
    if queue not in QUEUES:
        raise UsageError(f"--queue must be one of {', '.join([*QUEUES, *NOT_MOVABLE])}, got {queue!r}")
    dlq_suffix, source_suffix = QUEUES[queue]
    dlq_name, source_name = f"{env}-{dlq_suffix}", f"{env}-{source_suffix}"
    dlq_url = _call(sqs.get_queue_url, f"queue {dlq_name}", QueueName=dlq_name)["QueueUrl"]
    source_url = _call(sqs.get_queue_url, f"queue {source_name}", QueueName=source_name)["QueueUrl"]
    dlq = _call(sqs.get_queue_attributes, f"queue {dlq_name}", QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    source = _call(
        sqs.get_queue_attributes,
        f"queue {source_name}",
        QueueUrl=source_url,
        AttributeNames=["QueueArn", "RedrivePolicy"],
    )["Attributes"]
    target = json.loads(source.get("RedrivePolicy") or "{}").get("deadLetterTargetArn")
    if target != dlq["QueueArn"]:
        raise UsageError(
            f"{source_name} does not redrive to {dlq_name} (its dead-letter target is {target or 'none'}): "
            "refusing to move messages into a queue they did not come from"
        )
    return RedrivePlan(
        queue=queue,
        dlq_name=dlq_name,
        dlq_arn=dlq["QueueArn"],
        source_name=source_name,
        source_arn=source["QueueArn"],
        messages=int(dlq.get("ApproximateNumberOfMessages", 0)),
        in_flight=int(dlq.get("ApproximateNumberOfMessagesNotVisible", 0)),
    )


def _task(sqs: Any, plan: RedrivePlan, handle: str | None) -> dict[str, Any] | None:
    tasks = _call(
        sqs.list_message_move_tasks, f"move tasks of {plan.dlq_name}", SourceArn=plan.dlq_arn, MaxResults=10
    ).get("Results", [])
    for task in tasks:
        if handle is None or task.get("TaskHandle") == handle:
            return task
    return None


def run_redrive(
    sqs: Any,
    plan: RedrivePlan,
    *,
    dry_run: bool,
    max_per_second: int | None,
    poll_seconds: float,
    timeout_seconds: float,
    on_progress: Callable[[str, int, int], None] = lambda s, m, t: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RedriveReport:
    report = RedriveReport(plan=plan, dry_run=dry_run, to_move=plan.messages)
    running = _task(sqs, plan, None)
    if running is not None and running.get("Status") == "RUNNING":
        raise RedriveError(
            f"a move task is already running on {plan.dlq_name} (started "
            f"{running.get('StartedTimestamp')}): wait for it or cancel it with "
            "`aws sqs cancel-message-move-task`"
        )
    if dry_run:
        return report
    if plan.messages == 0:
        report.status = "NOTHING_TO_MOVE"
        return report
    arguments: dict[str, Any] = {"SourceArn": plan.dlq_arn, "DestinationArn": plan.source_arn}
    if max_per_second:
        arguments["MaxNumberOfMessagesPerSecond"] = max_per_second
    report.task_handle = _call(sqs.start_message_move_task, f"move task on {plan.dlq_name}", **arguments)["TaskHandle"]
    report.status = "RUNNING"
    deadline = clock() + timeout_seconds
    while True:
        task = _task(sqs, plan, report.task_handle)
        if task is None:
            raise RedriveError(f"move task {report.task_handle} of {plan.dlq_name} is no longer listed")
        report.status = task.get("Status", report.status)
        report.moved = int(task.get("ApproximateNumberOfMessagesMoved", report.moved))
        report.to_move = int(task.get("ApproximateNumberOfMessagesToMove", report.to_move))
        report.failure_reason = task.get("FailureReason", "")
        report.progress.append((report.status, report.moved, report.to_move))
        on_progress(report.status, report.moved, report.to_move)
        if report.status in FINAL_STATES:
            return report
        if clock() >= deadline:
            raise RedriveError(
                f"move task on {plan.dlq_name} still {report.status} after {timeout_seconds:.0f} s "
                f"({report.moved}/{report.to_move} moved): it keeps running server-side"
            )
        sleep(poll_seconds)
