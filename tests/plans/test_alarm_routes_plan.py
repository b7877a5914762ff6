"""Alarms reach people in every environment's plan: each alarm topic carries its severity's targets
from the catalog, and PLAT_PLAN_8 finds no alarm whose actions end at a topic nobody hears."""

from __future__ import annotations

import copy
import json

import pytest

from platformctl.catalog import resolve
from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.notifications import SEVERITIES
from platformctl.paths import ENVS_DIR
from platformctl.policy.alarm_routes import AlarmTracer, alarms_reach_someone, template_alarm_problems
from platformctl.policy.planindex import PlanIndex, PlanResource
from tests.eventing.tfconsole import console, copy_modules, needs_terraform
from tests.plans.reading import resources_of_type

pytestmark = pytest.mark.terraform

ROLES = ("central", "api", "data")


def _index(env_plans, env: str) -> PlanIndex:
    return PlanIndex(env_plans[env], root_dir=ENVS_DIR / env, label=env)


def _own_index(env_plans, env: str) -> PlanIndex:
    """An index over a copy of the plan, for tests that change planned values (the plans are shared)."""
    return PlanIndex(copy.deepcopy(env_plans[env]), root_dir=ENVS_DIR / env, label=env)


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
def test_forwarder_alarms_notify_their_own_source_account_topic(env_plans, catalog, env: str) -> None:
    """Alias rollout: each forwarder (account and Region) has its own encrypted topic with the critical
    e-mail and HTTPS targets, and both its alarms notify it; no alarm of any account lacks actions."""
    index = _index(env_plans, env)
    tracer = AlarmTracer(index)
    critical = catalog.environment(env).notifications.critical
    wanted = sorted([("email", str(a)) for a in critical.emails] + [("https", u) for u in critical.https_endpoints])
    forwarders = {a.parsed.modules[0][0] for a in index.of_type("aws_cloudwatch_metric_alarm")} - {"platform"}
    # prod rolls out a StackSet (its template is judged below); the others have one forwarder per account and Region.
    assert bool(forwarders) == (env != "prod")
    for alarm in index.of_type("aws_cloudwatch_metric_alarm"):
        trace = tracer.actions(alarm, keys=("alarm_actions",))
        assert trace.resources or trace.arns, f"{alarm.address} has no alarm action"
        forwarder = alarm.parsed.modules[0][0]
        if forwarder == "platform":
            continue
        topic = f"module.{forwarder}.module.alarm_topic.aws_sns_topic.this"
        assert set(trace.resources) == {topic} and not trace.arns, alarm.address
        (key,) = index.references(index.resources[topic], "kms_master_key_id")
        assert key.address == f"module.{forwarder}.module.alarm_topic.aws_kms_key.this"
        subscriptions = resources_of_type(env_plans[env], "aws_sns_topic_subscription", f"module.{forwarder}.")
        assert sorted((s["values"]["protocol"], s["values"]["endpoint"]) for s in subscriptions) == wanted


