"""The central bus resource policy, rendered exactly as modules/eventbridge-central-bus/policy does.

Used by the benchmark (bytes per mode) and to fail early on an account list that cannot fit.
tests/eventing/test_policy.py compares it byte for byte with `terraform console` so the two
renderings can never diverge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from platformctl.errors import PlatformError

# EventBridge quota "Event bus policy size": 10,240 characters by default, adjustable in Service
# Quotas. Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
EVENT_BUS_POLICY_SIZE_LIMIT = 10240

MODES = ("organization", "organizational_units", "accounts")


class PolicyTooLargeError(PlatformError):
    """The rendered bus policy exceeds the EventBridge policy size quota."""


def terraform_jsonencode(value: Any) -> str:
    """Python equivalent of Terraform's jsonencode: sorted keys, no whitespace, and Go's HTML-safe
    escapes of <, > and & (plus U+2028/U+2029)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def bus_policy_document(
    event_bus_arn: str, principal_scope: Mapping[str, Any], partition: str = "aws"
) -> dict[str, Any]:
    """The policy as a document; `principal_scope` has the module's shape (mode, organization_id,
    ou_paths, account_ids)."""
    mode = principal_scope["mode"]
    statement: dict[str, Any] = {
        "Sid": "AllowSourceAccountsPutEvents",
        "Effect": "Allow",
        "Action": "events:PutEvents",
        "Resource": event_bus_arn,
    }
    if mode == "organization":
        org_id = principal_scope.get("organization_id")
        if not org_id:
            raise ValueError("principal_scope.organization_id is required in organization mode")
        statement |= {
            "Principal": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
        }
    elif mode == "organizational_units":
        paths = sorted(set(principal_scope.get("ou_paths") or []))
        if not paths:
            raise ValueError("principal_scope.ou_paths is required in organizational_units mode")
        statement |= {
            "Principal": "*",
            "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": paths}},
        }
    elif mode == "accounts":
        accounts = sorted(set(principal_scope.get("account_ids") or []))
        if not accounts:
            raise ValueError("principal_scope.account_ids is required in accounts mode")
        statement |= {
            "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in accounts]},
        }
    else:
        raise ValueError(f"unknown principal_scope.mode {mode!r}; expected one of {list(MODES)}")
    return {"Version": "2012-10-17", "Statement": [statement]}


def render_bus_policy(event_bus_arn: str, principal_scope: Mapping[str, Any], partition: str = "aws") -> str:
    """The policy JSON exactly as the module applies it."""
    return terraform_jsonencode(bus_policy_document(event_bus_arn, principal_scope, partition))


def policy_size(policy_json: str) -> int:
    """Size as EventBridge counts it (characters; the policy is ASCII so this is also bytes)."""
    return len(policy_json)


def check_policy_size(policy_json: str, mode: str, limit: int = EVENT_BUS_POLICY_SIZE_LIMIT) -> int:
    """Return the size, or raise with the same advice as the module's precondition."""
    size = policy_size(policy_json)
    if size > limit:
        raise PolicyTooLargeError(
            f"the central bus policy would be {size} bytes, over the EventBridge limit of {limit} "
            f"(quota 'Event bus policy size'); principal_scope.mode {mode!r} does not scale: use mode "
            "'organization' (constant size, aws:PrincipalOrgID) or 'organizational_units' "
            "(aws:PrincipalOrgPaths, grows with the number of OUs only)"
        )
    return size


def example_bus_arn(name_prefix: str = "prod", region: str = "eu-west-1", account: str = "123456789012") -> str:
    return f"arn:aws:events:{region}:{account}:event-bus/{name_prefix}-central-events"


def policy_bytes_by_mode(
    account_ids: Sequence[str],
    *,
    organization_id: str = "o-a1b2c3d4e5",
    ou_paths: Sequence[str] = ("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*",),
    event_bus_arn: str | None = None,
) -> dict[str, int]:
    """Policy bytes of each mode for the given source accounts (for the benchmark). Accounts mode
    reports the size even past the limit: the benchmark shows where it breaks."""
    arn = event_bus_arn or example_bus_arn()
    scopes = {
        "organization": {"mode": "organization", "organization_id": organization_id},
        "organizational_units": {"mode": "organizational_units", "ou_paths": list(ou_paths)},
        "accounts": {"mode": "accounts", "account_ids": list(account_ids)},
    }
    return {mode: policy_size(render_bus_policy(arn, scope)) for mode, scope in scopes.items()}


def max_accounts_in_accounts_mode(limit: int = EVENT_BUS_POLICY_SIZE_LIMIT, event_bus_arn: str | None = None) -> int:
    """How many accounts fit in accounts mode under `limit` (each adds a fixed-size ARN)."""
    arn = event_bus_arn or example_bus_arn()
    one = policy_size(render_bus_policy(arn, {"mode": "accounts", "account_ids": ["100000000000"]}))
    two = policy_size(render_bus_policy(arn, {"mode": "accounts", "account_ids": ["100000000000", "100000000001"]}))
    per_account = two - one
    return 1 + max(0, (limit - one) // per_account)
