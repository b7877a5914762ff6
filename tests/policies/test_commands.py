"""`platformctl policy ...`: planted violations fail with the right id; the clean plan passes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from platformctl.errors import PlatformError
from platformctl.policy import commands, plan_rules
from tests.policies.conftest import FIXTURES, requires_checkov


def _invoke(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(commands.group, list(args))
    return result.exit_code, result.output, result.exception


def test_plan_rules_fail_on_a_planted_violation(tmp_path: Path) -> None:
    code, output, exception = _invoke("plan-rules", "--plan", str(FIXTURES / "PLAT_PLAN_4" / "plan.json"),
                                      "--out", str(tmp_path))
    assert code != 0 and isinstance(exception, PlatformError)
    assert "PLAT_PLAN_4" in output and "aws_sqs_queue.fail_no_dlq" in output
    assert (tmp_path / "summary.md").read_text().startswith("# Policy gate: FAILED")
    assert (tmp_path / "plan-rules-PLAT_PLAN_4.junit.xml").exists()
    assert (tmp_path / "plan-rules-PLAT_PLAN_4.sarif").exists()


def test_plan_rules_pass_on_the_clean_plan(tmp_path: Path) -> None:
    code, output, exception = _invoke("plan-rules", "--plan", str(FIXTURES / "PLAT_PLAN_clean" / "plan.json"),
                                      "--out", str(tmp_path))
    assert code == 0, (output, exception)
    assert f"ok   plan-rules:PLAT_PLAN_clean: {len(plan_rules.RULES)} passed, 0 failed" in output
    assert "policy gate passed" in output


def test_missing_plans_are_a_usage_error(tmp_path: Path) -> None:
    code, _, exception = _invoke("run", "--no-hcl", "--plan", str(tmp_path / "nope.json"), "--out", str(tmp_path))
    assert code != 0 and "plan JSON not found" in str(exception)


@requires_checkov
def test_run_fails_with_the_custom_check_id_and_writes_every_report(tmp_path: Path) -> None:
    """The whole gate (skip validator, checkov with built-in and custom checks, plan rules) on a planted plan."""
    code, output, exception = _invoke("run", "--no-hcl", "--plan", str(FIXTURES / "CKV_PLAT_21" / "plan.json"),
                                      "--out", str(tmp_path))
    assert code != 0 and isinstance(exception, PlatformError)
    assert "CKV_PLAT_21" in output and "aws_sqs_queue.fail_no_key" in output
    assert "ok   skip-comments" in output
    assert "FAIL checkov-plan:CKV_PLAT_21" in output
    summary = (tmp_path / "summary.md").read_text()
    assert "CKV_PLAT_21" in summary and "PLAT_PLAN_4" in summary  # fail_no_key also has no DLQ
    for name in ("results_junitxml.xml", "results_sarif.sarif", "results_cli.txt", "checkov.log"):
        assert (tmp_path / "checkov-plan-CKV_PLAT_21" / name).exists(), name
