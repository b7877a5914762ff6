"""Inline checkov skips: every exception names its check and gives a reason.

checkov accepts `#checkov:skip=CKV_AWS_1` with no reason (it records "No comment provided") and also reads
`bridgecrew:skip=` and `cortex:skip=`. This validator scans the Terraform of modules/ and envs/ and rejects
every skip comment whose check id is missing or malformed or whose reason is empty or a placeholder. It also
rejects repo-level escapes from the inline rule (skip-check, soft-fail, ... in .checkov.yaml).

A skip of a CRITICAL custom check also needs a reviewed, unexpired entry in policies/skip-allowlist.yaml
(PLAT_SKIP_2, see allowlist.py). Every skip comment is reported with its reason in the gate's summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from platformctl.policy import allowlist
from platformctl.policy.model import Finding, GateResult, Skip
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
ALLOWLIST_RULE_ID = "PLAT_SKIP_2"
_BLOCK_HEADER = re.compile(r'^\s*(resource|data)\s+"([^"]+)"\s+"([^"]+)"')


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


def enclosing_blocks(lines: list[str]) -> list[str | None]:
    """For each line, the TYPE.NAME (data.TYPE.NAME) of the most recent block header at or above it."""
    current: str | None = None
    names: list[str | None] = []
    for text in lines:
        header = _BLOCK_HEADER.match(text)
        if header:
            current = f"{'data.' if header[1] == 'data' else ''}{header[2]}.{header[3]}"
        names.append(current)
    return names


def validate(directories: Iterable[Path], config_file: Path, allow: allowlist.AllowList | None = None,
             severities: dict[str, str] | None = None) -> GateResult:
    """One finding per skip comment without a proper id and reason, and per skip of a CRITICAL check without an
    allow-list entry; config escapes are gate errors; every skip comment is listed as a skip."""
    gate = GateResult(source="skip-comments")
    gate.errors += config_problems(config_file)
    severities = severities if severities is not None else allowlist.custom_check_severities()
    allow = allow if allow is not None else allowlist.load(severities=severities)
    allow_file = relative(allow.path)
    for line, message in allow.problems:
        gate.findings.append(Finding(ALLOWLIST_RULE_ID, "HIGH", "skip-allowlist", message, gate.source, allow_file,
                                     line))
    used: set[int] = set()
    for path in terraform_files(directories):
        lines = path.read_text(errors="replace").splitlines()
        blocks = enclosing_blocks(lines)
        file = relative(path)
        for comment in parse_skip_comments(lines):
            block = blocks[comment.line - 1] or "(outside any block)"
            if not comment.reason_ok:
                ids = ",".join(comment.check_ids) or "?"
                gate.findings.append(Finding(RULE_ID, "HIGH", ids, f"checkov skip comment {comment.problem}; write "
                                             "`#checkov:skip=<CHECK_ID>:<why this resource is an exception>`",
                                             gate.source, file, comment.line))
                continue
            gate.passed += 1
            for check_id in comment.check_ids:
                entry = allow.find(check_id, file, block)
                if entry is not None:
                    used.add(entry.line)
                elif severities.get(check_id) == "CRITICAL":
                    gate.findings.append(Finding(
                        ALLOWLIST_RULE_ID, "CRITICAL", f"{check_id} {block}",
                        f"{check_id} is CRITICAL and cannot be skipped inline alone: add an entry (check: {check_id}, "
                        f"file: {file}, resource: {block}, owner, expires, reason) to {allow_file} through review, "
                        "or fix the resource", gate.source, file, comment.line))
                reason = f"{comment.reason} ({entry.describe()})" if entry else comment.reason
                gate.skips.append(Skip(check_id, block, reason, gate.source, file, comment.line))
    for entry in allow.entries:
        if entry.line not in used:
            gate.findings.append(Finding(ALLOWLIST_RULE_ID, "HIGH", "skip-allowlist",
                                         f"entry for {entry.check} on {entry.resource} in {entry.file} matches no "
                                         "checkov:skip comment: remove it", gate.source, allow_file, entry.line))
    return gate
