"""`platformctl eventing replay` and `redrive`.

Replay runs against an in-process moto (the emulator's engine), which implements StartReplay,
DescribeReplay and DescribeArchive: archived events really come back through the bus's rules.
moto 5.2 has no SQS message-move tasks (StartMessageMoveTask, ListMessageMoveTasks), so redrive is tested
with botocore's Stubber: the exact requests it makes and how it reads the answers. Failure paths of replay
(a FAILED replay, a timeout) are stubbed too, since moto completes every replay at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from click.testing import CliRunner
from moto import mock_aws

from platformctl import paths
from platformctl.errors import UsageError
from platformctl.eventing import commands, redrive, replay

REGION = "us-east-1"
ENV = "local"
BUS = replay.bus_name(ENV)


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path)
    return tmp_path / "eventing" / ENV


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(commands.group, list(args))


def _window(minutes: int = 5) -> tuple[str, str]:
    """A window ending now, at whole seconds: wait until the second after the events put just before."""
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1e6)
    now = datetime.now(UTC).replace(microsecond=0)
    return ((now - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S"), now.strftime("%Y-%m-%dT%H:%M:%S"))


# -- replay against moto -----------------------------------------------------------------------------------


@pytest.fixture
def central(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        bus_arn = events.create_event_bus(Name=BUS)["EventBusArn"]
        events.create_archive(ArchiveName=BUS, EventSourceArn=bus_arn, RetentionDays=1)
        queues = {}
        for key, source in (("high-priority", "platform.security"), ("standard", "platform.routine")):
            url = sqs.create_queue(QueueName=f"{ENV}-events-{key}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            events.put_rule(
                Name=replay.rule_name(ENV, key), EventBusName=BUS, EventPattern=json.dumps({"source": [source]})
            )
            events.put_targets(Rule=replay.rule_name(ENV, key), EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])
            queues[key] = url
        monkeypatch.setattr(commands, "central_client", lambda env, service: {"events": events, "sqs": sqs}[service])
        yield {"events": events, "sqs": sqs, "queues": queues}


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def _put(events: Any, source: str, marker: str) -> None:
    events.put_events(
        Entries=[
            {"Source": source, "DetailType": "replay test", "Detail": json.dumps({"m": marker}), "EventBusName": BUS}
        ]
    )


def test_replay_sends_archived_events_back_through_the_rules(central: dict[str, Any], reports: Path) -> None:
    _put(central["events"], "platform.security", "lost-1")
    _put(central["events"], "platform.routine", "lost-2")
    for url in central["queues"].values():
        _drain(central["sqs"], url)  # the consumer lost them
    start, end = _window()
    result = _invoke("replay", "--env", ENV, "--from", start, "--to", end, "--poll", "0")
    assert result.exit_code == 0, result.output
    assert "COMPLETED" in result.output and "100%" in result.output
    high = _drain(central["sqs"], central["queues"]["high-priority"])
    standard = _drain(central["sqs"], central["queues"]["standard"])
    assert [e["detail"]["m"] for e in high] == ["lost-1"] and [e["detail"]["m"] for e in standard] == ["lost-2"]
    assert high[0]["replay-name"].startswith(f"{ENV}-replay-")
    (report_path,) = reports.glob("local-replay-*.json")
    report = json.loads(report_path.read_text())
    assert report["ok"] is True and report["state"] == "COMPLETED" and report["plan"]["archive_event_count"] == 2


def test_replay_pattern_limits_it_to_one_rule(central: dict[str, Any], reports: Path) -> None:
    _put(central["events"], "platform.security", "a")
    _put(central["events"], "platform.routine", "b")
    for url in central["queues"].values():
        _drain(central["sqs"], url)
    start, end = _window()
    result = _invoke("replay", "--env", ENV, "--from", start, "--to", end, "--pattern", "standard", "--poll", "0")
    assert result.exit_code == 0, result.output
    assert f"rule/{BUS}/{ENV}-standard" in result.output
    (report_path,) = reports.glob("local-replay-*.json")
    assert json.loads(report_path.read_text())["plan"]["filter_arns"] == [
        f"arn:aws:events:{REGION}:123456789012:rule/{BUS}/{ENV}-standard"
    ]


def test_replay_dry_run_starts_nothing(central: dict[str, Any], reports: Path) -> None:
    _put(central["events"], "platform.security", "kept")
    _drain(central["sqs"], central["queues"]["high-priority"])
    start, end = _window()
    result = _invoke("replay", "--env", ENV, "--from", start, "--to", end, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing started" in result.output
    assert central["events"].list_replays()["Replays"] == []
    assert _drain(central["sqs"], central["queues"]["high-priority"]) == []


def test_replay_refuses_a_window_in_the_future_or_beyond_retention(central: dict[str, Any], reports: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    later = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    result = _invoke("replay", "--env", ENV, "--from", now.strftime("%Y-%m-%dT%H:%M:%S"), "--to", later)
    assert isinstance(result.exception, UsageError) and "in the future" in str(result.exception)
    old = (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    result = _invoke("replay", "--env", ENV, "--from", old, "--to", now.strftime("%Y-%m-%dT%H:%M:%S"))
    assert isinstance(result.exception, UsageError) and "retention of 1 days" in str(result.exception)
    result = _invoke("replay", "--env", ENV, "--from", later, "--to", now.strftime("%Y-%m-%dT%H:%M:%S"))
    assert isinstance(result.exception, UsageError) and "must be before" in str(result.exception)


def test_replay_of_an_unapplied_environment_says_so(central: dict[str, Any], reports: Path) -> None:
    central["events"].delete_archive(ArchiveName=BUS)
    start, end = _window()
    result = _invoke("replay", "--env", ENV, "--from", start, "--to", end)
    assert isinstance(result.exception, UsageError) and f"archive {BUS} does not exist" in str(result.exception)


# -- replay failure paths (stubbed: moto completes every replay at once) ------------------------------------


def _plan() -> replay.ReplayPlan:
    end = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    return replay.ReplayPlan(
        name="dev-replay-x",
        archive_name="dev-central-events",
        archive_arn="arn:aws:events:eu-west-1:210000000001:archive/dev-central-events",
        bus_arn="arn:aws:events:eu-west-1:210000000001:event-bus/dev-central-events",
        start=end - timedelta(hours=1),
        end=end,
        filter_arns=(),
        archive_event_count=9,
        archive_size_bytes=900,
    )


def _stubbed(service: str) -> tuple[Any, Stubber]:
    client = boto3.client(service, region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


def test_a_failed_replay_reports_its_reason_and_progress() -> None:
    events, stub = _stubbed("events")
    plan = _plan()
    stub.add_response(
        "start_replay",
        {"ReplayArn": "arn:r", "State": "STARTING"},
        {
            "ReplayName": plan.name,
            "EventSourceArn": plan.archive_arn,
            "EventStartTime": plan.start,
            "EventEndTime": plan.end,
            "Destination": {"Arn": plan.bus_arn},
            "Description": ANY,
        },
    )
    stub.add_response(
        "describe_replay",
        {"State": "RUNNING", "EventLastReplayedTime": plan.start + timedelta(minutes=15)},
        {"ReplayName": plan.name},
    )
    stub.add_response(
        "describe_replay",
        {
            "State": "FAILED",
            "StateReason": "bus policy denies the replay",
            "EventLastReplayedTime": plan.start + timedelta(minutes=30),
        },
        {"ReplayName": plan.name},
    )
    with stub:
        report = replay.run_replay(
            events, plan, dry_run=False, poll_seconds=0, timeout_seconds=60, sleep=lambda s: None
        )
    assert not report.ok and report.state == "FAILED" and report.state_reason == "bus policy denies the replay"
    assert report.progress == [("RUNNING", 0.25), ("FAILED", 0.5)]


def test_a_replay_that_outlives_the_timeout_is_named_and_left_running() -> None:
    events, stub = _stubbed("events")
    plan = _plan()
    stub.add_response("start_replay", {"ReplayArn": "arn:r", "State": "STARTING"})
    stub.add_response("describe_replay", {"State": "RUNNING"})
    ticks = iter([0.0, 100.0])
    with stub, pytest.raises(replay.ReplayError, match="dev-replay-x is still RUNNING after 10 s"):
        replay.run_replay(
            events,
            plan,
            dry_run=False,
            poll_seconds=0,
            timeout_seconds=10,
            sleep=lambda s: None,
            clock=lambda: next(ticks),
        )


# -- redrive (stubbed: moto has no message-move tasks) ---------------------------------------------------------

DLQ_ARN = f"arn:aws:sqs:{REGION}:111111111111:{ENV}-events-standard-dlq"
SOURCE_ARN = f"arn:aws:sqs:{REGION}:111111111111:{ENV}-events-standard"


def _expect_plan(stub: Stubber, *, target: str = DLQ_ARN, messages: int = 7) -> None:
    stub.add_response("get_queue_url", {"QueueUrl": "https://dlq"}, {"QueueName": f"{ENV}-events-standard-dlq"})
    stub.add_response("get_queue_url", {"QueueUrl": "https://src"}, {"QueueName": f"{ENV}-events-standard"})
    stub.add_response(
        "get_queue_attributes",
        {
            "Attributes": {
                "QueueArn": DLQ_ARN,
                "ApproximateNumberOfMessages": str(messages),
                "ApproximateNumberOfMessagesNotVisible": "1",
            }
        },
        {"QueueUrl": "https://dlq", "AttributeNames": ["All"]},
    )
    stub.add_response(
        "get_queue_attributes",
        {
            "Attributes": {
                "QueueArn": SOURCE_ARN,
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": 5}),
            }
        },
        {"QueueUrl": "https://src", "AttributeNames": ["QueueArn", "RedrivePolicy"]},
    )


def _expect_tasks(stub: Stubber, *tasks: dict[str, Any]) -> None:
    stub.add_response("list_message_move_tasks", {"Results": list(tasks)}, {"SourceArn": DLQ_ARN, "MaxResults": 10})


@pytest.fixture
def stubbed_sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    sqs, stub = _stubbed("sqs")
    monkeypatch.setattr(commands, "central_client", lambda env, service: sqs)
    with stub:
        yield stub
    stub.assert_no_pending_responses()


def test_redrive_moves_the_dlq_back_to_its_source_and_follows_the_task(stubbed_sqs: Stubber, reports: Path) -> None:
    _expect_plan(stubbed_sqs)
    _expect_tasks(stubbed_sqs, {"TaskHandle": "old", "Status": "COMPLETED", "SourceArn": DLQ_ARN})
    stubbed_sqs.add_response(
        "start_message_move_task",
        {"TaskHandle": "t-1"},
        {"SourceArn": DLQ_ARN, "DestinationArn": SOURCE_ARN, "MaxNumberOfMessagesPerSecond": 50},
    )
    _expect_tasks(
        stubbed_sqs,
        {
            "TaskHandle": "t-1",
            "Status": "RUNNING",
            "ApproximateNumberOfMessagesMoved": 3,
            "ApproximateNumberOfMessagesToMove": 7,
        },
    )
    _expect_tasks(
        stubbed_sqs,
        {
            "TaskHandle": "t-1",
            "Status": "COMPLETED",
            "ApproximateNumberOfMessagesMoved": 7,
            "ApproximateNumberOfMessagesToMove": 7,
        },
    )
    result = _invoke("redrive", "--env", ENV, "--queue", "standard", "--max-per-second", "50", "--poll", "0")
    assert result.exit_code == 0, result.output
    assert "7 message(s) waiting, 1 in flight" in result.output
    assert "RUNNING 3/7" in result.output and "COMPLETED: 7/7 moved" in result.output
    (report_path,) = reports.glob("redrive-standard-*.json")
    report = json.loads(report_path.read_text())
    assert report["ok"] is True and report["task_handle"] == "t-1" and report["moved"] == 7


def test_redrive_dry_run_counts_and_moves_nothing(stubbed_sqs: Stubber, reports: Path) -> None:
    _expect_plan(stubbed_sqs)
    _expect_tasks(stubbed_sqs)
    result = _invoke("redrive", "--env", ENV, "--queue", "standard", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing moved" in result.output  # the stubber would fail on a start_message_move_task


def test_redrive_refuses_a_queue_that_does_not_redrive_to_that_dlq(stubbed_sqs: Stubber, reports: Path) -> None:
    _expect_plan(stubbed_sqs, target="arn:aws:sqs:us-east-1:111111111111:elsewhere")
    result = _invoke("redrive", "--env", ENV, "--queue", "standard")
    assert isinstance(result.exception, UsageError) and "does not redrive to" in str(result.exception)


def test_redrive_refuses_while_a_task_runs_and_reports_a_failed_task(stubbed_sqs: Stubber, reports: Path) -> None:
    _expect_plan(stubbed_sqs)
    _expect_tasks(stubbed_sqs, {"TaskHandle": "t-0", "Status": "RUNNING", "StartedTimestamp": 1})
    result = _invoke("redrive", "--env", ENV, "--queue", "standard")
    assert isinstance(result.exception, redrive.RedriveError) and "already running" in str(result.exception)
    _expect_plan(stubbed_sqs)
    _expect_tasks(stubbed_sqs)
    stubbed_sqs.add_response("start_message_move_task", {"TaskHandle": "t-2"})
    _expect_tasks(
        stubbed_sqs,
        {
            "TaskHandle": "t-2",
            "Status": "FAILED",
            "FailureReason": "AccessDenied on kms:Decrypt",
            "ApproximateNumberOfMessagesMoved": 0,
            "ApproximateNumberOfMessagesToMove": 7,
        },
    )
    result = _invoke("redrive", "--env", ENV, "--queue", "standard", "--poll", "0")
    assert isinstance(result.exception, redrive.RedriveError)
    assert "ended FAILED: AccessDenied on kms:Decrypt" in str(result.exception)


def test_an_empty_dlq_is_nothing_to_move(stubbed_sqs: Stubber, reports: Path) -> None:
    _expect_plan(stubbed_sqs, messages=0)
    _expect_tasks(stubbed_sqs)
    result = _invoke("redrive", "--env", ENV, "--queue", "standard")
    assert result.exit_code == 0 and "NOTHING_TO_MOVE: 0/0 moved" in result.output


def test_the_delivery_dlq_points_at_replay() -> None:
    with pytest.raises(UsageError, match="platformctl eventing replay"):
        redrive.plan_redrive(object(), ENV, "delivery")
