"""The report: exit code, summary, guarded checks and well-formed JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from platformctl.verify.junit import to_junit_xml
from platformctl.verify.model import CheckResult, Status, VerifyReport, run_guarded


def _report() -> VerifyReport:
    return VerifyReport(
        "local",
        [
            CheckResult.passed("apis", "local-orders: routes", "6 operations", ("detail <&>",)).timed(0.25),
            CheckResult.failed("drift", "plan", "2 pending resource change(s)", ("update a", "create b")),
            CheckResult.skipped("warehouse", "workgroup", "moto has no Redshift Serverless"),
        ],
    )


def test_exit_code_is_non_zero_on_any_failure() -> None:
    report = _report()
    assert not report.ok and report.exit_code == 1
    assert report.summary() == "local: 1 passed, 1 failed, 1 skipped"
    passing = VerifyReport("local", [r for r in report.results if r.status is not Status.FAIL])
    assert passing.ok and passing.exit_code == 0


def test_junit_is_well_formed_with_one_testcase_per_check() -> None:
    root = ET.fromstring(to_junit_xml(_report()))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "verify.local"
    counts = (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors"))
    assert counts == ("3", "1", "1", "0")
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == ["verify.local.apis", "verify.local.drift", "verify.local.warehouse"]
    assert cases[0].get("time") == "0.250" and "detail <&>" in (cases[0].findtext("system-out") or "")
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "2 pending resource change(s)"
    assert failure.text == "2 pending resource change(s)\nupdate a\ncreate b"
    skipped = cases[2].find("skipped")
    assert skipped is not None and skipped.get("message") == "moto has no Redshift Serverless"


def test_an_exception_in_a_check_is_a_failure_not_a_crash() -> None:
    def broken() -> CheckResult:
        raise RuntimeError("AccessDenied: assume role")

    [result] = run_guarded("streams", "local-events: stream", broken)
    assert result.status is Status.FAIL and result.reason == "RuntimeError: AccessDenied: assume role"
    assert result.name == "local-events: stream"


def test_guarded_checks_keep_every_result_and_time_them() -> None:
    results = run_guarded(
        "apis", "stage", lambda: [CheckResult.passed("apis", "a", "ok"), CheckResult.failed("apis", "b", "no")]
    )
    assert [r.status for r in results] == [Status.PASS, Status.FAIL]
    assert all(r.seconds >= 0 for r in results)
