"""Synthetic, CloudTrail-shaped events for the end-to-end delivery check.

Real EventBridge rejects PutEvents whose source starts with "aws.", so the events use the
catalog's synthetic source (default "platform.synthetic"), which the forwarders and the central
rules route like AWS sources only in environments with `synthetic_events: true`. Everything the
routing looks at (detail-type, eventSource, eventName, readOnly, userIdentity.type) is shaped
exactly like the real record, so the same patterns decide where each event goes.

Every event carries `detail.platformCheck = {runId, case, sourceAccount}`: the checker counts
only messages of its own run, so stale messages from earlier runs are ignored.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Route = Literal["high_priority", "standard"]

API_CALL = "AWS API Call via CloudTrail"
SIGN_IN = "AWS Console Sign In via CloudTrail"
GUARDDUTY = "GuardDuty Finding"


@dataclass(frozen=True)
class SyntheticCase:
    name: str
    detail_type: str
    event_source: str | None
    event_name: str | None
    read_only: bool | None
    identity_type: str
    # None: the forwarder drops it, it must arrive nowhere.
    expected: Route | None
    why: str


CASES: tuple[SyntheticCase, ...] = (
    SyntheticCase("authorize-sg-ingress", API_CALL, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", False,
                  "IAMUser", "high_priority", "security group change"),
    SyntheticCase("stop-logging", API_CALL, "cloudtrail.amazonaws.com", "StopLogging", False,
                  "IAMUser", "high_priority", "CloudTrail tampering"),
    SyntheticCase("create-access-key", API_CALL, "iam.amazonaws.com", "CreateAccessKey", False,
                  "IAMUser", "high_priority", "IAM write"),
    SyntheticCase("root-console-login", SIGN_IN, "signin.amazonaws.com", "ConsoleLogin", False,
                  "Root", "high_priority", "root sign-in"),
    SyntheticCase("guardduty-finding", GUARDDUTY, None, None, None,
                  "AssumedRole", "high_priority", "GuardDuty finding"),
    SyntheticCase("run-instances", API_CALL, "ec2.amazonaws.com", "RunInstances", False,
                  "AssumedRole", "standard", "routine write"),
    SyntheticCase("user-console-login", SIGN_IN, "signin.amazonaws.com", "ConsoleLogin", False,
                  "IAMUser", "standard", "non-root sign-in"),
    SyntheticCase("describe-instances", API_CALL, "ec2.amazonaws.com", "DescribeInstances", True,
                  "AssumedRole", None, "read-only call, dropped at the source"),
)


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


def expected_route(case: SyntheticCase, *, read_only_forwarded: bool = False) -> Route | None:
    """Where `case` must arrive. With read-only calls forwarded (drop_read_only: false), the
    read-only call is routine traffic and goes to the standard queue."""
    if case.expected is None and read_only_forwarded and case.read_only:
        return "standard"
    return case.expected


def _identity(case: SyntheticCase, account: str) -> dict[str, Any]:
    if case.identity_type == "Root":
        return {"type": "Root", "principalId": account, "arn": f"arn:aws:iam::{account}:root", "accountId": account}
    if case.identity_type == "IAMUser":
        return {"type": "IAMUser", "principalId": "AIDAPLATFORMCHECK", "accountId": account,
                "arn": f"arn:aws:iam::{account}:user/platform-check", "userName": "platform-check"}
    return {"type": "AssumedRole", "principalId": "AROAPLATFORMCHECK:platform-check", "accountId": account,
            "arn": f"arn:aws:sts::{account}:assumed-role/platform-check/platform-check"}


def event_detail(
    case: SyntheticCase, *, run_id: str, account: str, region: str, now: datetime | None = None
) -> dict[str, Any]:
    """The `detail` of the synthetic event: a CloudTrail record (or a GuardDuty finding)."""
    timestamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    marker = {"runId": run_id, "case": case.name, "sourceAccount": account}
    if case.detail_type == GUARDDUTY:
        return {
            "schemaVersion": "2.0", "accountId": account, "region": region, "partition": "aws",
            "id": uuid.uuid4().hex, "type": "Recon:EC2/PortProbeUnprotectedPort", "severity": 2,
            "title": "Synthetic finding from platformctl eventing check-delivery",
            "createdAt": timestamp, "updatedAt": timestamp, "platformCheck": marker,
        }
    detail: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": _identity(case, account),
        "eventTime": timestamp,
        "eventSource": case.event_source,
        "eventName": case.event_name,
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "platformctl-eventing-check-delivery",
        "requestParameters": None,
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": case.read_only,
        "eventType": "AwsConsoleSignIn" if case.detail_type == SIGN_IN else "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
        "platformCheck": marker,
    }
    if case.detail_type == SIGN_IN:
        detail["responseElements"] = {"ConsoleLogin": "Success"}
        detail["additionalEventData"] = {"MFAUsed": "Yes", "MobileVersion": "No"}
    return detail


def put_events_entries(
    cases: tuple[SyntheticCase, ...] | list[SyntheticCase], *, run_id: str, account: str, region: str, source: str
) -> list[dict[str, Any]]:
    """PutEvents entries for the source account's default bus (at most 10 per call)."""
    return [
        {
            "Source": source,
            "DetailType": case.detail_type,
            "Detail": json.dumps(event_detail(case, run_id=run_id, account=account, region=region)),
            "EventBusName": "default",
        }
        for case in cases
    ]


def check_marker(message_body: str) -> dict[str, Any] | None:
    """The platformCheck marker of an SQS message body (an EventBridge event), if any."""
    try:
        event = json.loads(message_body)
    except ValueError:
        return None
    detail = event.get("detail") if isinstance(event, dict) else None
    marker = detail.get("platformCheck") if isinstance(detail, dict) else None
    return marker if isinstance(marker, dict) else None
