"""CRITICAL checks are skipped only with a reviewed, unexpired allow-list entry; every skip is reported."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from platformctl.policy import allowlist
from platformctl.policy import checkov as gate_checkov
from platformctl.policy.report import markdown_summary
from platformctl.policy.skips import validate
from tests.policies.conftest import FIXTURES, requires_checkov

TODAY = dt.date(2026, 12, 3)
SEVERITIES = {"CKV_PLAT_17": "CRITICAL", "CKV_PLAT_20": "MEDIUM"}
MODULE_TF = (
    'resource "aws_s3_bucket_public_access_block" "fail_policy_allowed" {\n'
    "  #checkov:skip=CKV_PLAT_17:this bucket serves a public website by design\n"
    '  bucket = "fail-policy"\n'
    "}\n"
    'resource "aws_cloudwatch_log_group" "forever" {\n'
    "  #checkov:skip=CKV_PLAT_20:audit trail kept forever by regulation XYZ-12\n"
    "}\n"
)


def _entry(path: str, **overrides: str) -> str:
    fields = {"check": "CKV_PLAT_17", "file": path, "resource": "aws_s3_bucket_public_access_block.fail_policy_allowed",
              "owner": "team-web", "expires": "2027-01-31", "reason": "public website bucket reviewed in SEC-42"}
    fields.update(overrides)
    return "  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items() if v != "-") + "\n"


def _tree(tmp_path: Path, *entries: str) -> tuple[Path, Path, allowlist.AllowList]:
    module = tmp_path / "modules" / "site"
    module.mkdir(parents=True, exist_ok=True)
    (module / "main.tf").write_text(MODULE_TF)
    listing = tmp_path / "skip-allowlist.yaml"
    listing.write_text("entries:\n" + "".join(entries) if entries else "entries: []\n")
    config = tmp_path / ".checkov.yaml"
    config.write_text("framework: [terraform]\n")
    return module, config, allowlist.load(listing, today=TODAY, severities=SEVERITIES, root=tmp_path)


def test_the_repository_allowlist_is_valid() -> None:
    listing = allowlist.load()
    assert listing.problems == []


def test_custom_check_severities_are_read_from_the_check_sources() -> None:
    severities = allowlist.custom_check_severities()
    assert severities["CKV_PLAT_2"] == "CRITICAL" and severities["CKV_PLAT_23"] == "CRITICAL"
    assert severities["CKV_PLAT_20"] == "MEDIUM"


def test_a_critical_skip_without_an_entry_fails_with_file_and_line(tmp_path: Path) -> None:
    module, config, listing = _tree(tmp_path)
    gate = validate([tmp_path / "modules"], config, allow=listing, severities=SEVERITIES)
    assert [(f.rule_id, f.severity, f.file, f.line) for f in gate.findings] == [
        ("PLAT_SKIP_2", "CRITICAL", str(module / "main.tf"), 2)]
    assert "resource: aws_s3_bucket_public_access_block.fail_policy_allowed" in gate.findings[0].message
    # Every skip comment is reported with its reason, the non-CRITICAL one too.
    assert sorted((s.rule_id, s.resource, s.reason) for s in gate.skips) == [
        ("CKV_PLAT_17", "aws_s3_bucket_public_access_block.fail_policy_allowed",
         "this bucket serves a public website by design"),
        ("CKV_PLAT_20", "aws_cloudwatch_log_group.forever", "audit trail kept forever by regulation XYZ-12"),
    ]


def test_an_entry_for_the_same_check_file_and_block_allows_the_skip(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "site" / "main.tf"
    _, config, listing = _tree(tmp_path, _entry(str(module)))
    assert listing.problems == [] and len(listing.entries) == 1
    gate = validate([tmp_path / "modules"], config, allow=listing, severities=SEVERITIES)
    assert gate.findings == []
    reason = next(s.reason for s in gate.skips if s.rule_id == "CKV_PLAT_17")
    assert reason == ("this bucket serves a public website by design (allow-listed for team-web until 2027-01-31: "
                      "public website bucket reviewed in SEC-42)")


def test_an_entry_for_another_block_does_not_count_and_is_reported_unused(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "site" / "main.tf"
    _, config, listing = _tree(tmp_path, _entry(str(module), resource="aws_s3_bucket_public_access_block.other"))
    gate = validate([tmp_path / "modules"], config, allow=listing, severities=SEVERITIES)
    assert sorted((f.rule_id, f.line) for f in gate.findings) == [("PLAT_SKIP_2", 2), ("PLAT_SKIP_2", 2)]
    unused = next(f for f in gate.findings if f.resource == "skip-allowlist")
    assert "matches no checkov:skip comment" in unused.message and unused.file == str(tmp_path / "skip-allowlist.yaml")


@pytest.mark.parametrize(("overrides", "line", "problem"), [
    ({"expires": "2026-12-02"}, 6,
     "entry for CKV_PLAT_17 on aws_s3_bucket_public_access_block.fail_policy_allowed expired on 2026-12-02"),
    ({"expires": "soon"}, 6, "expires 'soon' is not a date"),
    ({"owner": "-"}, 2, "entry is missing owner"),
    ({"check": "CKV_PLAT_20"}, 2, "CKV_PLAT_20 is MEDIUM, not CRITICAL"),
    ({"check": "CKV_AWS_1"}, 2, "CKV_AWS_1 is not a custom check"),
    ({"file": "modules/nowhere.tf"}, 3, "file modules/nowhere.tf does not exist"),
    ({"resource": "fail_policy_allowed"}, 4, "resource 'fail_policy_allowed' is not TYPE.NAME"),
    ({"reason": "because"}, 7, "reason 'because' is too short"),
    ({"ticket": "SEC-42"}, 8, "unknown key(s) ticket"),
])
def test_bad_entries_are_named_with_their_line(tmp_path: Path, overrides: dict[str, str], line: int,
                                               problem: str) -> None:
    module = tmp_path / "modules" / "site" / "main.tf"
    _, config, listing = _tree(tmp_path, _entry(str(module), **overrides))
    assert listing.entries == []
    assert [(n, m[: len(problem)]) for n, m in listing.problems] == [(line, problem)]
    gate = validate([tmp_path / "modules"], config, allow=listing, severities=SEVERITIES)
    assert ("PLAT_SKIP_2", str(tmp_path / "skip-allowlist.yaml"), line) in {(f.rule_id, f.file, f.line)
                                                                           for f in gate.findings}


def test_duplicates_invalid_yaml_and_a_wrong_shape_are_errors(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "site" / "main.tf"
    _, _, listing = _tree(tmp_path, _entry(str(module)), _entry(str(module)))
    assert listing.problems == [(8, "duplicate of the entry on line 2")]
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries:\n  - check: [unclosed\n")
    [(line, message)] = allowlist.load(broken, today=TODAY, severities=SEVERITIES).problems
    assert line == 3 and message.startswith("not valid YAML")
    broken.write_text("- check: CKV_PLAT_17\n")
    assert allowlist.load(broken, today=TODAY, severities=SEVERITIES).problems == [
        (1, "expected `entries:` with a list of entries")]


def test_block_names_drop_modules_and_instance_keys() -> None:
    assert allowlist.block_name('module.a["x.y"].aws_s3_bucket.this["k"]') == "aws_s3_bucket.this"
    assert allowlist.block_name("data.aws_iam_policy_document.doc") == "data.aws_iam_policy_document.doc"


def test_the_summary_lists_every_skip_with_its_reason(tmp_path: Path) -> None:
    _, config, listing = _tree(tmp_path)
    gate = validate([tmp_path / "modules"], config, allow=listing, severities=SEVERITIES)
    summary = markdown_summary([gate])
    assert "## Inline skips" in summary
    assert "| CKV_PLAT_20 | `aws_cloudwatch_log_group.forever` |" in summary
    assert "audit trail kept forever by regulation XYZ-12" in summary


def _plan_tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "envs" / "critical"
    root.mkdir(parents=True)
    (root / "main.tf").write_text(MODULE_TF)
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(json.loads((FIXTURES / "CKV_PLAT_17" / "plan.json").read_text())))
    return root, plan_path


@requires_checkov
def test_the_plan_gate_keeps_an_unlisted_critical_skip_as_a_finding(tmp_path: Path) -> None:
    root, plan_path = _plan_tree(tmp_path)
    empty = allowlist.AllowList(tmp_path / "none.yaml")
    gate = gate_checkov.plan_gate(plan_path, tmp_path / "out", "critical", root_dir=root, checks=["CKV_PLAT_17"],
                                  approval=gate_checkov.SkipApproval(empty))
    flagged = {(f.rule_id, f.severity, f.resource) for f in gate.findings}
    assert ("CKV_PLAT_17", "CRITICAL", "aws_s3_bucket_public_access_block.fail_policy_allowed") in flagged
    assert gate.skips == []
    listed = allowlist.AllowList(tmp_path / "list.yaml", entries=[allowlist.AllowEntry(
        "CKV_PLAT_17", str(root / "main.tf"), "aws_s3_bucket_public_access_block.fail_policy_allowed", "team-web",
        dt.date(2027, 1, 31), "public website bucket reviewed in SEC-42", 2)])
    gate = gate_checkov.plan_gate(plan_path, tmp_path / "out2", "critical", root_dir=root, checks=["CKV_PLAT_17"],
                                  approval=gate_checkov.SkipApproval(listed))
    assert "aws_s3_bucket_public_access_block.fail_policy_allowed" not in {f.resource for f in gate.findings}
    assert [(s.rule_id, s.reason.split(" (")[0]) for s in gate.skips] == [
        ("CKV_PLAT_17", "this bucket serves a public website by design")]
