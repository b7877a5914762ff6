"""End to end in an in-process moto: the forwarder as the StackSet would deploy it, the central
routing as the module renders it, and the delivery check with real boto3 clients.

- The StackSet template (rendered by modules/eventbridge-forwarder-stackset) is deployed as a
  CloudFormation stack in two source accounts: it must create, and forward.
- The central bus, rules and queues are created with the patterns of the routing/ submodule.
- `run_check` puts the synthetic events through assumed-role sessions (moto maps them to the
  target account) and reads the central queues.
The full Terraform apply of envs/local is the e2e suite's job; this runs in seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platformctl.eventing.delivery import SourceAccount, run_check
from platformctl.eventing.synthetic import CASES
from tests.eventing.tfconsole import console, copy_modules, needs_terraform

pytestmark = [
    pytest.mark.terraform,
    needs_terraform,
    # moto's CloudFormation skips these two resource types; the tftests cover their properties.
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..CloudWatch..Alarm:UserWarning"),
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..SQS..QueuePolicy:UserWarning"),
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..SNS..TopicPolicy:UserWarning"),
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..SNS..Subscription:UserWarning"),
]

REGION = "us-east-1"
CENTRAL = "111111111111"
SOURCES = ("444444444444", "555555555555")
BUS = "local-central-events"
BUS_ARN = f"arn:aws:events:{REGION}:{CENTRAL}:event-bus/{BUS}"
SYNTHETIC = "platform.synthetic"
ONCALL = "oncall@example.com"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("render")
    # The StackSet module renders the trail policies of cloudtrail-trail/definition and the alarm
    # topic of alarm-topic/definition too.
    modules = copy_modules(
        tmp, "eventbridge-central-bus", "eventbridge-forwarder", "eventbridge-forwarder-stackset", "cloudtrail-trail",
        "alarm-topic",
    )
    high, standard = console(modules / "eventbridge-central-bus" / "routing",
                             ["local.high_priority_pattern", "local.standard_pattern"],
                             {"synthetic_event_source": SYNTHETIC})
    (template,) = console(
        modules / "eventbridge-forwarder-stackset", ["local.template"],
        {"name_prefix": "local", "central_bus_arn": BUS_ARN, "synthetic_event_source": SYNTHETIC,
         "organizational_unit_ids": ["r-ab12"], "regions": [REGION], "dlq_encryption": "kms",
         "alarm_subscriptions": [{"protocol": "email", "endpoint": ONCALL}]},
        init=True,
    )
    return {"high": high, "standard": standard, "template": template}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


def session(account: str) -> boto3.Session:
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/platform-deployer", RoleSessionName="test-e2e"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def build_central(rendered: dict[str, Any]) -> dict[str, str]:
    central = session(CENTRAL)
    events, sqs = central.client("events"), central.client("sqs")
    events.create_event_bus(Name=BUS)
    urls = {}
    for route, pattern in (("high_priority", rendered["high"]), ("standard", rendered["standard"])):
        url = sqs.create_queue(QueueName=f"local-events-{route.replace('_', '-')}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name=f"local-{route}", EventBusName=BUS, EventPattern=pattern)
        events.put_targets(Rule=f"local-{route}", EventBusName=BUS, Targets=[{"Id": route, "Arn": arn}])
        urls[route] = url
    return urls


def deploy_forwarder(account: str, template: dict[str, Any]) -> dict[str, Any]:
    cfn = session(account).client("cloudformation")
    cfn.create_stack(StackName="local-activity-forwarder", TemplateBody=json.dumps(template),
                     Capabilities=["CAPABILITY_NAMED_IAM"])
    return cfn.describe_stacks(StackName="local-activity-forwarder")["Stacks"][0]


def assert_alarm_topic(account: str, stack: dict[str, Any]) -> None:
    """Each stack has its own topic, encrypted with its own key. moto's CloudFormation skips the
    topic policy, the subscriptions and the alarms (the tftests cover their properties)."""
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    topic_arn = f"arn:aws:sns:{REGION}:{account}:local-activity-forwarder-alarms"
    assert outputs["AlarmTopicArn"] == topic_arn
    sns, kms = session(account).client("sns"), session(account).client("kms")
    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    # moto keeps a CloudFormation key's policy as an object and then fails DescribeKey on it, so the
    # key is found through its alias (its rotation is a tftest assertion).
    (alias,) = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/local-activity-forwarder-alarms"]
    assert attributes["KmsMasterKeyId"] == f"arn:aws:kms:{REGION}:{account}:key/{alias['TargetKeyId']}"


def test_stackset_template_deploys_and_the_check_passes(aws: None, rendered: dict[str, Any]) -> None:
    urls = build_central(rendered)
    for account in SOURCES:
        stack = deploy_forwarder(account, rendered["template"])
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        events = session(account).client("events")
        rule = events.describe_rule(Name="local-activity-forwarder")
        template_rule = rendered["template"]["Resources"]["ForwarderRule"]["Properties"]
        assert json.loads(rule["EventPattern"]) == template_rule["EventPattern"]
        (target,) = events.list_targets_by_rule(Rule="local-activity-forwarder")["Targets"]
        assert target["Arn"] == BUS_ARN and target["DeadLetterConfig"]["Arn"].endswith(":local-activity-forwarder-dlq")
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
        role = session(account).client("iam").get_role(RoleName=f"local-activity-forwarder-{REGION}")["Role"]
        trust = role["AssumeRolePolicyDocument"]["Statement"][0]
        assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == account
        assert_alarm_topic(account, stack)

    report = run_check(
        [SourceAccount(account, session(account).client("events")) for account in SOURCES],
        session(CENTRAL).client("sqs"), urls,
        run_id="moto-e2e", region=REGION, source=SYNTHETIC, timeout_seconds=10, settle_seconds=0.5, wait_seconds=0,
    )
    failures = [(r.account, r.case.name, r.expected, r.observed_text) for r in report.results if not r.passed]
    assert not failures
    assert len(report.results) == len(SOURCES) * len(CASES)


def test_without_the_synthetic_flag_nothing_is_routed(aws: None, rendered: dict[str, Any], tmp_path: Path) -> None:
    """Production patterns ignore the synthetic source: the check cannot inject events there."""
    modules = copy_modules(tmp_path, "eventbridge-central-bus")
    high, standard = console(modules / "eventbridge-central-bus" / "routing",
                             ["local.high_priority_pattern", "local.standard_pattern"], {})
    urls = build_central({"high": high, "standard": standard})
    deploy_forwarder(SOURCES[0], rendered["template"])
    report = run_check(
        [SourceAccount(SOURCES[0], session(SOURCES[0]).client("events"))], session(CENTRAL).client("sqs"), urls,
        run_id="prod-like", region=REGION, source=SYNTHETIC, timeout_seconds=1, settle_seconds=0, wait_seconds=0,
    )
    assert report.timed_out
    assert all(not r.observed for r in report.results)
