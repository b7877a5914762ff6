"""Priority routing: the rendered patterns route every event to exactly one queue.

The central module's routing/ submodule and the forwarder definition are rendered with
`terraform console`, then evaluated with moto's EventBridge pattern matcher (the emulator's
semantics) over a grid of events, against an oracle written directly from the classification.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from platformctl.catalog.eventing import HighPriority
from platformctl.eventing.synthetic import API_CALL, CASES, GUARDDUTY, SIGN_IN, event_detail, expected_route
from tests.eventing.tfconsole import console, copy_modules, needs_terraform

pytestmark = [pytest.mark.terraform, needs_terraform]

SYNTHETIC = "platform.synthetic"
OTHER_DETAIL_TYPES = ["Security Hub Findings - Imported", "EC2 Instance State-change Notification"]
SOURCES = ["iam.amazonaws.com", "ec2.amazonaws.com", "cloudtrail.amazonaws.com", "kms.amazonaws.com",
           "s3.amazonaws.com", "sts.amazonaws.com", "sso.amazonaws.com", "lambda.amazonaws.com"]
NAMES = ["CreateUser", "AttachRolePolicy", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress",
         "ReplaceNetworkAclEntry", "RunInstances", "DescribeInstances", "StopLogging", "DeleteTrail", "StartLogging",
         "ScheduleKeyDeletion", "DisableKey", "Decrypt", "PutBucketPolicy", "PutObject", "AssumeRole", "Invoke"]
READ_ONLY = [True, False, None]  # None: the field is missing


def event_grid(event_sources: list[str]) -> list[dict[str, Any]]:
    events = []
    for source, src, name, read_only in itertools.product(event_sources, SOURCES, NAMES, READ_ONLY):
        detail: dict[str, Any] = {"eventSource": src, "eventName": name, "userIdentity": {"type": "IAMUser"}}
        if read_only is not None:
            detail["readOnly"] = read_only
        events.append({"source": source, "detail-type": API_CALL, "detail": detail})
    for source, identity in itertools.product(event_sources, ["Root", "IAMUser", "AssumedRole"]):
        events.append({"source": source, "detail-type": SIGN_IN,
                       "detail": {"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
                                  "userIdentity": {"type": identity}}})
    for source, detail_type in itertools.product(event_sources, [GUARDDUTY, *OTHER_DETAIL_TYPES]):
        events.append({"source": source, "detail-type": detail_type, "detail": {"severity": 5}})
    return events


def routed(event: dict[str, Any], synthetic: str | None) -> bool:
    return event["source"].startswith("aws.") or event["source"] == synthetic


def is_high(event: dict[str, Any], classification: dict[str, Any]) -> bool:
    detail = event["detail"]
    if event["detail-type"] in classification["detail_types"]:
        return True
    if event["detail-type"] == SIGN_IN:
        return classification["root_sign_in"] and detail["userIdentity"]["type"] == "Root"
    if event["detail-type"] == API_CALL:
        src, name = detail["eventSource"], detail["eventName"]
        if src in classification["write_event_sources"]:
            return detail.get("readOnly") is not True
        return name in classification["event_names"].get(src, [])
    return False


def render_routing(tmp_path: Path, variables: dict[str, Any]) -> tuple[EventPattern, EventPattern, dict[str, Any]]:
    module = copy_modules(tmp_path, "eventbridge-central-bus") / "eventbridge-central-bus" / "routing"
    high, standard, write_sources, names, detail_types, root = console(
        module,
        ["local.high_priority_pattern", "local.standard_pattern", "local.write_event_sources",
         "local.event_names", "local.detail_types", "local.root_sign_in"],
        variables,
    )
    classification = {"write_event_sources": write_sources, "event_names": names,
                      "detail_types": detail_types, "root_sign_in": root}
    return EventPattern.load(high), EventPattern.load(standard), classification


SCENARIOS = {
    "defaults": ({}, None),
    "catalog_extensions": (
        {
            "high_priority": {
                "extra_event_names": {"s3.amazonaws.com": ["PutBucketPolicy"], "ec2.amazonaws.com": ["RunInstances"]},
                "extra_write_event_sources": ["sso.amazonaws.com"],
                "extra_detail_types": ["Security Hub Findings - Imported"],
            },
            "synthetic_event_source": SYNTHETIC,
        },
        SYNTHETIC,
    ),
    "custom_only": (
        {"include_defaults": False, "high_priority": {"extra_event_names": {"kms.amazonaws.com": ["Decrypt"]}}},
        None,
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_routed_event_reaches_exactly_one_queue(tmp_path: Path, scenario: str) -> None:
    variables, synthetic = SCENARIOS[scenario]
    high, standard, classification = render_routing(tmp_path, variables)
    mistakes, counts = [], {"high": 0, "standard": 0, "neither": 0}
    for event in event_grid(["aws.ec2", SYNTHETIC, "spoofed.source"]):
        expect_high = routed(event, synthetic) and is_high(event, classification)
        expect_standard = routed(event, synthetic) and not expect_high
        got = (high.matches_event(event), standard.matches_event(event))
        if got != (expect_high, expect_standard):
            mistakes.append((event, got, (expect_high, expect_standard)))
        counts["high" if expect_high else "standard" if expect_standard else "neither"] += 1
    assert not mistakes, mistakes[:5]
    assert min(counts.values()) > 0, counts  # the grid exercises every outcome


def test_terraform_classification_matches_the_catalog_model(tmp_path: Path) -> None:
    extras = {
        "extra_event_names": {"s3.amazonaws.com": ["PutBucketPolicy"], "iam.amazonaws.com": ["GetUser"]},
        "extra_write_event_sources": ["sso.amazonaws.com"],
        "extra_detail_types": ["Security Hub Findings - Imported"],
    }
    _, _, classification = render_routing(tmp_path, {"high_priority": extras})
    assert classification == HighPriority.model_validate(extras).classification()


def test_synthetic_cases_route_as_documented(tmp_path: Path) -> None:
    """The check's own events, through the default forwarder and central patterns."""
    high, standard, _ = render_routing(tmp_path / "central", {"synthetic_event_source": SYNTHETIC})
    definition = copy_modules(tmp_path / "fwd", "eventbridge-forwarder") / "eventbridge-forwarder" / "definition"
    (forwarder_pattern,) = console(definition, ["local.event_pattern"], {
        "name_prefix": "local", "synthetic_event_source": SYNTHETIC,
        "central_bus_arn": "arn:aws:events:us-east-1:111111111111:event-bus/local-central-events",
        "refs": {"account_id": "444444444444", "account_root_arn": "x", "rule_arn": "y", "dlq_arn": "z"},
    })
    forwarder = EventPattern.load(forwarder_pattern)
    for case in CASES:
        event = {"source": SYNTHETIC, "detail-type": case.detail_type,
                 "detail": event_detail(case, run_id="r", account="444444444444", region="us-east-1")}
        forwarded = forwarder.matches_event(event)
        arrived = [
            route for route, pattern in (("high_priority", high), ("standard", standard))
            if forwarded and pattern.matches_event(event)
        ]
        expected = expected_route(case)
        assert arrived == ([expected] if expected else []), case.name


