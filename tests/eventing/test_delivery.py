"""The integration check's logic with stub EventBridge and SQS clients (no AWS, no emulator)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from platformctl.errors import UsageError
from platformctl.eventing.commands import group
from platformctl.eventing.delivery import DeliveryCheckError, SourceAccount, run_check
from platformctl.eventing.synthetic import CASES, check_marker, expected_route, put_events_entries

QUEUES = {"high_priority": "https://sqs/111111111111/high", "standard": "https://sqs/111111111111/standard"}
SOURCE = "platform.synthetic"
Router = Callable[[str], list[str]]  # case name -> routes it is delivered to


class FakeSqs:
    def __init__(self) -> None:
        self.visible: dict[str, list[dict[str, Any]]] = {url: [] for url in QUEUES.values()}
        self.in_flight: dict[str, tuple[str, dict[str, Any]]] = {}
        self.deleted: list[str] = []
        self.released: list[str] = []
        self._handles = 0

    def add(self, route: str, body: str) -> None:
        self._handles += 1
        self.visible[QUEUES[route]].append({"Body": body, "ReceiptHandle": f"h{self._handles}"})

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["MaxNumberOfMessages"] <= 10 and kwargs["VisibilityTimeout"] > 0
        queue = self.visible[kwargs["QueueUrl"]]
        batch, queue[:] = queue[:10], queue[10:]
        for message in batch:
            self.in_flight[message["ReceiptHandle"]] = (kwargs["QueueUrl"], message)
        return {"Messages": batch} if batch else {}

    def delete_message(self, *, QueueUrl: str, ReceiptHandle: str) -> None:
        self.in_flight.pop(ReceiptHandle)
        self.deleted.append(ReceiptHandle)

    def change_message_visibility(self, *, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> None:
        assert VisibilityTimeout == 0
        url, message = self.in_flight.pop(ReceiptHandle)
        self.visible[url].append(message)
        self.released.append(ReceiptHandle)


class FakeEvents:
    """A source account's default bus, with the forwarder and central routing replaced by `router`."""

    def __init__(self, sqs: FakeSqs, router: Router, fail: bool = False) -> None:
        self.sqs, self.router, self.fail = sqs, router, fail
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, *, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        assert len(Entries) <= 10
        self.calls.append(Entries)
        if self.fail:
            return {"FailedEntryCount": len(Entries),
                    "Entries": [{"ErrorCode": "AccessDeniedException", "ErrorMessage": "not allowed"}] * len(Entries)}
        for entry in Entries:
            assert not entry["Source"].startswith("aws.")
            detail = json.loads(entry["Detail"])
            event = {"source": entry["Source"], "detail-type": entry["DetailType"], "detail": detail}
            for route in self.router(event["detail"]["platformCheck"]["case"]):
                self.sqs.add(route, json.dumps(event))
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e"}] * len(Entries)}


def correct(case_name: str) -> list[str]:
    route = expected_route(next(case for case in CASES if case.name == case_name))
    return [route] if route else []


def check(router: Router, *, sqs: FakeSqs | None = None, accounts: tuple[str, ...] = ("444444444444", "555555555555"),
          **kwargs: Any) -> tuple[Any, FakeSqs, list[FakeEvents]]:
    sqs = sqs or FakeSqs()
    buses = [FakeEvents(sqs, router) for _ in accounts]
    report = run_check(
        [SourceAccount(account, bus) for account, bus in zip(accounts, buses, strict=True)], sqs, QUEUES,
        run_id="run-1", region="eu-west-1", source="platform.synthetic",
        timeout_seconds=kwargs.pop("timeout_seconds", 5), settle_seconds=0, wait_seconds=0, sleep=lambda _: None,
        **kwargs,
    )
    return report, sqs, buses


def test_correct_routing_passes_for_every_account_and_event() -> None:
    report, sqs, buses = check(correct)
    assert report.passed and not report.timed_out
    assert len(report.results) == 2 * len(CASES)
    assert {r.account for r in report.results} == {"444444444444", "555555555555"}
    assert len(sqs.deleted) == 2 * sum(1 for case in CASES if case.expected)
    assert all(len(bus.calls) == 1 for bus in buses)


def test_misrouted_security_event_fails() -> None:
    report, _, _ = check(lambda name: ["standard"] if name == "stop-logging" else correct(name), timeout_seconds=0.05)
    failed = [r for r in report.results if not r.passed]
    assert {r.case.name for r in failed} == {"stop-logging"}
    assert failed[0].observed_text == "standard" and failed[0].expected == "high_priority"


