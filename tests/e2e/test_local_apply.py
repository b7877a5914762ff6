"""envs/local end to end: apply to a fresh emulator, verify in each account, re-plan clean, destroy."""

from __future__ import annotations

import pytest

from platformctl import localenv

pytestmark = pytest.mark.e2e


def test_second_plan_reports_no_changes(local_platform) -> None:
    runner = local_platform.runner
    code = runner.plan(runner.build / "replan.tfplan", extra=localenv.EMULATOR_VARS, detailed_exitcode=True)
    assert code == 0, "a second plan after apply must be empty (see build/.../replan.json for the diff)"


def test_alarm_topics_exist_in_the_account_of_their_role(local_platform, catalog) -> None:
    accounts = catalog.environment("local").accounts
    topics = local_platform.outputs["alarm_topic_arns"]
    for role in ("central", "api", "data"):
        account = getattr(accounts, role)
        assert topics[role].split(":")[4] == account
        sns = local_platform.access.client(account, "sns")
        listed = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
        assert topics[role] in listed
        assert sns.get_topic_attributes(TopicArn=topics[role])["Attributes"]["KmsMasterKeyId"].startswith("arn:")


def test_every_left_out_resource_has_a_recorded_reason(local_platform) -> None:
    summary = localenv.summarise(local_platform.reference_plan, local_platform.emulator_plan)
    unexplained = [a for a, reason in summary.left_out.items() if "no reason recorded" in reason]
    assert unexplained == []
