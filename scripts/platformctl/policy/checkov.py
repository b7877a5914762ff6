"""Run checkov (its own venv, .venv-tools) as a subprocess and turn its output into gate results.

* Scans: the HCL of modules/ and envs/ in one run, and each environment's plan JSON (authoritative: the HCL
  scan cannot render templatefile(), misreads optional() and does not expand dynamic blocks).
* Isolation: checkov runs from an empty temporary directory with HOME pointing there, with
  `--config-file <repo>/.checkov.yaml`; a `.checkov.y*ml` inside a scanned directory is an error (checkov would
  read it too). Paths are passed absolute on the command line.
* Outputs per scan under build/policy/<scan>/: results_cli.txt (console), results_junitxml.xml,
  results_sarif.sarif, results_json.json, and checkov.log (stderr).
* Dropped checks: checkov 3.3.30 logs "Failed to run check CKV_X on ..." when a check raises (for example
  CKV_AWS_240/241 on `server_side_encryption: []` in plan JSON), then leaves the check out of the results and
  exits 0. Every such line, every other ERROR, every parsing error and every custom check that failed to load
  is a gate error here.
* Inline skips in plan scans: checkov matches `#checkov:skip` comments to plan resources only by `type.name`
  (ambiguous across modules), so the gate does not use --repo-root-for-plan-enrichment. It maps each failed
  plan resource to the block that declares it through the plan's `configuration` section (module sources)
  and honours the skip comments written in that block.
* CRITICAL checks: a skip of one only counts with an entry in policies/skip-allowlist.yaml for the same check,
  file and block (allowlist.py); otherwise the failure stays a finding in both scans.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.errors import ToolMissingError
from platformctl.paths import POLICIES_DIR, ROOT
from platformctl.policy import allowlist
from platformctl.policy.model import Finding, GateResult, Skip
from platformctl.policy.planindex import PlanIndex, relative
from platformctl.policy.skips import parse_skip_comments

CONFIG_FILE = ROOT / ".checkov.yaml"
CHECKS_DIR = POLICIES_DIR / "checks"
CUSTOM_ID = re.compile(r"^CKV2?_PLAT_\d+$")

_FAILED_TO_RUN = re.compile(r"Failed to run check (?P<id>\S+) on (?P<where>\S+)")
_LOAD_PROBLEM = re.compile(r"Cannot load external check|Failed to parse check id|Refusing to load unverified")
_LOG_LEVEL = re.compile(r"\[(?P<level>ERROR|CRITI\w*|WARNI\w*)\s*\]\s+(?P<message>.*)")


def checkov_binary() -> Path:
    override = os.environ.get("PLATFORM_CHECKOV")
    return Path(override) if override else ROOT / ".venv-tools" / "bin" / "checkov"


@dataclass(frozen=True)
class CheckRecord:
    check_id: str
    name: str
    result: str  # PASSED | FAILED | SKIPPED
    resource: str
    file: Path | None
    lines: tuple[int, int] | None
    severity: str | None
    details: tuple[str, ...] = ()
    suppress_comment: str | None = None


@dataclass(frozen=True)
class DroppedCheck:
    check_id: str
    where: str

    def __str__(self) -> str:
        return (f"checkov dropped {self.check_id} on {self.where}: the check crashed (see checkov.log) and is "
                "missing from the results")


@dataclass
class ScanOutput:
    records: list[CheckRecord] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)
    resource_count: int = 0
    dropped: list[DroppedCheck] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    returncode: int = 0
    out_dir: Path | None = None


# -- parsing ------------------------------------------------------------------------------------
def parse_log(text: str) -> tuple[list[DroppedCheck], list[str]]:
    """Checks that crashed (and so vanished from the results), and other errors checkov only logged."""
    dropped: list[DroppedCheck] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line in text.splitlines():
        crashed = _FAILED_TO_RUN.search(line)
        if crashed:
            key = (crashed["id"], crashed["where"])
            if key not in seen:
                seen.add(key)
                dropped.append(DroppedCheck(*key))
            continue
        if _LOAD_PROBLEM.search(line):
            errors.append(f"a check failed to load: {line.strip()}")
            continue
        level = _LOG_LEVEL.search(line)
        if level and level["level"].startswith(("ERROR", "CRITI")):
            errors.append(f"checkov error: {level['message'].strip()}")
    return dropped, errors


def _records_of(report: dict[str, Any]) -> list[CheckRecord]:
    records = []
    results = report.get("results") or {}
    for key, result in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"), ("skipped_checks", "SKIPPED")):
        for raw in results.get(key) or []:
            abs_path = raw.get("file_abs_path") or raw.get("file_path")
            line_range = raw.get("file_line_range") or None
            records.append(CheckRecord(
                check_id=raw.get("check_id", "?"),
                name=raw.get("check_name") or "",
                result=result,
                resource=raw.get("resource_address") or raw.get("resource") or "?",
                file=Path(abs_path) if abs_path else None,
                lines=(int(line_range[0]), int(line_range[1])) if line_range and len(line_range) == 2 else None,
                severity=(raw.get("severity") or None) if not isinstance(raw.get("severity"), dict)
                else raw["severity"].get("name"),
                details=tuple(raw.get("details") or ()),
                suppress_comment=(raw.get("check_result") or {}).get("suppress_comment"),
            ))
    return records


def parse_report(text: str) -> tuple[list[CheckRecord], list[str], int]:
    """checkov's JSON: one report object, a list of them (several frameworks), or a bare summary (nothing found)."""
    data = json.loads(text) if text.strip() else {}
    reports = data if isinstance(data, list) else [data]
    records: list[CheckRecord] = []
    parsing_errors: list[str] = []
    resources = 0
    for report in reports:
        if not isinstance(report, dict):
            continue
        summary = report.get("summary") or (report if "resource_count" in report else {})
        resources += int(summary.get("resource_count") or 0)
        records.extend(_records_of(report))
        parsing_errors.extend(str(p) for p in (report.get("results") or {}).get("parsing_errors") or [])
    return records, parsing_errors, resources


