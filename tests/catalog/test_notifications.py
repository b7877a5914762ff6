"""Alarm targets in config/environments/<env>.yaml: checked with file, line, key path and reason, and
resolved into one alarm topic per account role and severity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformctl.catalog import resolve
from platformctl.catalog.notifications import SeverityTargets, SlackChannel, https_endpoint_problem
from tests.catalog import helpers as catalogs

PROD = "environments/prod.yaml"
LOCAL = "environments/local.yaml"
DEV = "environments/dev.yaml"


def _problem(config: Path) -> str:
    found = catalogs.problems(config)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("name", "dotted", "value", "key_path", "words"),
    [
        (
            "no critical target in prod",
            "notifications",
            {"warning": {"emails": ["team@example.com"]}},
            "notifications.critical",
            "names no critical alarm target",
        ),
        (
            "no warning target in prod",
            "notifications",
            {"critical": {"emails": ["oncall@example.com"]}},
            "notifications.warning",
            "names no warning alarm target",
        ),
        (
            "a malformed e-mail address",
            "notifications.critical.emails",
            ["oncall-at-example.com"],
            "notifications.critical.emails.0",
            "email address",
        ),
        (
            "plain http",
            "notifications.critical.https_endpoints",
            ["http://alerts.example.com/sns"],
            "notifications.critical.https_endpoints",
            "must start with https://",
        ),
        (
            "credentials in the URL",
            "notifications.warning.https_endpoints",
            ["https://bot:hunter2@alerts.example.com/sns"],
            "notifications.warning.https_endpoints",
            "carries credentials",
        ),
        (
            "a topic in another Region",
            "notifications.critical.sns_topic_arns",
            ["arn:aws:sns:us-east-1:230000000001:secops-critical"],
            "notifications.critical.sns_topic_arns.0",
            "region us-east-1, this environment is in eu-west-1",
        ),
        (
            "a topic in another partition",
            "notifications.critical.sns_topic_arns",
            ["arn:aws-cn:sns:eu-west-1:230000000001:secops-critical"],
            "notifications.critical.sns_topic_arns.0",
            "partition 'aws-cn'",
        ),
        (
            "a topic outside the platform accounts",
            "notifications.critical.sns_topic_arns",
            ["arn:aws:sns:eu-west-1:999999999999:someone-elses"],
            "notifications.critical.sns_topic_arns.0",
            "none of this environment's central, api or data accounts",
        ),
        (
            "not a topic ARN",
            "notifications.critical.sns_topic_arns",
            ["arn:aws:sqs:eu-west-1:230000000001:queue"],
            "notifications.critical.sns_topic_arns.0",
            "an SNS topic ARN",
        ),
        (
            "the same address twice",
            "notifications.warning.emails",
            ["team@example.com", "Team@example.com"],
            "notifications.warning",
            "listed more than once",
        ),
        (
            "a Slack workspace given by its URL",
            "notifications.critical.slack_channels",
            [{"name": "oncall", "slack_team_id": "acme.slack.com", "slack_channel_id": "C0123456789"}],
            "notifications.critical.slack_channels.0.slack_team_id",
            "a Slack workspace ID such as T0123456789",
        ),
        (
            "a Slack channel given by its #name",
            "notifications.critical.slack_channels",
            [{"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "#platform-oncall"}],
            "notifications.critical.slack_channels.0.slack_channel_id",
            "not the channel's #name",
        ),
        (
            "a Slack channel label that cannot name a configuration",
            "notifications.warning.slack_channels",
            [{"name": "Platform On-call", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"}],
            "notifications.warning.slack_channels.0.name",
            "lower-case letters, digits",
        ),
        (
            "a Slack channel without its workspace",
            "notifications.critical.slack_channels",
            [{"name": "oncall", "slack_channel_id": "C0123456789"}],
            "notifications.critical.slack_channels.0.slack_team_id",
            "",
        ),
        (
            "the same Slack channel twice",
            "notifications.critical.slack_channels",
            [
                {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"},
                {"name": "oncall-2", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"},
            ],
            "notifications.critical",
            "channel T0123456789/C0123456789 listed more than once",
        ),
        (
            "two Slack channels with one label",
            "notifications.critical.slack_channels",
            [
                {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"},
                {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C9876543210"},
            ],
            "notifications.critical",
            "name oncall used more than once",
        ),
        (
            "an unknown severity",
            "notifications.info",
            {"emails": ["team@example.com"]},
            "notifications.info",
            "",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_bad_targets_name_file_line_key_and_reason(
    tmp_path: Path, name: str, dotted: str, value: object, key_path: str, words: str
) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, PROD, dotted, value)
    problem = _problem(config)
    assert re.match(rf"config/{re.escape(PROD)}:\d+: {re.escape(key_path)}: ", problem), problem
    assert words in problem


def test_the_emulator_environment_may_name_no_target(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, LOCAL, "notifications", None)
    inputs = resolve(catalogs.load(config), "local").alarm_topics
    assert inputs.central.critical.subscriptions == ()


@pytest.mark.parametrize(("env", "rollout"), [(PROD, "StackSet"), (DEV, "accounts.sources")])
def test_source_account_alarms_need_an_email_or_https_target(tmp_path: Path, env: str, rollout: str) -> None:
    """Forwarder alarms live in the source accounts: a platform account's topic or a Slack channel cannot
    hear them there, so a real environment with forwarders must name a critical e-mail or HTTPS target."""
    config = catalogs.copy_catalog(tmp_path)
    channel = {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"}
    topic = "arn:aws:sns:eu-west-1:230000000001:secops-critical"
    catalogs.edit(config, env, "notifications.critical", {"slack_channels": [channel]})
    if env == PROD:
        catalogs.edit(config, env, "notifications.critical.sns_topic_arns", [topic])
    problem = _problem(config)
    assert re.match(rf"config/{re.escape(env)}:\d+: notifications\.critical: ", problem), problem
    assert "can only reach e-mail or HTTPS" in problem and rollout in problem.replace("StackSet's OUs", "StackSet")


def test_forwarders_subscribe_the_critical_email_and_https_targets_only(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(
        config,
        PROD,
        "notifications.critical",
        {
            "emails": ["b@example.com", "a@example.com"],
            "https_endpoints": ["https://alerts.example.com/sns"],
            "sns_topic_arns": ["arn:aws:sns:eu-west-1:230000000001:secops-critical"],
        },
    )
    catalogs.edit(config, PROD, "notifications.warning", {"emails": ["team@example.com"]})
    assert catalogs.problems(config) == []
    inputs = resolve(catalogs.load(config), "prod")
    expected = [("email", "a@example.com"), ("email", "b@example.com"), ("https", "https://alerts.example.com/sns")]
    assert inputs.forwarder_stackset is not None
    for forwarder in (inputs.forwarder, inputs.forwarder_stackset):
        assert [(s.protocol, s.endpoint) for s in forwarder.alarm_subscriptions] == expected


def test_a_slack_channel_alone_is_a_critical_target_without_forwarders(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    channel = {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"}
    catalogs.edit(config, DEV, "notifications.critical", {"slack_channels": [channel]})
    catalogs.edit(config, DEV, "accounts.sources", [])
    assert catalogs.problems(config) == []
    topics = resolve(catalogs.load(config), "dev").alarm_topics
    for role in ("central", "api", "data"):
        critical, warning = getattr(topics, role).critical, getattr(topics, role).warning
        assert [c.model_dump() for c in critical.slack_channels] == [channel]
        assert critical.subscriptions == () and warning.slack_channels == ()


def test_the_emulator_environment_may_name_no_slack_channel(tmp_path: Path) -> None:
    """moto has no AWS Chatbot: a Slack channel in local could never be applied, so the catalog says so."""
    config = catalogs.copy_catalog(tmp_path)
    channel = {"name": "oncall", "slack_team_id": "T0123456789", "slack_channel_id": "C0123456789"}
    catalogs.edit(config, LOCAL, "notifications.warning", {"slack_channels": [channel]})
    problem = _problem(config)
    assert re.match(rf"config/{re.escape(LOCAL)}:\d+: notifications\.warning\.slack_channels: ", problem), problem
    assert "no AWS Chatbot" in problem


def test_every_topic_gets_its_severitys_targets_and_its_accounts_topics(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    secops = "arn:aws:sns:eu-west-1:230000000001:secops-critical"
    data_ops = "arn:aws:sns:eu-west-1:230000000003:data-ops"
    catalogs.edit(
        config,
        PROD,
        "notifications",
        {
            "critical": {
                "emails": ["b@example.com", "a@example.com"],
                "https_endpoints": ["https://alerts.example.com/sns/prod"],
                "sns_topic_arns": [secops, data_ops],
            },
            "warning": {"emails": ["team@example.com"]},
        },
    )
    topics = resolve(catalogs.load(config), "prod").alarm_topics
    for role in ("central", "api", "data"):
        critical, warning = getattr(topics, role).critical, getattr(topics, role).warning
        assert (critical.severity, warning.severity) == ("critical", "warning")
        assert [(s.protocol, s.endpoint) for s in critical.subscriptions] == [
            ("email", "a@example.com"),
            ("email", "b@example.com"),
            ("https", "https://alerts.example.com/sns/prod"),
        ]
        assert [(s.protocol, s.endpoint) for s in warning.subscriptions] == [("email", "team@example.com")]
        assert warning.additional_alarm_topic_arns == ()
    assert topics.central.critical.additional_alarm_topic_arns == (secops,)
    assert topics.api.critical.additional_alarm_topic_arns == ()
    assert topics.data.critical.additional_alarm_topic_arns == (data_ops,)


def test_every_real_environment_of_the_repository_names_a_critical_target(catalog) -> None:
    for env in ("dev", "staging", "prod"):
        assert catalog.environment(env).notifications.critical.count > 0, env
        assert catalog.environment(env).notifications.warning.count > 0, env


# -- properties -------------------------------------------------------------------------------------------

HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){1,3}", fullmatch=True)
PATH = st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,4}", fullmatch=True)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(host=HOST, path=PATH)
def test_any_https_url_with_a_host_is_accepted(host: str, path: str) -> None:
    assert https_endpoint_problem(f"https://{host}{path}") is None


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    scheme=st.sampled_from(["http", "ftp", "HTTP", "wss", ""]),
    host=HOST,
    path=PATH,
    credentials=st.sampled_from(["", "user@", "user:pw@"]),
)
def test_no_other_scheme_and_no_credentials_pass(scheme: str, host: str, path: str, credentials: str) -> None:
    url = f"{scheme}://{credentials}{host}{path}" if scheme else f"{credentials}{host}{path}"
    https = f"https://{credentials}{host}{path}"
    assert https_endpoint_problem(url) is not None
    assert (https_endpoint_problem(https) is None) == (credentials == "")


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["a@example.com", "b@example.com", "A@example.com", "c@example.org"]), max_size=6))
def test_an_address_is_accepted_once_whatever_its_case(addresses: list[str]) -> None:
    distinct = {a.lower() for a in addresses}
    try:
        targets = SeverityTargets(emails=addresses)
    except ValueError:
        assert len(distinct) < len(addresses)
    else:
        assert len(distinct) == len(addresses) and targets.count == len(addresses)


SLACK_ID_TAIL = st.from_regex(r"[A-Z0-9]{8,20}", fullmatch=True)


@settings(max_examples=200)
@given(team=st.sampled_from("TE"), channel=st.sampled_from("CG"), team_tail=SLACK_ID_TAIL, channel_tail=SLACK_ID_TAIL)
def test_any_slack_workspace_and_channel_id_is_accepted(
    team: str, channel: str, team_tail: str, channel_tail: str
) -> None:
    slack = SlackChannel(name="oncall", slack_team_id=team + team_tail, slack_channel_id=channel + channel_tail)
    assert (slack.slack_team_id, slack.slack_channel_id) == (team + team_tail, channel + channel_tail)


BAD_TAIL = st.one_of(
    SLACK_ID_TAIL.map(str.lower).filter(lambda tail: tail != tail.upper()),  # lower case
    st.from_regex(r"[A-Z0-9]{0,7}", fullmatch=True),  # too short
    st.from_regex(r"[A-Z0-9]{21,30}", fullmatch=True),  # too long
    st.from_regex(r"[A-Z0-9]{4}[-_. #][A-Z0-9]{4,8}", fullmatch=True),  # not letters and digits only
)


@settings(max_examples=200)
@given(
    field=st.sampled_from(["slack_team_id", "slack_channel_id"]),
    value=st.one_of(
        # a tail that starts with a digit, so that no prefix (not even "") makes a valid ID of it
        st.tuples(
            st.sampled_from(["#", "D", "U", "W", "t", "c", ""]), st.from_regex(r"[0-9][A-Z0-9]{7,19}", fullmatch=True)
        ).map("".join),
        st.tuples(st.sampled_from(["T", "C"]), BAD_TAIL).map("".join),
    ),
)
def test_no_other_slack_id_passes(field: str, value: str) -> None:
    """A channel's #name, a DM (D) or user (U, W) ID, lower case, or a too short or long ID is refused."""
    ids = {"slack_team_id": "T0123456789", "slack_channel_id": "C0123456789", field: value}
    with pytest.raises(ValueError):
        SlackChannel(name="oncall", **ids)
