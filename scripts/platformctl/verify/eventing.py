"""Cross-account EventBridge: the bus policy grants exactly the intended principal scope, and
synthetic events from the source accounts reach the right central queue (eventing's run_check)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from platformctl.eventing.delivery import SourceAccount, run_check
from platformctl.eventing.policy import bus_policy_document
from platformctl.verify.model import CheckResult

GROUP = "eventing"


def normalise_policy(value: Any) -> Any:
    """Compare policies by meaning: sorted lists, one-element lists as scalars, `"*"` principals as
    {"AWS": "*"}, and no Sid (AWS may store statements with or without it as written)."""
    if isinstance(value, dict):
        normalised = {key: normalise_policy(item) for key, item in value.items() if key != "Sid"}
        if normalised.get("Principal") == "*":
            normalised["Principal"] = {"AWS": "*"}
        return normalised
    if isinstance(value, list):
        items = [normalise_policy(item) for item in value]
        if len(items) == 1:
            return items[0]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def describe_scope(principal_scope: Mapping[str, Any]) -> str:
    mode = principal_scope["mode"]
    if mode == "organization":
        return f"organization {principal_scope.get('organization_id')} (aws:PrincipalOrgID)"
    if mode == "organizational_units":
        return f"OU paths {', '.join(principal_scope.get('ou_paths') or [])} (aws:PrincipalOrgPaths)"
    return f"{len(principal_scope.get('account_ids') or [])} listed account(s)"


def check_bus_policy(events: Any, bus_arn: str, principal_scope: Mapping[str, Any], partition: str) -> CheckResult:
    """`principal_scope` is `EnvironmentInputs.central_bus.principal_scope`, dumped."""
    name = f"{bus_arn.rsplit('/', 1)[-1]}: bus policy principal scope is {principal_scope['mode']}"
    deployed_text = events.describe_event_bus(Name=bus_arn).get("Policy")
    if not deployed_text:
        return CheckResult.failed(GROUP, name, "the bus has no resource policy: no source account can put events")
    deployed = json.loads(deployed_text)
    intended = bus_policy_document(bus_arn, principal_scope, partition)
    if normalise_policy(deployed) == normalise_policy(intended):
        return CheckResult.passed(GROUP, name, f"PutEvents allowed for {describe_scope(principal_scope)} only")
    return CheckResult.failed(
        GROUP,
        name,
        f"the deployed policy differs from the intended scope ({describe_scope(principal_scope)})",
        (f"deployed: {json.dumps(deployed, sort_keys=True)}", f"intended: {json.dumps(intended, sort_keys=True)}"),
    )


def check_delivery(
    sources: Sequence[SourceAccount],
    sqs: Any,
    queue_urls: Mapping[str, str],
    *,
    region: str,
    source: str,
    read_only_forwarded: bool,
    timeout_seconds: float = 60.0,
    settle_seconds: float = 5.0,
    run_id: str | None = None,
) -> CheckResult:
    name = "synthetic events reach the intended central queue from every source account"
    if not sources:
        return CheckResult.skipped(
            GROUP,
            name,
            "no source accounts in the outputs (StackSet rollout: accounts "
            "join through OUs and none is listed to put test events from)",
        )
    report = run_check(
        sources,
        sqs,
        {"high_priority": queue_urls["high_priority"], "standard": queue_urls["standard"]},
        run_id=run_id or uuid.uuid4().hex[:16],
        region=region,
        source=source,
        read_only_forwarded=read_only_forwarded,
        timeout_seconds=timeout_seconds,
        settle_seconds=settle_seconds,
    )
    failures = tuple(
        f"{r.account} {r.case.name}: expected {r.expected or 'nowhere'}, arrived in {r.observed_text}"
        for r in report.results
        if not r.passed
    )
    if failures or report.timed_out:
        reason = f"{len(failures)} of {len(report.results)} event(s) misrouted or lost"
        if report.timed_out:
            reason += f" (timed out after {timeout_seconds:.0f}s)"
        return CheckResult.failed(GROUP, name, reason, failures)
    return CheckResult.passed(
        GROUP,
        name,
        f"{len(report.results)} events from {len(sources)} account(s) routed as intended in "
        f"{report.elapsed_seconds:.1f}s (run {report.run_id})",
    )


# -- event sources: the trail that makes CloudTrail events exist ----------------------------------------------


def _selector_coverage(selectors: Mapping[str, Any]) -> set[str]:
    """Which management events the trail records: a subset of {"read", "write"}."""
    covered: set[str] = set()
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True):
            kind = selector.get("ReadWriteType", "All")
            covered |= {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}.get(kind, set())
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        if (fields.get("eventCategory") or {}).get("Equals") != ["Management"]:
            continue
        read_only = fields.get("readOnly") or {}
        if read_only.get("Equals") == ["true"]:
            covered.add("read")
        elif read_only.get("Equals") == ["false"]:
            covered.add("write")
        else:
            covered |= {"read", "write"}
    return covered


def check_trail(
    cloudtrail: Any, trail: str, *, organization: bool, read_only_forwarded: bool, label: str | None = None
) -> CheckResult:
    """The trail `trail` (name or ARN) is logging, multi-Region, records the management events the forwarders
    match (writes; reads too when read-only calls are forwarded) and, for `organization`, is an organization trail.
    Read-only: DescribeTrails, GetTrailStatus and GetEventSelectors only."""
    shown = label or trail.rsplit("/", 1)[-1]
    scope_text = " for the organization" if organization else ""
    name = f"trail {shown}: logging, multi-Region, management events{scope_text}"
    found = cloudtrail.describe_trails(trailNameList=[trail], includeShadowTrails=True).get("trailList") or []
    if not found:
        return CheckResult.failed(
            GROUP, name, f"no trail {trail} is visible: without a logging trail EventBridge gets no CloudTrail events"
        )
    described = found[0]
    problems = []
    status = cloudtrail.get_trail_status(Name=trail)
    if not status.get("IsLogging"):
        problems.append("it is not logging (StopLogging was called or it never started): no events reach EventBridge")
    if not described.get("IsMultiRegionTrail"):
        problems.append(f"it records {described.get('HomeRegion', 'one Region')} only, not every Region")
    if not described.get("IncludeGlobalServiceEvents", False):
        problems.append("it leaves out global service events (IAM, STS), which EventBridge receives in us-east-1")
    if organization and not described.get("IsOrganizationTrail"):
        problems.append("it is not an organization trail: it covers its own account only, not the source accounts")
    needed = {"read", "write"} if read_only_forwarded else {"write"}
    selectors = cloudtrail.get_event_selectors(TrailName=trail)
    # A trail without custom selectors records every management event (AWS returns that default selector).
    default = not described.get("HasCustomEventSelectors") and not (
        selectors.get("EventSelectors") or selectors.get("AdvancedEventSelectors")
    )
    missing = set() if default else needed - _selector_coverage(selectors)
    if missing:
        problems.append(
            f"its event selectors leave out {' and '.join(sorted(missing))} management events, "
            "which the forwarders match"
        )
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    scope = "organization trail" if described.get("IsOrganizationTrail") else "account trail"
    return CheckResult.passed(
        GROUP, name, f"logging {scope}, every Region from {described.get('HomeRegion')}, management events recorded"
    )
