"""checkov 3.3.30 drops crashing checks from its results and exits 0: the gate must notice and fail."""

from __future__ import annotations

from pathlib import Path

from platformctl.policy.checkov import parse_log, parse_report, plan_gate
from tests.policies.conftest import DATA, requires_checkov


def test_a_captured_crash_log_names_the_dropped_checks() -> None:
    dropped, errors = parse_log((DATA / "checkov-crash.log").read_text())
    assert sorted(d.check_id for d in dropped) == ["CKV_AWS_240", "CKV_AWS_241"]
    assert all(d.where == "/plan.json:aws_kinesis_firehose_delivery_stream.events" for d in dropped)
    assert "crashed" in str(dropped[0])
    assert errors == []  # the tracebacks belong to the dropped checks, not reported twice


def test_other_errors_and_load_failures_are_gate_errors() -> None:
    log = "\n".join([
        "2026-01-01 10:00:00,000 [MainThread  ] [ERROR]  Template file not found: x.tf",
        "2026-01-01 10:00:00,000 [MainThread  ] [WARNI]  Failed to parse check id 'CKV2_PLAT_9' from file x.yaml",
        "2026-01-01 10:00:00,000 [MainThread  ] [WARNI]  Code block execution exceeded 10 seconds timeout",
        "2026-01-01 10:00:00,000 [MainThread  ] [INFO ]  loading x.yaml",
    ])
    dropped, errors = parse_log(log)
    assert dropped == []
    assert errors == ["checkov error: Template file not found: x.tf",
                      "a check failed to load: 2026-01-01 10:00:00,000 [MainThread  ] [WARNI]  Failed to parse check "
                      "id 'CKV2_PLAT_9' from file x.yaml"]


def test_the_three_json_shapes_of_checkov_are_read() -> None:
    assert parse_report('{"passed": 0, "failed": 0, "resource_count": 0}') == ([], [], 0)
    single = '{"check_type": "terraform_plan", "results": {"failed_checks": [{"check_id": "CKV_X_1", ' \
             '"resource": "aws_a.b", "file_abs_path": "/p.json", "file_line_range": [1, 2]}], ' \
             '"parsing_errors": ["/bad.tf"]}, "summary": {"resource_count": 3}}'
    records, errors, count = parse_report(single)
    assert [(r.check_id, r.result, r.resource, r.lines) for r in records] == [("CKV_X_1", "FAILED", "aws_a.b", (1, 2))]
    assert errors == ["/bad.tf"] and count == 3
    records, _, count = parse_report(f"[{single}, {single}]")
    assert len(records) == 2 and count == 6


@requires_checkov
def test_the_plan_gate_fails_on_the_live_crash(tmp_path: Path) -> None:
    gate = plan_gate(DATA / "crash-plan.json", tmp_path / "out", "crash", checks=["CKV_AWS_240", "CKV_AWS_241"])
    assert not gate.ok
    assert gate.findings == []  # checkov reported nothing: without the detector this would pass
    assert sorted(e.split()[2] for e in gate.errors) == ["CKV_AWS_240", "CKV_AWS_241"]
    assert (tmp_path / "out" / "checkov.log").read_text().count("Failed to run check") == 2
