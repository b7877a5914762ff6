"""Bucket policies' TLS conditions, evaluated as AWS would for a client that uses TLS 1.2 or later.

moto 5.2.5 ignores `Condition` in bucket policies (`FakeBucket.get_permission`), so the modules'
`DenyInsecureTransport` (`aws:SecureTransport` = false) and `DenyTlsOlderThan12`
(`s3:TlsVersion` < 1.2) statements deny every object request: measured, every GetObject, HeadObject
and PutObject against the lakehouse buckets answers 403, so nothing could be delivered or read.

The emulator stands in for the HTTPS endpoints the platform's clients use, so requests are evaluated
as TLS 1.3 requests: a statement whose conditions use only these transport keys applies exactly
when they hold for such a request. Statements with any other condition key are left to moto as
before (no behaviour is invented for keys this module does not know). Installed once in the
emulator process (server.py).
"""

from __future__ import annotations

import json
from typing import Any

# The request context of a client connecting over TLS 1.3 (condition keys are case-insensitive).
TRANSPORT_CONTEXT = {"aws:securetransport": "true", "s3:tlsversion": "1.3"}
_NUMERIC = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a != b,
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}


def _holds(operator: str, actual: str, expected: list[Any]) -> bool | None:
    """Whether one condition test holds for the TLS context; None for an operator this does not evaluate."""
    operator = operator.removesuffix("IfExists")
    if operator == "Bool":
        return any(str(value).lower() == actual for value in expected)
    if operator in _NUMERIC:
        try:
            return any(_NUMERIC[operator](float(actual), float(value)) for value in expected)
        except ValueError:
            return None
    return None


def statement_applies(condition: dict[str, Any] | None) -> bool | None:
    """True/False when every key of `condition` is a transport key; None when moto must decide."""
    if not condition:
        return True
    applies = True
    for operator, tests in condition.items():
        for key, expected in (tests or {}).items():
            actual = TRANSPORT_CONTEXT.get(key.lower())
            if actual is None:
                return None
            holds = _holds(operator, actual, expected if isinstance(expected, list) else [expected])
            if holds is None:
                return None
            applies = applies and holds
    return applies


def effective_policy(policy: str) -> str:
    """The policy without the statements whose transport conditions do not hold for a TLS request."""
    document = json.loads(policy)
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if statement_applies(s.get("Condition")) is not False]
    return json.dumps({**document, "Statement": kept})


def install() -> None:
    """Evaluate bucket policies through `effective_policy` in this process (idempotent)."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    if getattr(FakeBucket.get_permission, "_transport_conditions", False):
        return

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        text = self.policy.decode() if isinstance(self.policy, bytes) else self.policy
        return IAMPolicy(effective_policy(text)).is_action_permitted(action, resource)

    get_permission._transport_conditions = True  # type: ignore[attr-defined]
    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
