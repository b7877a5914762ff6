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
    """error: API Gateway rejects the import, or the API silently behaves other than the spec says
    (and every warning API Gateway itself emits, since the module imports with fail_on_warnings);
    warning: API Gateway ignores the construct, or it only affects SDK generation;
    info: platform advice."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class AwsVerdict(StrEnum):
    """What API Gateway itself does with the construct on import."""

    FAILS = "import fails"
    WARNS = "import warning"  # fails too, under fail_on_warnings = true
    IGNORES = "ignored"
    UNDOCUMENTED = "not documented"
    NOT_AWS = "platform rule"


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
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
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
    aws: AwsVerdict = AwsVerdict.NOT_AWS

    @property
    def description(self) -> str:
        """The rule's docstring: why it exists and the AWS sentence it enforces."""
        return " ".join((self.check.__doc__ or self.summary).split())


RULES: dict[str, Rule] = {}


# Rules that AWS no longer documents; an x-platform-lint-ignore naming one only needs removing.
RETIRED_RULES: dict[str, str] = {
    "APIGW007": "additionalProperties is no longer among AWS's unsupported OpenAPI features",
}


def rule(
    rule_id: str,
    summary: str,
    *,
    severity: Severity = Severity.ERROR,
    suppressible: bool = True,
    aws: AwsVerdict = AwsVerdict.NOT_AWS,
) -> Callable[[Check], Check]:
    """Register a check function under `rule_id`."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, severity, summary, check, suppressible, aws)
        return check

    return register


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def highest_severity(findings: Iterable[Finding]) -> Severity | None:
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)
