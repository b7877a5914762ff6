"""Turn a plan JSON (`terraform show -json`) into what GitLab shows on a merge request.

- the terraform report (`artifacts:reports:terraform`): exactly `{"create": n, "update": n, "delete": n}`,
  counted like GitLab's own `gitlab-terraform`: a replace is one create plus one delete; reads (data
  sources), no-ops and forgets are not counted;
- a Markdown plan summary: counts, every changed resource grouped by action, output changes, drift
  found by the refresh, and the policy summary of `make policy` when one is given.

Pure functions over the parsed document; the CLI edge in commands.py reads and writes the files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.errors import UsageError
from platformctl.planjson import KINDS, Change, Plan, PlanFileError, kind_of

__all__ = ["KINDS", "PlanDigest", "PlanFileError", "digest", "kind_of", "load_plan"]

HEADINGS = {
    "create": "to create",
    "update": "to update in place",
    "replace": "to replace (destroy and re-create)",
    "delete": "to destroy",
    "forget": "to forget (removed from state, left in AWS)",
    "read": "data sources read during apply",
    "no-op": "unchanged",
}
SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "forget": ".", "read": "<=", "no-op": " "}


@dataclass(frozen=True)
class PlanDigest:
    """What the summaries need from a plan document."""

    changes: tuple[Change, ...]
    drift: tuple[Change, ...]
    outputs: dict[str, str]
    offline: bool
    errored: bool
    terraform_version: str
    counts: dict[str, int] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def pending(self) -> bool:
        return any(self.counts.get(kind, 0) for kind in ("create", "update", "replace", "delete", "forget"))


def digest(plan: Mapping[str, Any] | Plan) -> PlanDigest:
    reader = plan if isinstance(plan, Plan) else Plan.checked(plan)
    counts = {kind: 0 for kind in KINDS}
    for change in reader.changes:
        counts[change.kind] += 1
    return PlanDigest(
        changes=reader.changes,
        drift=tuple(change for change in reader.drift if change.kind != "no-op"),
        outputs=reader.output_changes,
        offline=reader.offline,
        errored=bool(reader.document.get("errored")),
        terraform_version=str(reader.document.get("terraform_version") or "unknown"),
        counts=counts,
    )


def terraform_report(plan: Mapping[str, Any] | Plan) -> dict[str, int]:
    """The GitLab terraform report: a replace counts as one create and one delete."""
    counts = digest(plan).counts
    return {
        "create": counts["create"] + counts["replace"],
        "update": counts["update"],
        "delete": counts["delete"] + counts["replace"],
    }


def _headline(counts: Mapping[str, int]) -> str:
    report_create = counts["create"] + counts["replace"]
    report_delete = counts["delete"] + counts["replace"]
    text = f"{report_create} to add, {counts['update']} to change, {report_delete} to destroy"
    extras = []
    if counts["replace"]:
        extras.append(f"{counts['replace']} of them replaced")
    if counts["forget"]:
        extras.append(f"{counts['forget']} to forget")
    return text + (f" ({', '.join(extras)})" if extras else "")


def _cell(text: str) -> str:
    """A Markdown table cell in code style; a `|` in a for_each key would end the cell."""
    return "`" + text.replace("|", "\\|") + "`"


def _change_table(changes: list[Change]) -> list[str]:
    lines = ["| | Resource | Type |", "|---|---|---|"]
    for change in sorted(changes, key=lambda c: c.address):
        lines.append(f"| `{SYMBOLS[change.kind]}` | {_cell(change.address)} | {_cell(change.type)} |")
    return lines


def _demote(markdown: str) -> str:
    """Nest an embedded Markdown document one heading level deeper."""
    return "\n".join(f"#{line}" if line.startswith("#") else line for line in markdown.strip().splitlines())


def plan_summary_markdown(
    env: str, plan: Mapping[str, Any] | Plan, *, policy_summary: str | None = None, job_url: str | None = None
) -> str:
    """The Markdown plan summary of one environment (a merge-request comment or a job artifact)."""
    info = digest(plan)
    lines = [f"# Terraform plan: `{env}`", ""]
    if info.errored:
        lines += ["> **The plan errored**: Terraform could not finish it. Read the job log.", ""]
    lines += [f"**Plan:** {_headline(info.counts)}." if info.pending else "**No changes.** AWS matches the code.", ""]
    if info.offline and env != "local":
        lines += [
            "> Planned **OFFLINE** against the local emulator from an empty state (no AWS credentials in this",
            "> pipeline: `PLAN_OFFLINE=1`). It shows the full intent of the environment; it is not an apply",
            "> candidate, and the apply job refuses it.",
            "",
        ]
    lines += ["| Change | Count |", "|---|---:|"]
    lines += [f"| {HEADINGS[kind]} | {info.counts[kind]} |" for kind in KINDS if info.counts[kind]]
    lines.append("")
    for kind in ("create", "update", "replace", "delete", "forget"):
        changes = info.of_kind(kind)
        if changes:
            lines += [f"<details><summary>{len(changes)} {HEADINGS[kind]}</summary>", ""]
            lines += _change_table(changes)
            lines += ["", "</details>", ""]
    if info.outputs:
        lines += ["## Output changes", "", "| Output | Change |", "|---|---|"]
        lines += [f"| {_cell(name)} | {kind} |" for name, kind in info.outputs.items()]
        lines.append("")
    if info.drift:
        lines += [
            "## Changed outside of Terraform",
            "",
            "The refresh found these objects changed in AWS since the last apply:",
            "",
        ]
        lines += _change_table(list(info.drift))
        lines.append("")
    if policy_summary is not None:
        lines += ["## Policy", "", _demote(policy_summary), ""]
    footer = f"Terraform {info.terraform_version}"
    if job_url:
        footer += f" · [job log]({job_url})"
    lines += ["---", footer, ""]
    return "\n".join(lines)


# -- file edges ---------------------------------------------------------------------------------
def load_plan(path: Path) -> Plan:
    if not path.is_file():
        raise UsageError(f"no plan JSON at {path}: run `make plan ENV=<env>` first")
    return Plan.load(path)


def dump_report(report: Mapping[str, int]) -> str:
    return json.dumps(dict(report), sort_keys=True) + "\n"