# -- running ------------------------------------------------------------------------------------
def stray_configs(directories: list[Path]) -> list[Path]:
    """checkov also reads .checkov.yaml/.yml from each scanned directory: none may exist there."""
    return [d / name for d in directories for name in (".checkov.yaml", ".checkov.yml") if (d / name).exists()]


def build_command(*, directories: Sequence[Path] = (), files: Sequence[Path] = (), out_dir: Path,
                  checks: list[str] | None = None, checks_dir: Path = CHECKS_DIR,
                  config_file: Path = CONFIG_FILE, skip_paths: Sequence[Path] = ()) -> list[str]:
    # checkov runs from a temporary directory: every path must be absolute.
    command = [str(checkov_binary()), "--config-file", str(config_file.resolve()), "--external-checks-dir",
               str(checks_dir.resolve()), "--output-file-path", str(out_dir.resolve())]
    for directory in directories:
        command += ["-d", str(directory.resolve())]
    for file in files:
        command += ["-f", str(file.resolve())]
    for path in skip_paths:
        command += ["--skip-path", str(path.resolve())]
    if checks:
        command += ["--check", ",".join(checks)]
    return command


def run_checkov(*, directories: Sequence[Path] = (), files: Sequence[Path] = (), out_dir: Path,
                checks: list[str] | None = None, checks_dir: Path = CHECKS_DIR, config_file: Path = CONFIG_FILE,
                timeout: int = 3600, skip_paths: Sequence[Path] = ()) -> ScanOutput:
    binary = checkov_binary()
    if not binary.exists():
        raise ToolMissingError(f"checkov not found at {binary}: run `make tools` (it lives in .venv-tools)")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("results_*"):
        stale.unlink()
    command = build_command(directories=list(directories), files=list(files), out_dir=out_dir, checks=checks,
                            checks_dir=checks_dir, config_file=config_file, skip_paths=skip_paths)
    with tempfile.TemporaryDirectory(prefix="checkov-") as workdir:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("BC_", "CKV_", "PRISMA_"))}
        env.update({
            "HOME": workdir,  # no ~/.checkov.yaml, no cached state from elsewhere
            "BC_SKIP_MAPPING": "TRUE",  # no download of the Prisma Cloud id mapping
            "HCL_PARSE_TIMEOUT_SEC": "60",  # the default 10 s turns a busy CI core into a parse error; a hang stays one
            "LOG_LEVEL": "WARNING",
            "PYTHONIOENCODING": "utf-8",
        })
        completed = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout,
                                   check=False)
    (out_dir / "console.txt").write_text(completed.stdout)
    (out_dir / "checkov.log").write_text(completed.stderr)
    report_file = out_dir / "results_json.json"
    output = ScanOutput(returncode=completed.returncode, out_dir=out_dir)
    output.dropped, output.log_errors = parse_log(completed.stderr)
    if completed.returncode not in (0, 1):
        output.log_errors.append(f"checkov exited {completed.returncode} (see {relative(out_dir / 'checkov.log')})")
    if not report_file.exists():
        output.log_errors.append(f"checkov wrote no JSON report (exit {completed.returncode}); see "
                                 f"{relative(out_dir / 'checkov.log')}")
        return output
    output.records, output.parsing_errors, output.resource_count = parse_report(report_file.read_text())
    return output


