"""The GitLab terraform report and the Markdown plan summary, from a plan JSON with every kind of change."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from platformctl.ci import gitlab_report
from platformctl.ci.commands import group
from platformctl.errors import UsageError
from platformctl.planjson import Plan

FIXTURE = Path(__file__).parent / "fixtures" / "plan_actions.json"


@pytest.fixture
def plan() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def offline(plan: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(plan)
    document["configuration"]["provider_config"]["aws.data"] = {
        "name": "aws",
        "alias": "data",
        "expressions": {"endpoints": [{"s3": {"constant_value": "http://127.0.0.1:5000"}}]},
    }
    return document


def test_report_counts_replace_as_create_and_delete_and_ignores_read_noop_forget(plan: dict[str, Any]) -> None:
    # create 1 + 2 replaces; update 1; delete 1 + 2 replaces. read, no-op and forget count nowhere.
    assert gitlab_report.terraform_report(plan) == {"create": 3, "update": 1, "delete": 3}


def test_report_of_an_empty_plan_is_all_zero() -> None:
    empty = {"format_version": "1.2", "resource_changes": []}
    assert gitlab_report.terraform_report(empty) == {"create": 0, "update": 0, "delete": 0}
    assert (
        gitlab_report.dump_report(gitlab_report.terraform_report(empty)) == '{"create": 0, "delete": 0, "update": 0}\n'
    )


def test_digest_classifies_every_kind(plan: dict[str, Any]) -> None:
    info = gitlab_report.digest(plan)
    assert info.counts == {"create": 1, "update": 1, "replace": 2, "delete": 1, "forget": 1, "read": 1, "no-op": 1}
    assert [c.address for c in info.of_kind("replace")] == [
        "aws_kms_key.swapped",
        "aws_lambda_function.create_before_destroy",
    ]
    assert [c.address for c in info.drift] == ["aws_sqs_queue.changed"]
    assert info.outputs == {"bucket_arn": "create"}
    assert info.pending and not info.offline and not info.errored


@pytest.mark.parametrize("actions", [["create", "update"], ["bogus"], []])
def test_unknown_actions_are_an_error_not_a_silent_zero(actions: list[str]) -> None:
    with pytest.raises(gitlab_report.PlanFileError, match="unknown change actions"):
        gitlab_report.kind_of(actions)


def test_markdown_summary_lists_changes_outputs_drift_and_policy(plan: dict[str, Any]) -> None:
    policy = "# Policy summary\n\n**0 findings** in 4 plans.\n"
    markdown = gitlab_report.plan_summary_markdown("dev", plan, policy_summary=policy, job_url="https://ci/job/7")
    assert markdown.startswith("# Terraform plan: `dev`\n")
    assert "**Plan:** 3 to add, 1 to change, 3 to destroy (2 of them replaced, 1 to forget)." in markdown
    assert "| to replace (destroy and re-create) | 2 |" in markdown
    assert "| `-/+` | `aws_kms_key.swapped` | `aws_kms_key` |" in markdown
    assert "| `+` | `module.platform.aws_s3_bucket.new` | `aws_s3_bucket` |" in markdown
    assert "aws_sns_topic.same" not in markdown.split("## Changed outside")[0]  # no-op is not listed
    assert "| `bucket_arn` | create |" in markdown and "`unchanged`" not in markdown
    assert "## Changed outside of Terraform" in markdown
    assert "## Policy\n\n## Policy summary\n\n**0 findings** in 4 plans." in markdown  # demoted one level
    assert markdown.rstrip().endswith("Terraform 1.11.4 · [job log](https://ci/job/7)")
    assert "OFFLINE" not in markdown


def test_markdown_of_a_plan_without_changes() -> None:
    markdown = gitlab_report.plan_summary_markdown(
        "prod",
        {
            "format_version": "1.2",
            "resource_changes": [
                {"address": "aws_sns_topic.same", "type": "aws_sns_topic", "change": {"actions": ["no-op"]}}
            ],
        },
    )
    assert "**No changes.** AWS matches the code." in markdown
    assert "<details>" not in markdown


def test_offline_plans_are_flagged(plan: dict[str, Any]) -> None:
    assert Plan(offline(plan)).offline
    assert "Planned **OFFLINE**" in gitlab_report.plan_summary_markdown("dev", offline(plan))
    # local is the emulator env by definition: no warning there
    assert "OFFLINE" not in gitlab_report.plan_summary_markdown("local", offline(plan))


def test_a_pipe_in_an_address_does_not_break_the_table() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": 'aws_sqs_queue.q["a|b"]', "type": "aws_sqs_queue", "change": {"actions": ["create"]}}
        ],
    }
    assert '| `+` | `aws_sqs_queue.q["a\\|b"]` | `aws_sqs_queue` |' in gitlab_report.plan_summary_markdown("dev", plan)


def test_load_plan_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no plan JSON"):
        gitlab_report.load_plan(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(gitlab_report.PlanFileError, match="is not JSON"):
        gitlab_report.load_plan(tmp_path / "bad.json")
    with pytest.raises(gitlab_report.PlanFileError, match="not a plan JSON document"):
        gitlab_report.digest({"hello": "world"})


# -- the CLI edge ------------------------------------------------------------------------------------
def invoke(*args: str) -> Any:
    return CliRunner().invoke(group, list(args))


def test_cli_terraform_report_and_plan_summary(tmp_path: Path) -> None:
    report, summary, policy = tmp_path / "report.json", tmp_path / "plan.md", tmp_path / "policy.md"
    policy.write_text("# Policy\nall clear\n", encoding="utf-8")
    result = invoke("terraform-report", "dev", "--plan", str(FIXTURE), "--out", str(report))
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text()) == {"create": 3, "update": 1, "delete": 3}
    result = invoke(
        "plan-summary", "dev", "--plan", str(FIXTURE), "--out", str(summary), "--policy-summary", str(policy)
    )
    assert result.exit_code == 0, result.output
    assert "all clear" in summary.read_text()


def test_cli_rejects_unknown_env_and_missing_policy(tmp_path: Path) -> None:
    assert invoke("terraform-report", "qa", "--plan", str(FIXTURE)).exit_code != 0
    result = invoke(
        "plan-summary",
        "dev",
        "--plan",
        str(FIXTURE),
        "--out",
        str(tmp_path / "x.md"),
        "--policy-summary",
        str(tmp_path / "none.md"),
    )
    assert result.exit_code != 0 and "no policy summary" in str(result.exception)


def test_apply_check_refuses_offline_and_errored_plans(tmp_path: Path, plan: dict[str, Any]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(offline(plan)), encoding="utf-8")
    result = invoke("apply-check", "prod", "--plan", str(path))
    assert result.exit_code != 0 and "made OFFLINE" in str(result.exception)
    path.write_text(json.dumps({**plan, "errored": True}), encoding="utf-8")
    result = invoke("apply-check", "prod", "--plan", str(path))
    assert result.exit_code != 0 and "errored" in str(result.exception)
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = invoke("apply-check", "prod", "--plan", str(path))
    assert result.exit_code == 0, result.output
    assert "apply candidate OK" in result.output
