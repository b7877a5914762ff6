"""What every gate reports: findings with a rule id, a severity, a resource and where it is in the source."""

from __future__ import annotations

from dataclasses import dataclass, field

# Highest first. UNRATED: a checkov built-in check (checkov only rates them with a Prisma Cloud API key).
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "UNRATED")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


@dataclass(frozen=True)
class Finding:
    """One violation. `source` names the gate that found it (checkov-hcl, checkov-plan:dev, plan-rules:dev, ...)."""

    rule_id: str
    severity: str
    resource: str
    message: str
    source: str
    file: str | None = None
    line: int | None = None

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def sort_key(self) -> tuple[int, str, str, str]:
        return (severity_rank(self.severity), self.rule_id, self.resource, self.source)


@dataclass(frozen=True)
class Skip:
    """A failed check turned into a skip by an inline `#checkov:skip=<ID>:<reason>` comment."""

    rule_id: str
    resource: str
    reason: str
    source: str
    file: str | None = None
    line: int | None = None


@dataclass
class GateResult:
    """The outcome of one gate (one checkov scan, one env's plan rules, the skip validator)."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    passed: int = 0
    errors: list[str] = field(default_factory=list)  # the gate itself went wrong: crashes, dropped checks
    artifacts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors

    def summary_line(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        parts = [f"{self.passed} passed", f"{len(self.findings)} failed", f"{len(self.skips)} skipped inline"]
        if self.errors:
            parts.append(f"{len(self.errors)} gate error(s)")
        return f"{status} {self.source}: {', '.join(parts)}"
