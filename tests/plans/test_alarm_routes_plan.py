"""Alarms reach people in every environment's plan: each alarm topic carries its severity's targets
from the catalog, and PLAT_PLAN_8 finds no alarm whose actions end at a topic nobody hears."""

from __future__ import annotations

import json

import pytest

from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.notifications import SEVERITIES
from platformctl.paths import ENVS_DIR
from platformctl.policy.alarm_routes import AlarmTracer, alarms_reach_someone
from platformctl.policy.planindex import PlanIndex
from tests.plans.reading import resources_of_type

pytestmark = pytest.mark.terraform

ROLES = ("central", "api", "data")


def _index(env_plans, env: str) -> PlanIndex:
    return PlanIndex(env_plans[env], root_dir=ENVS_DIR / env, label=env)


def _topic_module(role: str, severity: str) -> str:
    return (
        f"module.platform.module.{role}_alarms."
        if severity == "critical"
        else (f"module.platform.module.{role}_warning_alarms.")
    )


@pytest.mark.parametrize("env", ENV_NAMES)
def test_plat_plan_8_finds_no_silent_alarm(env_plans, env: str) -> None:
    index = _index(env_plans, env)
    assert index.of_type("aws_cloudwatch_metric_alarm")
    assert [(alarm.address, message) for alarm, message in alarms_reach_someone(index)] == []


@pytest.mark.parametrize("env", ENV_NAMES)
def test_every_alarm_topic_has_its_severitys_subscriptions(env_plans, catalog, env: str) -> None:
    notifications = catalog.environment(env).notifications
    for role in ROLES:
        for severity in SEVERITIES:
            targets = notifications.targets(severity)
            wanted = sorted(
                [("email", str(a)) for a in targets.emails] + [("https", u) for u in targets.https_endpoints]
            )
            under = _topic_module(role, severity)
            subscriptions = resources_of_type(env_plans[env], "aws_sns_topic_subscription", under)
            assert sorted((s["values"]["protocol"], s["values"]["endpoint"]) for s in subscriptions) == wanted
            (topic,) = resources_of_type(env_plans[env], "aws_sns_topic", under)
            suffix = "alarms" if severity == "critical" else f"{severity}-alarms"
            assert topic["values"]["name"] == f"{env}-{role}-{suffix}"
            chatbot = resources_of_type(env_plans[env], "aws_chatbot_slack_channel_configuration", under)
            assert sorted(
                (c["values"]["configuration_name"], c["values"]["slack_team_id"], c["values"]["slack_channel_id"])
                for c in chatbot
            ) == sorted(
                (f"{env}-{role}-{severity}-{c.name}", c.slack_team_id, c.slack_channel_id)
                for c in targets.slack_channels
            )
            assert len(resources_of_type(env_plans[env], "aws_iam_role", under)) == (1 if chatbot else 0)


def test_every_prod_alarm_has_a_subscription_or_target_behind_it(env_plans) -> None:
    """The issue's bar: in prod, each alarm's actions trace to a topic of the plan that has a subscription
    (or to a target outside the plan); none is left unjudged or without actions."""
    index = _index(env_plans, "prod")
    tracer = AlarmTracer(index)
    alarms = index.of_type("aws_cloudwatch_metric_alarm")
    subscribed = {
        topic.address
        for topic in index.of_type("aws_sns_topic")
        if any(
            topic.address in {r.address for r in index.references(s, "topic_arn")}
            for s in index.of_type("aws_sns_topic_subscription")
        )
    }
    assert len(alarms) >= 25
    for alarm in alarms:
        trace = tracer.actions(alarm)
        topics = {address for address, r in trace.resources.items() if r.type == "aws_sns_topic"}
        assert not trace.opaque, alarm.address
        assert topics or trace.arns, f"{alarm.address} has no action"
        assert trace.arns or topics <= subscribed, f"{alarm.address} reaches only {topics - subscribed}"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_only_source_account_forwarder_alarms_lack_actions(env_plans, env: str) -> None:
    """Forwarders in source accounts (alias rollout) have no alarm topic of their own: their alarms have
    no actions, which PLAT_PLAN_8 does not judge. Everything in the platform's own accounts has actions."""
    index = _index(env_plans, env)
    tracer = AlarmTracer(index)
    without = [a.address for a in index.of_type("aws_cloudwatch_metric_alarm") if not tracer.actions(a).resources]
    assert all(address.startswith("module.forwarder_") for address in without), without


def test_an_existing_topic_is_notified_by_the_alarms_of_its_account(env_plans, catalog) -> None:
    """SNS cannot subscribe a topic to a topic, so an existing topic is an alarm action of its own account."""
    existing = set(catalog.environment("prod").notifications.critical.sns_topic_arns)
    central = catalog.environment("prod").accounts.central
    assert existing and all(arn.split(":")[4] == central for arn in existing)
    index = _index(env_plans, "prod")
    tracer = AlarmTracer(index)
    for alarm in index.of_type("aws_cloudwatch_metric_alarm"):
        in_central = alarm.address.startswith("module.platform.module.central_bus.")
        assert tracer.actions(alarm).arns == (existing if in_central else set()), alarm.address


def test_prod_posts_critical_alarms_to_slack_through_chatbot(env_plans, catalog) -> None:
    """Each prod account's critical topic has a Chatbot configuration per Slack channel of the catalog, that
    lists that topic (and only it), with a role only Chatbot may assume and a read-only guardrail."""
    channels = catalog.environment("prod").notifications.critical.slack_channels
    assert channels, "prod names a Slack channel for critical alarms"
    index = _index(env_plans, "prod")
    configurations = index.of_type("aws_chatbot_slack_channel_configuration")
    assert len(configurations) == len(ROLES) * len(channels)
    for role in ROLES:
        under = _topic_module(role, "critical")
        (topic,) = [t for t in index.of_type("aws_sns_topic") if t.address.startswith(under)]
        mine = [c for c in configurations if c.address.startswith(under)]
        assert len(mine) == len(channels)
        for configuration in mine:
            assert [r.address for r in index.references(configuration, "sns_topic_arns")] == [topic.address]
            assert configuration.values["logging_level"] == "ERROR"
            assert configuration.values["guardrail_policy_arns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
        (role_resource,) = [r for r in index.of_type("aws_iam_role") if r.address.startswith(under)]
        trust = json.loads(role_resource.values["assume_role_policy"])
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Service": "chatbot.amazonaws.com"}
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": getattr(catalog.environment("prod").accounts, role)}
        }


def test_plat_plan_8_counts_a_chatbot_channel_as_a_listener(env_plans) -> None:
    """Without its SNS subscriptions, prod's critical topics are still heard through Chatbot; without the
    Chatbot configurations too, PLAT_PLAN_8 reports the alarms that reach only those topics."""
    index = _index(env_plans, "prod")
    for subscription in index.of_type("aws_sns_topic_subscription"):
        del index.resources[subscription.address]
    assert alarms_reach_someone(index) == []
    for configuration in index.of_type("aws_chatbot_slack_channel_configuration"):
        del index.resources[configuration.address]
    silent = alarms_reach_someone(index)
    assert silent, "with neither subscriptions nor Chatbot, some prod alarm must be silent"
    assert all("nobody hears" in message for _, message in silent)
