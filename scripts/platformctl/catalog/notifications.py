"""Who hears an alarm: the `notifications` block of config/environments/<name>.yaml.

Targets are listed per severity. Every alarm topic of the environment (one per account role and
severity) gets that severity's targets: e-mail and HTTPS endpoints become SNS subscriptions, and
existing SNS topics become extra alarm actions (SNS cannot subscribe a topic to a topic, but an
alarm may notify several topics), and Slack channels become AWS Chatbot channel configurations that
list the topic (one per account, so the Slack workspace must be authorised in each account).
Cross-file checks (ARNs in the environment's partition, Region and platform accounts; a real
environment names a critical target; no Slack channel on the emulator) are in catalog.rules.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import EmailStr, Field, field_validator, model_validator

from platformctl.catalog.base import CatalogModel, pattern_str, repeated

SEVERITIES = ("critical", "warning")

SnsTopicArn = pattern_str(
    r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$",
    "an SNS topic ARN: arn:aws:sns:<region>:<12-digit account>:<topic name> (standard topics; no FIFO)",
)


def https_endpoint_problem(url: str) -> str | None:
    """Why `url` is not an endpoint SNS may deliver alarms to over TLS, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "must start with https:// (SNS would deliver alarms in clear text over http)"
    if not parts.hostname:
        return "has no host name after https://"
    if parts.username is not None or parts.password is not None:
        return "carries credentials (user:password@); they would land in state and plan artifacts"
    if any(ch.isspace() for ch in url):
        return "contains white space"
    return None


SlackChannelName = pattern_str(
    r"^[a-z0-9][a-z0-9_-]{0,39}$",
    "1-40 lower-case letters, digits, '-' or '_', starting with a letter or digit (it becomes part of the "
    "Chatbot configuration name)",
)
SlackTeamId = pattern_str(
    r"^[TE][A-Z0-9]{8,20}$",
    "a Slack workspace ID such as T0123456789 (a T, or an E for an Enterprise Grid organisation, then 8-20 "
    "upper-case letters or digits, shown in the AWS Chatbot console once the workspace is authorised)",
)
SlackChannelId = pattern_str(
    r"^[CG][A-Z0-9]{8,20}$",
    "a Slack channel ID such as C0123456789 (a C for a public or G for an old private channel, then 8-20 "
    "upper-case letters or digits; Slack shows it under the channel's details), not the channel's #name",
)


class SlackChannel(CatalogModel):
    """A Slack channel that AWS Chatbot posts the alarms to. Chatbot can post only to a workspace that an
    administrator authorised once in the AWS Chatbot console of each of the environment's accounts
    (central, api, data); Terraform cannot do that OAuth step, and the apply fails until it is done."""

    name: SlackChannelName = Field(
        description="Short label of the channel (e.g. platform-oncall); names the Chatbot configuration "
        "<env>-<role>-<severity>-<name> in each account."
    )
    slack_team_id: SlackTeamId = Field(
        description="ID of the Slack workspace (T...), authorised once in the AWS Chatbot console of each of the "
        "environment's accounts before the first apply."
    )
    slack_channel_id: SlackChannelId = Field(
        description="ID of the channel (C...); invite the AWS Chatbot app (/invite @aws) to a private channel."
    )


class SeverityTargets(CatalogModel):
    """Where one severity's alarms go. Any mix; an empty block means nobody hears them."""

    emails: list[EmailStr] = Field(
        default=[], description="Addresses subscribed by e-mail; each must confirm once before it receives anything."
    )
    https_endpoints: list[str] = Field(
        default=[],
        description="HTTPS URLs subscribed with protocol https (e.g. an incident tool's SNS integration URL).",
    )
    sns_topic_arns: list[SnsTopicArn] = Field(
        default=[],
        description="Existing SNS topics in one of the environment's platform accounts and its Region; the alarms "
        "of that account notify them in addition to the platform topic.",
    )
    slack_channels: list[SlackChannel] = Field(
        default=[],
        description="Slack channels AWS Chatbot posts these alarms to ({name, slack_team_id, slack_channel_id}). "
        "The Slack workspace must have been authorised once in the AWS Chatbot console of each of the environment's "
        "accounts; real AWS only (the emulator has no Chatbot).",
    )

    @field_validator("https_endpoints")
    @classmethod
    def _https_only(cls, urls: list[str]) -> list[str]:
        for index, url in enumerate(urls):
            problem = https_endpoint_problem(url)
            if problem is not None:
                raise ValueError(f"https_endpoints[{index}] {url!r} {problem}")
        return urls

    @model_validator(mode="after")
    def _no_repeats(self) -> SeverityTargets:
        for field in ("emails", "https_endpoints", "sns_topic_arns"):
            values = [str(v).lower() if field == "emails" else str(v) for v in getattr(self, field)]
            if twice := repeated(values):
                raise ValueError(f"{field}: {', '.join(twice)} listed more than once")
        if twice := repeated([channel.name for channel in self.slack_channels]):
            raise ValueError(
                f"slack_channels: name {', '.join(twice)} used more than once (it names the configuration)"
            )
        channels = [f"{c.slack_team_id}/{c.slack_channel_id}" for c in self.slack_channels]
        if twice := repeated(channels):
            raise ValueError(f"slack_channels: channel {', '.join(twice)} listed more than once")
        return self

    @property
    def count(self) -> int:
        return len(self.emails) + len(self.https_endpoints) + len(self.sns_topic_arns) + len(self.slack_channels)


class Notifications(CatalogModel):
    """Alarm targets by severity. Real environments must name at least one critical target."""

    critical: SeverityTargets = Field(
        default=SeverityTargets(), description="Targets of alarms that need someone now (data loss, outage)."
    )
    warning: SeverityTargets = Field(
        default=SeverityTargets(), description="Targets of alarms that need attention within working hours."
    )

    def targets(self, severity: str) -> SeverityTargets:
        return getattr(self, severity)
