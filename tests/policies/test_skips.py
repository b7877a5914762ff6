"""Every skip is inline, names its check and gives a reason; plan findings honour skips in the declaring block."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from platformctl.paths import ENVS_DIR, MODULES_DIR, ROOT
from platformctl.policy import checkov as gate_checkov
from platformctl.policy.planindex import PlanIndex
from platformctl.policy.skips import config_problems, parse_skip_comments, validate
from tests.policies.conftest import FIXTURES, requires_checkov


@pytest.mark.parametrize(("line", "problem"), [
    ("  #checkov:skip=CKV_AWS_117:Lambda runs outside a VPC by design", None),
    ("  # checkov:skip=CKV_AWS_18,CKV2_AWS_62:log bucket of the log bucket would recurse", None),
    ("  // bridgecrew:skip=CKV_AWS_144:cross-region replication is out of scope here", None),
    ("  #checkov:skip=CKV_AWS_117", "gives no reason"),
    ("  #checkov:skip=CKV_AWS_117:", "gives no reason"),
    ("  #checkov:skip=CKV_AWS_117: TODO", "gives a placeholder reason 'TODO'"),
    ("  #checkov:skip=CKV_AWS_117:not needed", "reason 'not needed' is too short"),
    ("  #checkov:skip=:because reasons are fine here", "names no check id"),
    ("  #checkov:skip=aws-117:because reasons are fine here", "malformed check id aws-117"),
])
def test_skip_comments(line: str, problem: str | None) -> None:
    [comment] = parse_skip_comments([line])
    if problem is None:
        assert comment.reason_ok and comment.check_ids
    else:
        assert comment.problem is not None and comment.problem.startswith(problem)


def test_the_validator_reports_file_and_line(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "m"
    module.mkdir(parents=True)
    (module / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  #checkov:skip=CKV_AWS_27\n  name = "q"\n}\n'
                                    'resource "aws_sqs_queue" "r" {\n'
                                    "  #checkov:skip=CKV_AWS_27:queue encrypted with the module's own CMK\n}\n")
    (tmp_path / "modules" / "m" / ".terraform").mkdir()
    (tmp_path / "modules" / "m" / ".terraform" / "x.tf").write_text("#checkov:skip=CKV_AWS_1\n")
    config = tmp_path / ".checkov.yaml"
    config.write_text("framework: [terraform]\n")
    gate = validate([tmp_path / "modules"], config)
    assert [(f.rule_id, f.resource, f.file, f.line) for f in gate.findings] == [
        ("PLAT_SKIP_1", "CKV_AWS_27", str(module / "main.tf"), 2)]
    assert gate.passed == 1 and gate.errors == []


def test_the_repo_config_has_no_escape_hatches(tmp_path: Path) -> None:
    assert config_problems(gate_checkov.CONFIG_FILE) == []
    bad = tmp_path / ".checkov.yaml"
    bad.write_text("skip-check: [CKV_AWS_1]\nsoft-fail: true\n")
    assert len(config_problems(bad)) == 2


def test_the_repository_itself_has_no_unreasoned_skips() -> None:
    gate = validate([MODULES_DIR, ENVS_DIR], gate_checkov.CONFIG_FILE)
    assert gate.findings == [], "\n".join(f"{f.location}: {f.message}" for f in gate.findings)


def _skip_tree(tmp_path: Path, reason: str) -> tuple[Path, Path]:
    """A root whose log group (retention 0) carries a skip comment, and a plan of it."""
    root = tmp_path / "envs" / "skipdemo"
    root.mkdir(parents=True)
    (root / "main.tf").write_text(
        'resource "aws_cloudwatch_log_group" "fail_forever" {\n'
        f"  #checkov:skip=CKV_PLAT_20:{reason}\n"
        '  name              = "forever"\n  retention_in_days = 0\n}\n')
    plan = json.loads((FIXTURES / "CKV_PLAT_20" / "plan.json").read_text())
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    return root, plan_path


def test_a_reasoned_skip_in_the_declaring_block_is_found_for_plan_resources(tmp_path: Path) -> None:
    root, plan_path = _skip_tree(tmp_path, "audit trail kept forever by regulation XYZ-12")
    index = PlanIndex.load(plan_path, root_dir=root)
    resource = index.resources["aws_cloudwatch_log_group.fail_forever"]
    assert gate_checkov._inline_skip_reason(index, resource, "CKV_PLAT_20") == \
        "audit trail kept forever by regulation XYZ-12"
    assert gate_checkov._inline_skip_reason(index, resource, "CKV_PLAT_19") is None
    root, plan_path = _skip_tree(tmp_path / "bad", "todo")
    index = PlanIndex.load(plan_path, root_dir=root)
    assert gate_checkov._inline_skip_reason(index, index.resources["aws_cloudwatch_log_group.fail_forever"],
                                            "CKV_PLAT_20") is None


@requires_checkov
def test_the_plan_gate_turns_a_skipped_failure_into_a_skip(tmp_path: Path) -> None:
    root, plan_path = _skip_tree(tmp_path, "audit trail kept forever by regulation XYZ-12")
    gate = gate_checkov.plan_gate(plan_path, tmp_path / "out", "skipdemo", root_dir=root, checks=["CKV_PLAT_20"])
    assert gate.findings == [] and gate.errors == []
    assert [(s.rule_id, s.resource, s.reason, s.line) for s in gate.skips] == [
        ("CKV_PLAT_20", "aws_cloudwatch_log_group.fail_forever", "audit trail kept forever by regulation XYZ-12", 1)]
    assert gate.passed == 1


def test_stray_checkov_configs_in_scanned_directories_are_found(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".checkov.yaml", tmp_path / ".checkov.yml")
    assert gate_checkov.stray_configs([tmp_path]) == [tmp_path / ".checkov.yml"]
    gate = gate_checkov.hcl_gate([tmp_path], tmp_path / "out")
    assert not gate.ok and "stray checkov config" in gate.errors[0]
