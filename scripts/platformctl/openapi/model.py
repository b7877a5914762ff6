"""Findings, rules and the rule registry of the OpenAPI linter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformctl.openapi.document import SpecDocument

Pointer = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one line of one file."""

    file: str
    line: int
    rule: str
    severity: Severity
    message: str
    pointer: Pointer | None = None

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.file}:{self.line}: {self.rule} {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports: where (a JSON pointer into the spec, or a line) and why."""

    message: str
    pointer: Pointer | None = None
    line: int | None = None
    file: str | None = None  # another file than the spec (a catalog entry)


Check = Callable[["SpecDocument"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    check: Check
    # Whether `x-platform-lint-ignore` on an operation (or component schema) can silence it.
    # Document-wide rules cannot: there is no operation to scope the exception to.
    suppressible: bool = True


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, summary: str, *, severity: Severity = Severity.ERROR, suppressible: bool = True
) -> Callable[[Check], Check]:
    """Register a check function under `rule_id`."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, severity, summary, check, suppressible)
        return check

    return register


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)
