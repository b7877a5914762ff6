"""The Markdown summary, JUnit XML and SARIF are well formed and carry every finding."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from platformctl.policy import plan_rules, report
from platformctl.policy.model import Finding, GateResult, Skip
from platformctl.policy.planindex import PlanIndex
from tests.policies.conftest import FIXTURES

RULES = [(r.id, r.title, r.severity) for r in plan_rules.RULES]


def _gates() -> list[GateResult]:
    fixture = FIXTURES / "PLAT_PLAN_1"
    rules = plan_rules.evaluate(PlanIndex.load(fixture / "plan.json", root_dir=fixture, label="demo"))
    checkov_gate = GateResult(source="checkov-plan:demo", passed=7, findings=[
        Finding("CKV_PLAT_17", "CRITICAL", "aws_s3_bucket_public_access_block.x", "not true: block_public_policy",
                "checkov-plan:demo", "modules/m/main.tf", 3),
        Finding("CKV_AWS_18", "UNRATED", "aws_s3_bucket.x", "S3 access logging | off", "checkov-plan:demo"),
    ], skips=[Skip("CKV_AWS_144", "aws_s3_bucket.x", "single-region by design of the platform", "checkov-plan:demo",
                   "modules/m/main.tf", 1)], errors=["checkov dropped CKV_AWS_240 on /plan.json:aws_x.y"])
    return [checkov_gate, rules]


def test_markdown_groups_findings_by_severity_and_resource() -> None:
    text = report.markdown_summary(_gates())
    assert text.startswith("# Policy gate: FAILED")
    assert text.index("### CRITICAL") < text.index("### HIGH") < text.index("### UNRATED")
    assert "| CKV_PLAT_17 | `aws_s3_bucket_public_access_block.x` | modules/m/main.tf:3 |" in text
    assert "policies/fixtures/PLAT_PLAN_1/main.tf:6" in text
    assert "S3 access logging \\| off" in text  # pipes escaped inside table cells
    assert "## Findings by resource" in text and "## Inline skips" in text
    assert "checkov dropped CKV_AWS_240" in text.split("## Gate errors")[1]
    assert report.markdown_summary([GateResult(source="x", passed=3)]).startswith("# Policy gate: PASSED")


def test_junit_is_valid_xml_with_one_case_per_rule() -> None:
    gate = _gates()[1]
    root = ET.fromstring(report.junit_xml(gate, [(r, t) for r, t, _ in RULES]))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(RULES) == int(suite.get("tests", "0"))
    failing = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name", "").split()[0] for c in failing] == ["PLAT_PLAN_1"]
    assert len(failing[0].findall("failure")) == 3 and suite.get("failures") == "1"
    errors = ET.fromstring(report.junit_xml(_gates()[0], []))
    assert errors.get("errors") == "1" and errors.find("testsuite/testcase/error") is not None


def test_sarif_is_2_1_0_with_rules_results_and_locations() -> None:
    gate = _gates()[1]
    document = json.loads(report.sarif(gate, RULES))
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r for r, _, _ in RULES]
    results = run["results"]
    assert len(results) == 3 and {r["ruleId"] for r in results} == {"PLAT_PLAN_1"}
    located = next(r for r in results if "fail_no_retry" in r["message"]["text"])
    physical = located["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "policies/fixtures/PLAT_PLAN_1/main.tf"},
                        "region": {"startLine": 6}}
    assert located["level"] == "error" and run["invocations"][0]["executionSuccessful"] is True


def test_gate_reports_are_written(tmp_path: Path) -> None:
    paths = report.write_gate_reports(_gates()[1], tmp_path, "plan-rules-demo", RULES)
    assert [p.name for p in paths] == ["plan-rules-demo.junit.xml", "plan-rules-demo.sarif"]
    ET.parse(paths[0])
    json.loads(paths[1].read_text())
