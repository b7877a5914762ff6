"""Page data of the event routing: per environment, each priority rule, its pattern and targets.

The classification (what counts as security-critical) comes from the resolved model; the exact
event patterns, rule and queue names come from the environment's latest plan, because the module
renders them (modules/eventbridge-central-bus/routing) and the portal must not re-implement it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.planjson import Plan
from platformctl.portal.pages import CENTRAL_BUS_MODULE
from platformctl.portal.sources import PortalInputs


@dataclass(frozen=True)
class RuleView:
    priority: int
    label: str
    matches: tuple[str, ...]  # the classification in words
    rule_name: str | None  # from the plan
    pattern: str | None  # pretty JSON, from the plan
    target_queue: str | None
    queue_dlq: str | None
    delivery_dlq: str | None
    max_age_alarm: str


@dataclass(frozen=True)
class RoutingEnvironment:
    env: str
    central_account: str
    rollout: str
    sources: tuple[str, ...]  # accounts, or OUs and regions
    principal_scope: str
    forwarded: tuple[str, ...]  # what the forwarders keep
    rules: tuple[RuleView, ...]
    archive: str
    retry: str
    api_destination: str | None
    plan_file: str | None


def _planned(plan: Plan | None, kind: str, name: str) -> dict[str, object]:
    if plan is None:
        return {}
    address = f"{CENTRAL_BUS_MODULE}.{kind}.{name}"
    change = plan.by_address.get(address)
    return dict(change.after) if change is not None else {}


def _pretty(pattern: object) -> str | None:
    if not isinstance(pattern, str):
        return None
    try:
        return json.dumps(json.loads(pattern), indent=2, sort_keys=True)
    except json.JSONDecodeError:
        return pattern


def _classification_words(env: EnvironmentInputs) -> tuple[str, ...]:
    merged = env.central_bus.high_priority.classification()
    words = [f"detail-type {d}" for d in merged["detail_types"]]
    if merged["root_sign_in"]:
        words.append("console sign-in by the root user")
    words += [f"every non-read-only call to {s}" for s in merged["write_event_sources"]]
    words += [f"{s}: {', '.join(names)}" for s, names in merged["event_names"].items()]
    return tuple(words)


def _sources(env: EnvironmentInputs) -> tuple[str, ...]:
    stackset = env.forwarder_stackset
    if stackset is None:
        return tuple(f"account {a} (forwarder through a provider alias)" for a in env.accounts.sources)
    lines = [f"OU {ou} (StackSet, auto-deployed)" for ou in stackset.organizational_unit_ids]
    lines.append(f"regions {', '.join(stackset.regions)}")
    lines += [f"excluding account {a}" for a in stackset.exclude_account_ids]
    return tuple(lines)


def _scope(env: EnvironmentInputs) -> str:
    scope = env.central_bus.principal_scope
    if scope.mode == "organization":
        return f"any account of organization {scope.organization_id}"
    if scope.mode == "organizational_units":
        return "accounts under " + ", ".join(scope.ou_paths)
    return "exactly the accounts " + ", ".join(scope.account_ids)


def _forwarded(env: EnvironmentInputs) -> tuple[str, ...]:
    filters = env.forwarder.filters
    lines = [
        "CloudTrail management events" + (" (writes only: read-only calls dropped)" if filters.drop_read_only else "")
    ]
    lines.append("console sign-ins and GuardDuty findings")
    lines += [f"detail-type {d}" for d in filters.extra_detail_types]
    lines += [f"dropped at the source: events from {s}" for s in filters.exclude_event_sources]
    lines += [f"dropped at the source: {n}" for n in filters.exclude_event_names]
    if env.central_bus.synthetic_event_source:
        lines.append(f"synthetic test events ({env.central_bus.synthetic_event_source})")
    return tuple(lines)


def routing_environment(env: EnvironmentInputs, plan: Plan | None, plan_file: str | None) -> RoutingEnvironment:
    bus = env.central_bus
    delivery = bus.delivery
    alarms = bus.alarms
    dlq = _planned(plan, "aws_sqs_queue", "delivery_dlq").get("name")
    rules = []
    for priority, (key, label, matches, max_age) in enumerate(
        (
            (
                "high_priority",
                "High priority (security-critical)",
                _classification_words(env),
                alarms.high_priority_max_age_seconds,
            ),
            (
                "standard",
                "Standard (everything else: the exact complement)",
                ("every routed event the high-priority rule does not match",),
                alarms.standard_max_age_seconds,
            ),
        ),
        start=1,
    ):
        rule = _planned(plan, "aws_cloudwatch_event_rule", key)
        rules.append(
            RuleView(
                priority=priority,
                label=label,
                matches=matches,
                rule_name=str(rule["name"]) if rule.get("name") else None,
                pattern=_pretty(rule.get("event_pattern")),
                target_queue=_name(_planned(plan, "aws_sqs_queue", key)),
                queue_dlq=_name(_planned(plan, "aws_sqs_queue", f"{key}_dlq")),
                delivery_dlq=str(dlq) if dlq else None,
                max_age_alarm=f"oldest message older than {max_age} s",
            )
        )
    archive = _planned(plan, "aws_cloudwatch_event_archive", "this")
    destination = bus.api_destination
    return RoutingEnvironment(
        env=env.environment,
        central_account=env.accounts.central,
        rollout=env.rollout_mode,
        sources=_sources(env),
        principal_scope=_scope(env),
        forwarded=_forwarded(env),
        rules=tuple(rules),
        archive=f"every routed event, kept {bus.archive_retention_days} days"
        + (f" ({archive['name']})" if archive.get("name") else ""),
        retry=f"up to {delivery.maximum_retry_attempts} retries within {delivery.maximum_event_age_in_seconds} s, "
        f"then the delivery DLQ; a queue message received {delivery.queue_max_receive_count} times moves to "
        "the queue's DLQ",
        api_destination=None
        if destination is None
        else f"{destination.http_method} {destination.endpoint_url} ({destination.events} events, "
        f"at most {destination.invocation_rate_limit_per_second}/s, {destination.authorization_type})",
        plan_file=plan_file,
    )


def _name(after: dict[str, object]) -> str | None:
    return str(after["name"]) if after.get("name") else None


def routing_environments(inputs: PortalInputs) -> list[RoutingEnvironment]:
    return [
        routing_environment(env, inputs.state(name).plan, inputs.state(name).plan_file)
        for name, env in inputs.environments.items()
    ]
