"""JUnit XML for CI (GitLab shows it in the pipeline's test report)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from platformctl.verify.model import Status, VerifyReport


def to_junit_xml(report: VerifyReport) -> str:
    """One testsuite per environment, one testcase per check (classname verify.<env>.<group>)."""
    total_time = sum(result.seconds for result in report.results)
    suites = ET.Element(
        "testsuites",
        name="platformctl verify",
        tests=str(len(report.results)),
        failures=str(report.count(Status.FAIL)),
        errors="0",
        skipped=str(report.count(Status.SKIP)),
        time=f"{total_time:.3f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"verify.{report.env}",
        tests=str(len(report.results)),
        failures=str(report.count(Status.FAIL)),
        errors="0",
        skipped=str(report.count(Status.SKIP)),
        time=f"{total_time:.3f}",
    )
    for result in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"verify.{report.env}.{result.group}",
            name=result.name,
            time=f"{result.seconds:.3f}",
        )
        text = "\n".join([result.reason, *result.details])
        if result.status is Status.FAIL:
            failure = ET.SubElement(case, "failure", message=result.reason, type="VerificationFailed")
            failure.text = text
        elif result.status is Status.SKIP:
            ET.SubElement(case, "skipped", message=result.reason)
        else:
            ET.SubElement(case, "system-out").text = text
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
