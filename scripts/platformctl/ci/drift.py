"""The scheduled drift check: plan an environment with `-detailed-exitcode` against its real state.

Exit code 2 of `terraform plan -detailed-exitcode` means AWS differs from the code on the default
branch (changed outside Terraform, or merged but not applied); either way the schedule must fail.
The plan is written next to the CI plan (build/<env>/drift.tfplan, drift.json) with a Markdown
summary (drift.md) so the failed job shows what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl import localenv
from platformctl.ci.gitlab_report import digest, plan_summary_markdown
from platformctl.errors import PlatformError
from platformctl.fsutil import write_atomic
from platformctl.tfrun import EnvRunner

DRIFT_PLAN = "drift.tfplan"


class DriftDetected(PlatformError):
    """The environment differs from the code; exit 2 like `terraform plan -detailed-exitcode`."""

    exit_code = 2


@dataclass(frozen=True)
class DriftResult:
    env: str
    exit_code: int
    plan_json: Path
    summary: Path
    headline: str

    @property
    def drifted(self) -> bool:
        return self.exit_code == 2


def check_drift(runner: EnvRunner) -> DriftResult:
    """Plan `runner.env` with -detailed-exitcode; write drift.json and drift.md; never raise on drift."""
    if runner.offline and not runner.is_emulator_env:
        # An offline plan starts from an empty state: it always "drifts" and proves nothing.
        raise PlatformError(f"a drift check needs the real state of {runner.env}; it cannot run OFFLINE")
    extra = localenv.EMULATOR_VARS if runner.is_emulator_env else ()
    plan_path = runner.build / DRIFT_PLAN
    with runner.session():
        runner.init()
        code = runner.plan(plan_path, extra=extra, detailed_exitcode=True)
    plan_json = plan_path.with_suffix(".json")
    document = localenv.load(plan_json)
    summary = runner.build / "drift.md"
    write_atomic(summary, plan_summary_markdown(runner.env, document).replace("# Terraform plan:", "# Drift check:", 1))
    counts = digest(document).counts
    headline = ", ".join(f"{counts[k]} {k}" for k in ("create", "update", "replace", "delete", "forget") if counts[k])
    return DriftResult(runner.env, code, plan_json, summary, headline or "no changes")