# -- gates --------------------------------------------------------------------------------------
def _gate_errors(output: ScanOutput, expect_custom: bool) -> list[str]:
    errors = [str(d) for d in output.dropped] + output.log_errors
    errors += [f"checkov could not parse {relative(Path(p)) or p}: nothing in it was checked"
               for p in output.parsing_errors]
    if expect_custom and output.resource_count and not any(CUSTOM_ID.match(r.check_id) for r in output.records):
        errors.append(f"no result from the custom checks in {relative(CHECKS_DIR)}: they did not load")
    return errors


def _severity(record: CheckRecord) -> str:
    return (record.severity or "UNRATED").upper()


def _message(record: CheckRecord) -> str:
    return "; ".join((record.name, *record.details)) if record.details else record.name


class SkipApproval:
    """Decides whether an inline skip counts: always for non-CRITICAL checks, with an allow-list entry for CRITICAL."""

    def __init__(self, allow: allowlist.AllowList | None = None, severities: dict[str, str] | None = None) -> None:
        self.severities = severities if severities is not None else allowlist.custom_check_severities()
        self.allow = allow if allow is not None else allowlist.load(severities=self.severities)

    def reason(self, record: CheckRecord, reason: str, file: str | None, block: str) -> str | None:
        """The skip's reason for the report (with its allow-list entry), or None when the skip does not count."""
        entry = self.allow.find(record.check_id, file, block)
        if entry is not None:
            return f"{reason} ({entry.describe()})"
        critical = "CRITICAL" in (_severity(record), self.severities.get(record.check_id))
        return None if critical else reason

    def record_skip(self, gate: GateResult, record: CheckRecord, reason: str, file: str | None,
                    line: int | None) -> None:
        """A skip in the gate when it counts; otherwise the failure stays a CRITICAL finding."""
        approved = self.reason(record, reason, file, allowlist.block_name(record.resource))
        if approved is not None:
            gate.skips.append(Skip(record.check_id, record.resource, approved, gate.source, file, line))
            return
        gate.findings.append(Finding(
            record.check_id, "CRITICAL", record.resource,
            f"{_message(record)}; skipped inline, but a CRITICAL check is only skipped with an entry in "
            f"{relative(allowlist.ALLOWLIST_FILE)}", gate.source, file, line))