@pytest.fixture(scope="module")
def prod_template(catalog, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The prod StackSet template as the module renders it from prod's resolved inputs. In the plan its
    template_body is unknown until apply (it names the central bus ARN), so PLAT_PLAN_8 judges it once
    known; here the same rule judges the rendered template."""
    inputs = resolve(catalog, "prod")
    assert inputs.forwarder_stackset is not None
    variables = {
        **inputs.forwarder_stackset.model_dump(mode="json"),
        "name_prefix": "prod",
        "tags": inputs.tags,
        "central_bus_arn": f"arn:aws:events:{inputs.region}:{inputs.accounts.central}:event-bus/prod-central-events",
    }
    modules = copy_modules(
        tmp_path_factory.mktemp("stackset"),
        "eventbridge-forwarder-stackset",
        "eventbridge-forwarder",
        "cloudtrail-trail",
        "alarm-topic",
    )
    (template,) = console(modules / "eventbridge-forwarder-stackset", ["local.template"], variables, init=True)
    return template


def _with_template(env_plans, template: dict) -> tuple[PlanIndex, PlanResource]:
    index = _own_index(env_plans, "prod")
    (stack_set,) = index.of_type("aws_cloudformation_stack_set")
    stack_set.values["template_body"] = json.dumps(template)
    return index, stack_set


@needs_terraform
def test_prod_stackset_alarms_notify_each_stacks_subscribed_topic(env_plans, catalog, prod_template) -> None:
    resources = prod_template["Resources"]
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 2
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == alarm["Properties"]["OKActions"] == [{"Ref": "AlarmTopic"}]
    assert resources["AlarmTopic"]["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlarmKey", "Arn"]}
    critical = catalog.environment("prod").notifications.critical
    wanted = sorted([("email", str(a)) for a in critical.emails] + [("https", u) for u in critical.https_endpoints])
    subscriptions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::SNS::Subscription"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subscriptions) == wanted
    assert all(s["TopicArn"] == {"Ref": "AlarmTopic"} for s in subscriptions)
    assert template_alarm_problems(prod_template) == []
    index, _ = _with_template(env_plans, prod_template)
    assert alarms_reach_someone(index) == []


@needs_terraform
@pytest.mark.parametrize("cut", ["AlarmActions", "subscriptions"])
def test_plat_plan_8_fails_a_stackset_template_whose_alarms_reach_nobody(env_plans, prod_template, cut: str) -> None:
    template = copy.deepcopy(prod_template)
    for rid, resource in list(template["Resources"].items()):
        if cut == "AlarmActions" and resource["Type"] == "AWS::CloudWatch::Alarm":
            del resource["Properties"]["AlarmActions"]
        if cut == "subscriptions" and resource["Type"] == "AWS::SNS::Subscription":
            del template["Resources"][rid]
    index, stack_set = _with_template(env_plans, template)
    found = alarms_reach_someone(index)
    assert {resource.address for resource, _ in found} == {stack_set.address}
    assert len(found) == 2
    words = "has no AlarmActions" if cut == "AlarmActions" else "has no AWS::SNS::Subscription"
    assert all(words in message for _, message in found)


def test_plat_plan_8_fails_an_alarm_without_actions(env_plans) -> None:
    """A forwarder alarm whose alarm_actions are emptied fails as an alarm without actions, with a message
    that says where its route comes from."""
    index = _own_index(env_plans, "dev")
    alarm = index.resources["module.forwarder_210000000011.aws_cloudwatch_metric_alarm.dlq"]
    alarm.values["alarm_actions"] = []
    found = [message for resource, message in alarms_reach_someone(index) if resource.address == alarm.address]
    assert len(found) == 1 and "has no alarm_actions" in found[0] and "notifications" in found[0]


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
    """Without their SNS subscriptions, prod's critical topics are still heard through Chatbot; without the
    Chatbot configurations too, PLAT_PLAN_8 reports the alarms that reach only those topics. (The warning
    topics have no Slack channel: their e-mail subscriptions stay.)"""
    index = _index(env_plans, "prod")
    critical = tuple(_topic_module(role, "critical") for role in ROLES)
    for subscription in index.of_type("aws_sns_topic_subscription"):
        if subscription.address.startswith(critical):
            del index.resources[subscription.address]
    assert alarms_reach_someone(index) == []
    for configuration in index.of_type("aws_chatbot_slack_channel_configuration"):
        del index.resources[configuration.address]
    silent = alarms_reach_someone(index)
    assert silent, "with neither subscriptions nor Chatbot, some prod alarm must be silent"
    assert all("nobody hears" in message for _, message in silent)


def test_prod_routes_working_hours_alarms_to_the_warning_topics(env_plans) -> None:
    """Severity reaches the plan: some prod alarms (API latency, warehouse capacity, late data) notify only
    a warning topic, the data-loss and outage alarms only critical ones, and every alarm notifies a topic."""
    index = _index(env_plans, "prod")
    tracer = AlarmTracer(index)
    warning_topics = {f"{_topic_module(role, 'warning')}aws_sns_topic.this" for role in ROLES}
    critical_topics = {f"{_topic_module(role, 'critical')}aws_sns_topic.this" for role in ROLES}
    routes = {}
    for alarm in index.of_type("aws_cloudwatch_metric_alarm"):
        trace = tracer.actions(alarm, keys=("alarm_actions",))
        topics = {address for address, r in trace.resources.items() if r.type == "aws_sns_topic"}
        assert topics, f"{alarm.address} notifies no topic"
        routes[alarm.address] = topics
    only_warning = {a for a, topics in routes.items() if topics <= warning_topics}
    assert any(".module.api[" in a and ".latency[" in a for a in only_warning), only_warning
    assert any("capacity_at_max" in a for a in only_warning), only_warning
    (failed,) = [a for a in routes if a.endswith("queries_failed[0]")]
    assert routes[failed] <= critical_topics, routes[failed]
    # Alarms whose severity depends on the instance (for_each) name both topics in their expression: the
    # module tests prove which one each instance gets; here each must at least reach a critical topic.
    for address, topics in routes.items():
        if address.endswith('errors["5XXError"]') or "_dlq" in address:
            assert topics & critical_topics, f"{address} must stay critical: {topics}"
