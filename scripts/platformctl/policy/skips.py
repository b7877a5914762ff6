"""Inline checkov skips: every exception names its check and gives a reason.

checkov accepts `#checkov:skip=CKV_AWS_1` with no reason (it records "No comment provided") and also reads
`bridgecrew:skip=` and `cortex:skip=`. This validator scans the Terraform of modules/ and envs/ and rejects
every skip comment whose check id is missing or malformed or whose reason is empty or a placeholder. It also
rejects repo-level escapes from the inline rule (skip-check, soft-fail, ... in .checkov.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from platformctl.policy.model import Finding, GateResult
from platformctl.policy.planindex import relative

# checkov's own comment syntax (checkov.common.comment.enum.COMMENT_REGEX), so we see what it sees.
SKIP_COMMENT = re.compile(
    r"(checkov:skip=|bridgecrew:skip=|cortex:skip=) *([A-Za-z_\d-]+(?:,[A-Za-z_\d-]+)*)?(:[^\n]*)?"
)
CHECK_ID = re.compile(r"^(CKV2?|CKV3|BC)_[A-Z0-9]+(_[A-Z0-9]+)*_\d+$")
PLACEHOLDERS = {"", "todo", "tbd", "fixme", "n/a", "na", "none", "skip", "skipped", "ignore", "reason", "x", "-", "..."}
MIN_REASON_WORDS = 3
CONFIG_ESCAPES = ("skip-check", "soft-fail", "soft-fail-on", "hard-fail-on", "skip-path", "skip-framework",
                  "skip-resources-without-violations", "check", "baseline", "use-enforcement-rules")
RULE_ID = "PLAT_SKIP_1"


@dataclass(frozen=True)
class SkipComment:
    line: int
    check_ids: tuple[str, ...]
    reason: str
    problem: str | None

    @property
    def reason_ok(self) -> bool:
        return self.problem is None


def parse_skip_comments(lines: Iterable[str], first_line: int = 1) -> list[SkipComment]:
    comments = []
    for number, text in enumerate(lines, start=first_line):
        for match in SKIP_COMMENT.finditer(text):
            ids = tuple(i for i in (match.group(2) or "").split(",") if i)
            reason = (match.group(3) or "")[1:].strip()
            problem = None
            if not ids:
                problem = "names no check id"
            elif bad := [i for i in ids if not CHECK_ID.match(i)]:
                problem = f"malformed check id {', '.join(bad)}"
            elif reason.lower().strip(".") in PLACEHOLDERS:
                problem = "gives no reason" if not reason else f"gives a placeholder reason {reason!r}"
            elif len(reason.split()) < MIN_REASON_WORDS:
                problem = f"reason {reason!r} is too short to explain the exception (at least {MIN_REASON_WORDS} words)"
            comments.append(SkipComment(number, ids, reason, problem))
    return comments


def terraform_files(directories: Iterable[Path]) -> list[Path]:
    files = []
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if ".terraform" in path.parts or not path.is_file():
                continue
            if path.name.endswith((".tf", ".tf.json", ".tftest.hcl", ".hcl")):
                files.append(path)
    return files


def config_problems(config_file: Path) -> list[str]:
    if not config_file.exists():
        return [f"{relative(config_file)} is missing"]
    data = yaml.safe_load(config_file.read_text()) or {}
    # `soft-fail: false` states the default and is fine; any value that turns an escape on is not.
    return [f"{relative(config_file)}: `{key}` is not allowed: every skip is inline with a reason"
            for key in CONFIG_ESCAPES if data.get(key) not in (None, False, [], "")]


def validate(directories: Iterable[Path], config_file: Path) -> GateResult:
    """One finding per skip comment without a proper id and reason; config escapes are gate errors."""
    gate = GateResult(source="skip-comments")
    gate.errors += config_problems(config_file)
    for path in terraform_files(directories):
        for comment in parse_skip_comments(path.read_text(errors="replace").splitlines()):
            if comment.reason_ok:
                gate.passed += 1
                continue
            ids = ",".join(comment.check_ids) or "?"
            gate.findings.append(Finding(RULE_ID, "HIGH", ids, f"checkov skip comment {comment.problem}; write "
                                         "`#checkov:skip=<CHECK_ID>:<why this resource is an exception>`",
                                         gate.source, relative(path), comment.line))
    return gate
