"""The policy gate's results (build/policy/gates.json, written by `platformctl policy run`) as GitLab reads them.

- per environment: the gates that judged it (the skip-comment validator and the HCL scan judge every
  environment; checkov-plan:<env> and plan-rules:<env> judge one), for its merge-request note;
- Code Quality (artifacts:reports:codequality): every finding of the gates checkov does not report
  itself, i.e. the plan rules and the skip-comment validator. checkov's own findings go to GitLab's
  security widget through its gitlab_sast report instead. Format:
  https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformctl.errors import UsageError
from platformctl.policy.model import Finding, GateResult, Skip
from platformctl.policy.report import markdown_summary

SHARED_GATES = ("skip-comments", "checkov-hcl")
CODEQUALITY_GATES = ("plan-rules", "skip-comments")
CODEQUALITY_SEVERITY = {
    "CRITICAL": "critical",
    "HIGH": "major",
    "MEDIUM": "minor",
    "LOW": "info",
    "INFO": "info",
    "UNRATED": "major",
}


def load_gates(path: Path) -> list[GateResult]:
    if not path.is_file():
        raise UsageError(f"no policy results at {path}: run `make policy` (in CI: the security job's artifacts)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [
            GateResult(
                source=item["source"],
                findings=[Finding(**finding) for finding in item.get("findings", [])],
                skips=[Skip(**skip) for skip in item.get("skips", [])],
                passed=int(item.get("passed", 0)),
                errors=list(item.get("errors", [])),
                artifacts=list(item.get("artifacts", [])),
            )
            for item in raw
        ]
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{path} is not the gate results of `platformctl policy run`: {exc}") from None


def gates_for_env(gates: Sequence[GateResult], env: str) -> list[GateResult]:
    own = (f"checkov-plan:{env}", f"plan-rules:{env}")
    return [gate for gate in gates if gate.source in SHARED_GATES or gate.source in own]


def env_policy_markdown(gates: Sequence[GateResult], env: str) -> str:
    """The policy summary of the gates that judged `env`; says so when none of them scanned its plan."""
    chosen = gates_for_env(gates, env)
    if not any(gate.source.endswith(f":{env}") for gate in chosen):
        return f"# Policy gate: NOT RUN for `{env}`\n\nThe policy results hold no scan of this environment's plan.\n"
    return markdown_summary(chosen, title=f"Policy gate ({env})")


def _fingerprint(finding: Finding) -> str:
    # Stable across pipelines, so the merge-request widget can tell new findings from old ones.
    return hashlib.sha256(f"{finding.rule_id}|{finding.resource}|{finding.source}".encode()).hexdigest()


def codequality(gates: Sequence[GateResult]) -> list[dict[str, Any]]:
    issues = []
    for gate in gates:
        if not gate.source.startswith(CODEQUALITY_GATES):
            continue
        for finding in sorted(gate.findings, key=Finding.sort_key):
            issues.append(
                {
                    "type": "issue",
                    "check_name": finding.rule_id,
                    "description": f"{finding.rule_id} [{finding.severity}] {finding.resource}: {finding.message}",
                    "categories": ["Security"],
                    "severity": CODEQUALITY_SEVERITY.get(finding.severity, "major"),
                    "fingerprint": _fingerprint(finding),
                    "location": {"path": finding.file or "envs", "lines": {"begin": finding.line or 1}},
                }
            )
    return issues
