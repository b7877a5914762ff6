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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.errors import PlatformError, UsageError

# Display order of the kinds of change in the Markdown summary.
KINDS = ("create", "update", "replace", "delete", "forget", "read", "no-op")
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


class PlanFileError(PlatformError):
    """The plan JSON is missing or is not a `terraform show -json` document."""


def kind_of(actions: Iterable[str]) -> str:
    """Classify one `change.actions` list (https://developer.hashicorp.com/terraform/internals/json-format)."""
    actions = list(actions)
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if len(actions) == 1 and actions[0] in KINDS:
        return actions[0]
    raise PlanFileError(f"unknown change actions {actions!r} in the plan JSON")


@dataclass(frozen=True)
class ResourceChange:
    address: str
    type: str
    mode: str
    kind: str
    module: str


@dataclass(frozen=True)
class PlanDigest:
    """What the summaries need from a plan document."""

    changes: tuple[ResourceChange, ...]
    drift: tuple[ResourceChange, ...]
    outputs: dict[str, str]
    offline: bool
    errored: bool
    terraform_version: str
    counts: dict[str, int] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[ResourceChange]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def pending(self) -> bool:
        return any(self.counts.get(kind, 0) for kind in ("create", "update", "replace", "delete", "forget"))


def _resource_changes(entries: Iterable[Mapping[str, Any]]) -> tuple[ResourceChange, ...]:
    return tuple(
        ResourceChange(
            address=entry["address"],
            type=entry.get("type", ""),
            mode=entry.get("mode", "managed"),
            kind=kind_of(entry["change"]["actions"]),
            module=entry.get("module_address", ""),
        )
        for entry in entries
    )


def is_offline_plan(plan: Mapping[str, Any]) -> bool:
    """True when a provider of the plan points at custom endpoints: an OFFLINE (emulator) plan.

    Real environments never configure `endpoints`; `make plan OFFLINE=1` injects them through an
    override file, and so does the `local` env. Such a plan must never be applied to AWS.
    """
    providers = plan.get("configuration", {}).get("provider_config", {})
    return any("endpoints" in (provider.get("expressions") or {}) for provider in providers.values())


def digest(plan: Mapping[str, Any]) -> PlanDigest:
    if "resource_changes" not in plan and "format_version" not in plan:
        raise PlanFileError("not a plan JSON document (no format_version or resource_changes)")
    changes = _resource_changes(plan.get("resource_changes") or [])
    counts = {kind: 0 for kind in KINDS}
    for change in changes:
        counts[change.kind] += 1
    outputs = {
        name: kind_of(value["actions"])
        for name, value in sorted((plan.get("output_changes") or {}).items())
        if value.get("actions") != ["no-op"]
    }
    drift = tuple(c for c in _resource_changes(plan.get("resource_drift") or []) if c.kind != "no-op")
    return PlanDigest(
        changes=changes,
        drift=drift,
        outputs=outputs,
        offline=is_offline_plan(plan),
        errored=bool(plan.get("errored")),
        terraform_version=str(plan.get("terraform_version") or "unknown"),
        counts=counts,
    )


def terraform_report(plan: Mapping[str, Any]) -> dict[str, int]:
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


def _change_table(changes: list[ResourceChange]) -> list[str]:
    lines = ["| | Resource | Type |", "|---|---|---|"]
    for change in sorted(changes, key=lambda c: c.address):
        lines.append(f"| `{SYMBOLS[change.kind]}` | {_cell(change.address)} | {_cell(change.type)} |")
    return lines


def _demote(markdown: str) -> str:
    """Nest an embedded Markdown document one heading level deeper."""
    return "\n".join(f"#{line}" if line.startswith("#") else line for line in markdown.strip().splitlines())


def plan_summary_markdown(
    env: str, plan: Mapping[str, Any], *, policy_summary: str | None = None, job_url: str | None = None
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
def load_plan(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UsageError(f"no plan JSON at {path}: run `make plan ENV=<env>` first")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise PlanFileError(f"{path} is not a plan JSON document")
    return document


def dump_report(report: Mapping[str, int]) -> str:
    return json.dumps(dict(report), sort_keys=True) + "\n"
