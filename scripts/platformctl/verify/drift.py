"""Idempotency and drift: `terraform plan -detailed-exitcode` must report no pending change."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformctl.planjson import Plan
from platformctl.tfrun import EnvRunner, TerraformError
from platformctl.verify.model import CheckResult

GROUP = "drift"
NAME = "terraform plan -detailed-exitcode reports no pending change"


def pending_changes(plan: dict[str, Any]) -> list[str]:
    """`<actions> <address>` of every managed resource the plan would change."""
    return sorted(f"{'/'.join(change.actions)} {change.address}" for change in Plan(plan).pending())


def check_plan(exit_code: int, plan: dict[str, Any] | None) -> CheckResult:
    """Pure part: interpret the exit code and plan JSON of `plan -detailed-exitcode`."""
    if exit_code == 0:
        return CheckResult.passed(GROUP, NAME, "no changes: the deployment matches the configuration")
    if exit_code == 2:
        pending = pending_changes(plan or {})
        outputs = sorted((plan or {}).get("output_changes") or {})
        reason = f"{len(pending)} pending resource change(s)"
        if not pending:
            reason = "only output changes pending" if outputs else "pending changes"
        details = tuple(pending) + tuple(f"output {name} changes" for name in outputs if not pending)
        return CheckResult.failed(GROUP, NAME, reason, details)
    return CheckResult.failed(GROUP, NAME, f"terraform plan failed (exit {exit_code})")


def run_drift_plan(runner: EnvRunner, out: Path, extra: Sequence[str] = ()) -> CheckResult:
    """Plan the env (in an active runner session) to `out`; the JSON goes next to it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=60s", "-out", str(out), *extra]
    result = runner.run(args, check=False, quiet=True)
    if result.returncode not in (0, 2):
        tail = "\n".join((result.stderr or result.stdout or "").strip().splitlines()[-10:])
        raise TerraformError(f"terraform plan failed in envs/{runner.env} (exit {result.returncode}): {tail}")
    plan = runner.show_json(out, out.with_suffix(".json")) if result.returncode == 2 else None
    return check_plan(result.returncode, plan)
