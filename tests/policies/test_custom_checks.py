"""Every custom checkov check passes its pass_* and fails its fail_* fixtures, exactly, in HCL and plan scans."""

from __future__ import annotations

import re

import pytest

from tests.policies.conftest import (
    CHECKS_DIR,
    FIXTURES,
    custom_check_ids,
    expected_names,
    hcl_addresses,
    plan_addresses,
)

CHECK_IDS = custom_check_ids()


def test_the_custom_checks_are_discovered() -> None:
    assert CHECK_IDS[:3] == ["CKV_PLAT_1", "CKV_PLAT_2", "CKV_PLAT_3"]
    assert len(CHECK_IDS) == len(set(CHECK_IDS)) >= 22


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_every_check_has_both_fixtures_with_passing_and_failing_resources(check_id: str) -> None:
    for name, addresses in (("main.tf", hcl_addresses), ("plan.json", plan_addresses)):
        path = FIXTURES / check_id / name
        assert path.is_file(), f"missing fixture {path}"
        passing, failing = expected_names(addresses(path))
        assert passing and failing, f"{path} needs pass_* and fail_* resources"


def test_one_check_per_file_with_one_class() -> None:
    for path in sorted(CHECKS_DIR.glob("plat_*.py")):
        if path.name == "plat_helpers.py":
            assert not re.search(r"^check = ", path.read_text(), re.M)
            continue
        text = path.read_text()
        assert len(re.findall(r"^class \w+\(", text, re.M)) == 1, path
        assert len(re.findall(r'\bid="CKV_PLAT_\d+"', text)) == 1, path
        assert re.search(r"^check = \w+\(\)$", text, re.M), path
        assert "self.severity = Severities[BcSeverities." in text, path


def test_the_readme_lists_every_check_with_its_severity() -> None:
    readme = (CHECKS_DIR.parent / "README.md").read_text()
    for check_id in CHECK_IDS:
        row = re.search(rf"^\| {check_id} \|.*\| (CRITICAL|HIGH|MEDIUM|LOW) \|$", readme, re.M)
        assert row, f"policies/README.md has no row for {check_id}"
        source = next(p.read_text() for p in CHECKS_DIR.iterdir()
                      if p.suffix in (".py", ".yaml") and re.search(rf'\bid\s*[=:]\s*"{check_id}"', p.read_text()))
        declared = re.search(r'(?:BcSeverities\.|severity:\s*")(CRITICAL|HIGH|MEDIUM|LOW)', source)
        assert declared and declared.group(1) == row.group(1), f"{check_id}: README and check disagree on severity"


def test_the_fixture_scan_ran_cleanly(fixture_scan) -> None:  # type: ignore[no-untyped-def]
    assert fixture_scan.dropped == []
    assert fixture_scan.log_errors == []
    assert fixture_scan.parsing_errors == []


@pytest.mark.parametrize("kind", ["hcl", "plan"])
@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_fixture_results_are_exact(check_id: str, kind: str, fixture_results) -> None:  # type: ignore[no-untyped-def]
    path = FIXTURES / check_id / ("main.tf" if kind == "hcl" else "plan.json")
    passing, failing = expected_names(hcl_addresses(path) if kind == "hcl" else plan_addresses(path))
    # HCL results name data sources without the "data." prefix.
    if kind == "hcl":
        passing = {a.removeprefix("data.") for a in passing}
        failing = {a.removeprefix("data.") for a in failing}
    got = fixture_results.get((check_id, kind, check_id), {})
    assert set(got.get("FAILED", set())) == failing
    assert set(got.get("PASSED", set())) == passing
    assert not got.get("SKIPPED")