def test_security_event_in_both_queues_fails() -> None:
    report, _, _ = check(lambda name: ["high_priority", "standard"] if name == "create-access-key" else correct(name))
    assert {r.case.name for r in report.results if not r.passed} == {"create-access-key"}


def test_filtered_event_arriving_fails() -> None:
    report, _, _ = check(lambda name: ["standard"] if name == "describe-instances" else correct(name))
    assert {r.case.name for r in report.results if not r.passed} == {"describe-instances"}


def test_lost_event_times_out_and_fails() -> None:
    report, _, _ = check(lambda name: [] if name == "run-instances" else correct(name), timeout_seconds=0.05)
    assert report.timed_out and not report.passed
    assert {r.case.name for r in report.results if not r.passed} == {"run-instances"}


def test_duplicate_delivery_to_the_right_queue_passes() -> None:
    report, _, _ = check(lambda name: ["high_priority", "high_priority"] if name == "stop-logging" else correct(name))
    assert report.passed
    assert any(r.observed_text == "high_priority x2" for r in report.results)


def test_stale_and_foreign_messages_are_ignored_and_released() -> None:
    sqs = FakeSqs()
    old = put_events_entries(CASES, run_id="old-run", account="444444444444", region="eu-west-1", source=SOURCE)
    for entry in old:
        sqs.add("standard", json.dumps({"detail": json.loads(entry["Detail"])}))
    sqs.add("high_priority", "not json")
    sqs.add("high_priority", json.dumps({"detail": {"eventName": "RealTraffic"}}))
    report, sqs, _ = check(correct, sqs=sqs)
    assert report.passed
    assert report.stale_messages == len(old) + 2
    assert len(sqs.released) == len(old) + 2 and not sqs.in_flight  # given back to real consumers


def test_read_only_forwarded_expects_the_standard_queue() -> None:
    report, _, _ = check(lambda name: ["standard"] if name == "describe-instances" else correct(name),
                         read_only_forwarded=True)
    assert report.passed


def test_rejected_put_events_is_an_error() -> None:
    sqs = FakeSqs()
    with pytest.raises(DeliveryCheckError, match="AccessDeniedException"):
        run_check([SourceAccount("444444444444", FakeEvents(sqs, correct, fail=True))], sqs, QUEUES,
                  run_id="r", region="eu-west-1", source="platform.synthetic", wait_seconds=0)


def test_synthetic_events_are_cloudtrail_shaped_and_marked() -> None:
    entries = put_events_entries(CASES, run_id="abc", account="444444444444", region="eu-west-1", source=SOURCE)
    assert len(entries) <= 10
    by_case = {json.loads(e["Detail"])["platformCheck"]["case"]: e for e in entries}
    sg = json.loads(by_case["authorize-sg-ingress"]["Detail"])
    assert by_case["authorize-sg-ingress"]["DetailType"] == "AWS API Call via CloudTrail"
    assert (sg["eventSource"], sg["eventName"]) == ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress")
    assert sg["readOnly"] is False
    root = json.loads(by_case["root-console-login"]["Detail"])
    assert by_case["root-console-login"]["DetailType"] == "AWS Console Sign In via CloudTrail"
    assert root["userIdentity"]["type"] == "Root"
    assert check_marker(json.dumps({"detail": sg})) == {"runId": "abc", "case": "authorize-sg-ingress",
                                                        "sourceAccount": "444444444444"}
    assert check_marker("[]") is None


def test_cli_requires_queues_and_roles() -> None:
    result = CliRunner().invoke(group, ["check-delivery", "--region", "eu-west-1"])
    assert isinstance(result.exception, UsageError)
    assert "--source-account-role-arn" in str(result.exception) and "--high-queue-url" in str(result.exception)


def test_cli_rejects_aws_sources_and_bad_outputs(tmp_path: Path) -> None:
    args = ["check-delivery", "--region", "eu-west-1", "--high-queue-url", "h", "--standard-queue-url", "s",
            "--source-account-role-arn", "arn:aws:iam::444444444444:role/x"]
    result = CliRunner().invoke(group, [*args, "--source", "aws.ec2"])
    assert isinstance(result.exception, UsageError) and "aws." in str(result.exception)
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"something_else": {"value": 1}}))
    result = CliRunner().invoke(group, ["check-delivery", "--outputs", str(outputs)])
    assert isinstance(result.exception, UsageError) and "eventing_check" in str(result.exception)


def test_cli_policy_size_table() -> None:
    result = CliRunner().invoke(group, ["policy-size", "--accounts", "10", "--accounts", "1000"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "too large" in result.output and "303" in result.output
