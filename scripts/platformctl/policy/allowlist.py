"""The reviewed allow-list that an inline skip of a CRITICAL check needs (policies/skip-allowlist.yaml).

A `#checkov:skip=<ID>:<reason>` comment is enough for a HIGH, MEDIUM or built-in check. For a check declared
CRITICAL (`self.severity = Severities[BcSeverities.CRITICAL]` in policies/checks) the comment only counts when an
entry of the allow-list names the same check, file and resource block, with an owner and an expiry date that has
not passed. The file goes through review like code; an expired entry fails the gate, so an exception is revisited
instead of living forever.

    entries:
      - check: CKV_PLAT_23
        file: modules/example/main.tf
        resource: aws_sqs_queue_policy.legacy      # the block that carries the skip comment (data.TYPE.NAME for data)
        owner: team-data-platform
        expires: 2027-03-31
        reason: the legacy producer cannot send aws:SourceArn until its migration (TICKET-123)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from platformctl.paths import POLICIES_DIR, ROOT
from platformctl.planjson import Address, PlanFileError

ALLOWLIST_FILE = POLICIES_DIR / "skip-allowlist.yaml"
CHECKS_DIR = POLICIES_DIR / "checks"
FIELDS = ("check", "file", "resource", "owner", "expires", "reason")
RESOURCE = re.compile(r"^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*$")
MIN_REASON_WORDS = 3
_DECLARED_ID = re.compile(r'\bid\s*[=:]\s*"(CKV2?_PLAT_\d+)"')
_DECLARED_SEVERITY = re.compile(r'(?:BcSeverities\.|severity:\s*")(CRITICAL|HIGH|MEDIUM|LOW)')


def custom_check_severities(checks_dir: Path = CHECKS_DIR) -> dict[str, str]:
    """Check id -> severity of every custom check, read from the check sources (one check per file)."""
    severities: dict[str, str] = {}
    for path in sorted(checks_dir.iterdir()) if checks_dir.is_dir() else []:
        if path.suffix not in (".py", ".yaml"):
            continue
        text = path.read_text()
        check_id, severity = _DECLARED_ID.search(text), _DECLARED_SEVERITY.search(text)
        if check_id and severity:
            severities[check_id.group(1)] = severity.group(1)
    return severities


@dataclass(frozen=True)
class AllowEntry:
    check: str
    file: str
    resource: str
    owner: str
    expires: dt.date
    reason: str
    line: int

    def describe(self) -> str:
        return f"allow-listed for {self.owner} until {self.expires.isoformat()}: {self.reason}"


@dataclass
class AllowList:
    path: Path
    entries: list[AllowEntry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong), in the file's order

    def find(self, check_id: str, file: str | None, resource: str) -> AllowEntry | None:
        for entry in self.entries:
            if (entry.check, entry.file, entry.resource) == (check_id, file, resource):
                return entry
        return None


def block_name(address: str) -> str:
    """`module.a.aws_s3_bucket.this["x"]` -> `aws_s3_bucket.this`; data sources keep their `data.` prefix."""
    try:
        parsed = Address.parse(address)
    except PlanFileError:
        return address
    return f"{'data.' if parsed.mode == 'data' else ''}{parsed.type}.{parsed.name}"


def _node_value(node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node))


def _entry(node: yaml.Node, severities: dict[str, str], today: dt.date,
           root: Path) -> tuple[AllowEntry | None, list[tuple[int, str]]]:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        return None, [(line, f"each entry is a mapping with {', '.join(FIELDS)}")]
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    data = _node_value(node)
    problems: list[tuple[int, str]] = []
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        problems.append((lines[unknown[0]], f"unknown key(s) {', '.join(unknown)}; an entry has {', '.join(FIELDS)}"))
    missing = [k for k in FIELDS if data.get(k) in (None, "")]
    if missing:
        problems.append((line, f"entry is missing {', '.join(missing)}"))
        return None, problems
    texts = {k: str(data[k]).strip() for k in FIELDS if k != "expires"}
    check = texts["check"]
    if check not in severities:
        problems.append((lines["check"], f"{check} is not a custom check in policies/checks"))
    elif severities[check] != "CRITICAL":
        problems.append((lines["check"], f"{check} is {severities[check]}, not CRITICAL: its inline skip needs no "
                                         "entry here, remove it"))
    if not (root / texts["file"]).is_file():
        problems.append((lines["file"], f"file {texts['file']} does not exist (paths are relative to the repository)"))
    if not RESOURCE.match(texts["resource"]):
        problems.append((lines["resource"], f"resource {texts['resource']!r} is not TYPE.NAME (or data.TYPE.NAME) of "
                                            "the block that carries the skip comment"))
    expires = data["expires"]
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires.strip())
        except ValueError:
            expires = None
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    if not isinstance(expires, dt.date):
        problems.append((lines["expires"], f"expires {data['expires']!r} is not a date (YYYY-MM-DD)"))
    elif expires < today:
        problems.append((lines["expires"], f"entry for {check} on {texts['resource']} expired on "
                                           f"{expires.isoformat()}: fix the resource or renew the exception through "
                                           "review"))
    if len(texts["reason"].split()) < MIN_REASON_WORDS:
        problems.append((lines["reason"], f"reason {texts['reason']!r} is too short to explain the exception (at "
                                          f"least {MIN_REASON_WORDS} words)"))
    if problems or not isinstance(expires, dt.date):
        return None, problems
    return AllowEntry(check, texts["file"], texts["resource"], texts["owner"], expires, texts["reason"], line), []


def load(path: Path = ALLOWLIST_FILE, *, today: dt.date | None = None, severities: dict[str, str] | None = None,
         root: Path = ROOT) -> AllowList:
    """The valid entries and a (line, message) per problem; a missing file is an empty list."""
    allow = AllowList(path)
    if not path.exists():
        return allow
    today = today or dt.date.today()
    severities = custom_check_severities() if severities is None else severities
    try:
        document = yaml.compose(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        allow.problems.append(((mark.line + 1) if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}"))
        return allow
    if document is None:
        return allow
    entries_node = None
    if isinstance(document, yaml.MappingNode):
        entries_node = next((v for k, v in document.value if k.value == "entries"), None)
        others = [k for k, _ in document.value if k.value != "entries"]
        if others:
            allow.problems.append((others[0].start_mark.line + 1, "the only top-level key is `entries`"))
    if entries_node is None or not isinstance(entries_node, yaml.SequenceNode):
        if not (isinstance(entries_node, yaml.ScalarNode) and entries_node.value in ("", "null", "~")):
            allow.problems.append((document.start_mark.line + 1, "expected `entries:` with a list of entries"))
        return allow
    seen: dict[tuple[str, str, str], int] = {}
    for node in entries_node.value:
        entry, problems = _entry(node, severities, today, root)
        allow.problems += problems
        if entry is None:
            continue
        key = (entry.check, entry.file, entry.resource)
        if key in seen:
            allow.problems.append((entry.line, f"duplicate of the entry on line {seen[key]}"))
            continue
        seen[key] = entry.line
        allow.entries.append(entry)
    return allow
