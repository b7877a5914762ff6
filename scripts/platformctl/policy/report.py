"""Reports under build/policy/: the Markdown summary of every gate (findings by severity and resource, with
file and line where known), and JUnit XML + SARIF 2.1.0 for the gates checkov does not report itself
(plan rules, skip comments). checkov writes its own JUnit/SARIF next to its console output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from platformctl.policy.model import SEVERITIES, Finding, GateResult, severity_rank

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note", "INFO": "note",
               "UNRATED": "error"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_summary(gates: Sequence[GateResult], title: str = "Policy gate") -> str:
    findings = sorted((f for g in gates for f in g.findings), key=Finding.sort_key)
    errors = [(g.source, e) for g in gates for e in g.errors]
    ok = not findings and not errors
    lines = [f"# {title}: {'PASSED' if ok else 'FAILED'}", ""]
    lines += ["| Gate | Result | Passed | Failed | Skipped inline | Gate errors |", "|---|---|---|---|---|---|"]
    for g in gates:
        lines.append(f"| {_cell(g.source)} | {'ok' if g.ok else '**FAIL**'} | {g.passed} | {len(g.findings)} | "
                     f"{len(g.skips)} | {len(g.errors)} |")
    lines.append("")
    if errors:
        lines += ["## Gate errors", "",
                  "The gate itself could not give a complete answer (crashed or dropped checks, unparsable files, "
                  "configuration escapes). These fail the run like findings do.", ""]
        lines += [f"- **{_cell(source)}**: {_cell(error)}" for source, error in errors]
        lines.append("")
    if findings:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
        lines += ["## Findings by severity", "",
                  ", ".join(f"{s}: {n}" for s, n in counts.items() if n) or "none", ""]
        for severity in sorted({f.severity for f in findings}, key=severity_rank):
            lines += [f"### {severity}", "", "| Rule | Resource | Where | Gate | Message |", "|---|---|---|---|---|"]
            for f in (f for f in findings if f.severity == severity):
                lines.append(f"| {_cell(f.rule_id)} | `{_cell(f.resource)}` | {_cell(f.location) or '-'} | "
                             f"{_cell(f.source)} | {_cell(f.message)} |")
            lines.append("")
        lines += ["## Findings by resource", ""]
        by_resource: dict[str, list[Finding]] = {}
        for f in findings:
            by_resource.setdefault(f.resource, []).append(f)
        for resource in sorted(by_resource):
            items = by_resource[resource]
            where = next((f.location for f in items if f.location), "")
            lines.append(f"- `{_cell(resource)}`{f' ({_cell(where)})' if where else ''}: "
                         + ", ".join(sorted({f'{f.rule_id} ({f.severity})' for f in items})))
        lines.append("")
    skips = [s for g in gates for s in g.skips]
    if skips:
        lines += ["## Inline skips", "", "| Check | Resource | Where | Gate | Reason |", "|---|---|---|---|---|"]
        for s in sorted(skips, key=lambda s: (s.rule_id, s.resource, s.source)):
            where = f"{s.file}:{s.line}" if s.file and s.line else (s.file or "-")
            lines.append(f"| {_cell(s.rule_id)} | `{_cell(s.resource)}` | {_cell(where)} | {_cell(s.source)} | "
                         f"{_cell(s.reason)} |")
        lines.append("")
    artifacts = [a for g in gates for a in g.artifacts]
    if artifacts:
        lines += ["## Reports", ""] + [f"- `{a}`" for a in artifacts] + [""]
    return "\n".join(lines)


def junit_xml(gate: GateResult, rules: Iterable[tuple[str, str]]) -> str:
    """One testsuite per gate, one testcase per rule; each finding is a <failure>, gate errors an <error>."""
    rule_list = list(rules)
    by_rule: dict[str, list[Finding]] = {}
    for f in gate.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    known = {rule_id for rule_id, _ in rule_list}
    rule_list += [(rule_id, rule_id) for rule_id in sorted(by_rule) if rule_id not in known]
    failures = sum(1 for rule_id, _ in rule_list if by_rule.get(rule_id))
    suites = ET.Element("testsuites", name=gate.source, tests=str(len(rule_list) + len(gate.errors)),
                        failures=str(failures), errors=str(len(gate.errors)))
    suite = ET.SubElement(suites, "testsuite", name=gate.source, tests=str(len(rule_list) + len(gate.errors)),
                          failures=str(failures), errors=str(len(gate.errors)), skipped="0")
    for rule_id, title in rule_list:
        case = ET.SubElement(suite, "testcase", classname=gate.source, name=f"{rule_id} {title}")
        for f in by_rule.get(rule_id, []):
            failure = ET.SubElement(case, "failure", type=f.severity, message=f"{f.resource}: {f.message}")
            failure.text = f"{f.rule_id} [{f.severity}] {f.resource}\n{f.message}\n{f.location or 'no source location'}"
    for number, error in enumerate(gate.errors, start=1):
        case = ET.SubElement(suite, "testcase", classname=gate.source, name=f"gate error {number}")
        ET.SubElement(case, "error", message=error).text = error
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def sarif(gate: GateResult, rules: Iterable[tuple[str, str, str]], tool: str = "platformctl-policy") -> str:
    """SARIF 2.1.0 with one run; rules are (id, title, severity)."""
    rule_list = list(rules)
    descriptors = [{
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(severity, "error")},
        "properties": {"severity": severity},
    } for rule_id, title, severity in rule_list]
    index = {rule_id: n for n, (rule_id, _, _) in enumerate(rule_list)}
    results = []
    for f in gate.findings:
        result: dict[str, object] = {
            "ruleId": f.rule_id,
            "level": SARIF_LEVEL.get(f.severity, "error"),
            "message": {"text": f"{f.resource}: {f.message}"},
            "properties": {"severity": f.severity, "resource": f.resource, "gate": f.source},
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        location: dict[str, object] = {"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]}
        if f.file:
            physical: dict[str, object] = {"artifactLocation": {"uri": f.file}}
            if f.line:
                physical["region"] = {"startLine": f.line}
            location["physicalLocation"] = physical
        result["locations"] = [location]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": tool, "rules": descriptors}},
            "results": results,
            "invocations": [{"executionSuccessful": not gate.errors,
                             "toolExecutionNotifications": [{"level": "error", "message": {"text": e}}
                                                            for e in gate.errors]}],
        }],
    }
    return json.dumps(document, indent=2) + "\n"


def write_gate_reports(gate: GateResult, out_dir: Path, stem: str,
                       rules: Sequence[tuple[str, str, str]]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    junit_path = out_dir / f"{stem}.junit.xml"
    sarif_path = out_dir / f"{stem}.sarif"
    junit_path.write_text(junit_xml(gate, [(r, t) for r, t, _ in rules]))
    sarif_path.write_text(sarif(gate, rules))
    return [junit_path, sarif_path]
