"""Finding reports: text, JSON, SARIF 2.1.0 and GitLab Code Quality, and the exit status.

Exit status by the highest severity that fails the run: 0 when there is no error (and no more
warnings than --max-warnings), 1 when there is an error, 3 when there is no error but more warnings
than allowed. (2 is click's usage error.) Info findings never fail a run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from platformctl.openapi.model import RULES, Finding, Severity
from platformctl.openapi.rules_aws import KNOWN_ISSUES_URL

FORMATS = ("text", "json", "sarif", "gitlab")
EXIT_ERRORS = 1
EXIT_TOO_MANY_WARNINGS = 3
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITLAB_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {s.value: sum(f.severity is s for f in findings) for s in Severity}


def exit_status(findings: Sequence[Finding], max_warnings: int | None) -> int:
    tally = counts(findings)
    if tally["error"]:
        return EXIT_ERRORS
    if max_warnings is not None and tally["warning"] > max_warnings:
        return EXIT_TOO_MANY_WARNINGS
    return 0


def render(findings: Sequence[Finding], output_format: str) -> str:
    if output_format == "text":
        return "".join(f"{finding}\n" for finding in findings)
    if output_format == "json":
        return json.dumps({"findings": [_plain(f) for f in findings], "counts": counts(findings)}, indent=2) + "\n"
    if output_format == "sarif":
        return json.dumps(_sarif(findings), indent=2) + "\n"
    if output_format == "gitlab":
        return json.dumps([_gitlab(f) for f in findings], indent=2) + "\n"
    raise ValueError(f"unknown format {output_format!r}")  # click restricts the choice


def _plain(finding: Finding) -> dict[str, Any]:
    return {
        "file": finding.file,
        "line": finding.line,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "pointer": _pointer(finding),
    }


def _pointer(finding: Finding) -> str | None:
    if finding.pointer is None:
        return None
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in finding.pointer)


def _fingerprint(finding: Finding) -> str:
    # Stable across runs and independent of the line, so a finding keeps its identity when lines move.
    text = f"{finding.file}\0{finding.rule}\0{_pointer(finding) or finding.line}\0{finding.message}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sarif(findings: Sequence[Finding]) -> dict[str, Any]:
    used = sorted({f.rule for f in findings} | set(RULES))
    rules = [
        {
            "id": rule_id,
            "shortDescription": {"text": RULES[rule_id].summary},
            "fullDescription": {"text": RULES[rule_id].description},
            "defaultConfiguration": {"level": _SARIF_LEVELS[RULES[rule_id].severity]},
            "helpUri": KNOWN_ISSUES_URL if rule_id.startswith("APIGW") else None,
            "properties": {"aws": RULES[rule_id].aws.value},
        }
        for rule_id in used
        if rule_id in RULES
    ]
    for rule in rules:
        if rule["helpUri"] is None:
            del rule["helpUri"]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": max(f.line, 1)},
                    }
                }
            ],
            "partialFingerprints": {"platformctlFinding/v1": _fingerprint(f)},
        }
        for f in findings
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "platformctl openapi", "rules": rules}}, "results": results}],
    }


def _gitlab(finding: Finding) -> dict[str, Any]:
    return {
        "description": finding.message,
        "check_name": finding.rule,
        "fingerprint": _fingerprint(finding),
        "severity": _GITLAB_SEVERITIES[finding.severity],
        "location": {"path": finding.file, "lines": {"begin": max(finding.line, 1)}},
    }