def hcl_gate(directories: list[Path], out_dir: Path, checks: list[str] | None = None,
             approval: SkipApproval | None = None) -> GateResult:
    source = "checkov-hcl"
    gate = GateResult(source=source)
    strays = stray_configs(directories)
    if strays:
        gate.errors += [f"stray checkov config {relative(p)}: the repo's only config is .checkov.yaml" for p in strays]
        return gate
    # Scan from the repository root, skipping everything but `directories`: when envs/ is scanned on
    # its own, the module resources it reaches lie outside the scan root, checkov records them
    # without a code block and its SARIF writer crashes (checkov 3.3.30).
    skipped = sorted(p for p in ROOT.iterdir() if p.resolve() not in {d.resolve() for d in directories})
    output = run_checkov(directories=[ROOT], skip_paths=skipped, out_dir=out_dir, checks=checks)
    gate.errors += _gate_errors(output, expect_custom=checks is None)
    gate.artifacts += [relative(out_dir / n) or n for n in ("results_junitxml.xml", "results_sarif.sarif")]
    approval = approval or SkipApproval()
    seen: set[tuple[str, str | None, int | None]] = set()
    for record in output.records:
        file, line = relative(record.file), record.lines[0] if record.lines else None
        if record.result == "PASSED":
            gate.passed += 1
        elif record.result == "SKIPPED":
            approval.record_skip(gate, record, record.suppress_comment or "", file, line)
        elif (record.check_id, file, line) not in seen:
            # modules/ and envs/ both reach a module's resources: one finding per check and block.
            seen.add((record.check_id, file, line))
            gate.findings.append(Finding(record.check_id, _severity(record), record.resource, _message(record),
                                         source, file, line))
    return gate


def env_root_for(plan_path: Path) -> Path | None:
    """build/<env>/plan.json was planned in envs/<env>."""
    candidate = ROOT / "envs" / plan_path.resolve().parent.name
    return candidate if candidate.is_dir() else None


def plan_gate(plan_path: Path, out_dir: Path, label: str, root_dir: Path | None = None,
              checks: list[str] | None = None, approval: SkipApproval | None = None) -> GateResult:
    source = f"checkov-plan:{label}"
    gate = GateResult(source=source)
    output = run_checkov(files=[plan_path], out_dir=out_dir, checks=checks)
    gate.errors += _gate_errors(output, expect_custom=checks is None)
    gate.artifacts += [relative(out_dir / n) or n for n in ("results_junitxml.xml", "results_sarif.sarif")]
    index = PlanIndex.load(plan_path, root_dir=root_dir if root_dir is not None else env_root_for(plan_path),
                           label=label)
    approval = approval or SkipApproval()
    for record in output.records:
        if record.result == "PASSED":
            gate.passed += 1
            continue
        resource = index.resources.get(record.resource)
        located = index.locate(resource) if resource else None
        file = relative(located[0]) if located else relative(plan_path)
        line = located[1] if located else (record.lines[0] if record.lines else None)
        skipped = record.result == "SKIPPED"
        if skipped:
            reason: str | None = record.suppress_comment or ""
        else:
            reason = _inline_skip_reason(index, resource, record.check_id) if resource else None
        if skipped or reason:
            approval.record_skip(gate, record, reason or "", file, line)
            continue
        gate.findings.append(Finding(record.check_id, _severity(record), record.resource, _message(record), source,
                                     file, line))
    return gate


def _inline_skip_reason(index: PlanIndex, resource: Any, check_id: str) -> str | None:
    """The reason of a `#checkov:skip=<check_id>:<reason>` in the block that declares the resource."""
    block = index.block_text(resource)
    if not block:
        return None
    _, start, lines = block
    for comment in parse_skip_comments(lines, first_line=start):
        if check_id in comment.check_ids and comment.reason_ok:
            return comment.reason
    return None