def test_forwarder_filters(tmp_path: Path) -> None:
    definition = copy_modules(tmp_path, "eventbridge-forwarder") / "eventbridge-forwarder" / "definition"
    (pattern,) = console(definition, ["local.event_pattern"], {
        "name_prefix": "dev",
        "central_bus_arn": "arn:aws:events:eu-west-1:111111111111:event-bus/dev-central-events",
        "filters": {"exclude_event_sources": ["s3.amazonaws.com"], "exclude_event_names": ["AssumeRole"],
                    "extra_detail_types": ["Security Hub Findings - Imported"]},
        "refs": {"account_id": "444444444444", "account_root_arn": "x", "rule_arn": "y", "dlq_arn": "z"},
    })
    forwarder = EventPattern.load(pattern)
    for event in event_grid(["aws.ec2", SYNTHETIC]):
        detail, detail_type = event["detail"], event["detail-type"]
        if event["source"] == SYNTHETIC:
            expected = False  # not enabled in this scenario
        elif detail_type == API_CALL:
            expected = (detail.get("readOnly") is not True and detail["eventSource"] != "s3.amazonaws.com"
                        and detail["eventName"] != "AssumeRole")
        else:
            expected = detail_type in (SIGN_IN, GUARDDUTY, "Security Hub Findings - Imported")
        assert forwarder.matches_event(event) == expected, event
