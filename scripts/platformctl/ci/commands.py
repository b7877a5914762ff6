"""`platformctl ci ...`: the plumbing that .gitlab-ci.yml calls around `make plan` / `make apply`.

ci terraform-report ENV   build/ENV/plan.json -> build/ENV/gitlab-terraform-report.json
ci plan-summary ENV       build/ENV/plan.json (+ build/policy/summary.md) -> build/ENV/plan.md
ci apply-check ENV        refuse to apply an errored or OFFLINE plan
ci drift ENV              plan -detailed-exitcode against the real state; exit 2 on drift
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from platformctl.ci import gitlab_report
from platformctl.errors import PlatformError
from platformctl.fsutil import write_atomic
from platformctl.paths import BUILD_DIR, ROOT, env_build_dir

console = Console(highlight=False)
F = TypeVar("F", bound=Callable[..., Any])

REPORT_NAME = "gitlab-terraform-report.json"
SUMMARY_NAME = "plan.md"
POLICY_SUMMARY = BUILD_DIR / "policy" / "summary.md"


def _check_env(env: str) -> None:
    from platformctl.tfrun import check_env_name

    check_env_name(env)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _plan_option(func: F) -> F:
    return click.option(
        "--plan",
        "plan_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Plan JSON to read (default: build/ENV/plan.json).",
    )(func)


@click.group(name="ci")
def group() -> None:
    """GitLab CI plumbing: terraform report, plan summary, apply guard, drift check."""


@group.command("terraform-report")
@click.argument("env")
@_plan_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where to write the report (default: build/ENV/{REPORT_NAME}).",
)
def terraform_report(env: str, plan_path: Path | None, out: Path | None) -> None:
    """Write GitLab's terraform report {create, update, delete} (artifacts:reports:terraform)."""
    _check_env(env)
    plan = gitlab_report.load_plan(plan_path or env_build_dir(env) / "plan.json")
    report = gitlab_report.terraform_report(plan)
    target = out or env_build_dir(env) / REPORT_NAME
    write_atomic(target, gitlab_report.dump_report(report))
    console.print(f"{_rel(target)}: {gitlab_report.dump_report(report).strip()}")


@group.command("plan-summary")
@click.argument("env")
@_plan_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where to write the Markdown (default: build/ENV/{SUMMARY_NAME}).",
)
@click.option(
    "--policy-summary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Markdown policy summary to embed (default: build/policy/summary.md when it exists).",
)
def plan_summary(env: str, plan_path: Path | None, out: Path | None, policy_summary: Path | None) -> None:
    """Write the Markdown plan summary (and the policy summary of `make policy`) of ENV."""
    _check_env(env)
    plan = gitlab_report.load_plan(plan_path or env_build_dir(env) / "plan.json")
    policy_file = policy_summary or POLICY_SUMMARY
    if policy_summary is not None and not policy_summary.is_file():
        raise PlatformError(f"no policy summary at {policy_summary}")
    policy = policy_file.read_text(encoding="utf-8") if policy_file.is_file() else None
    markdown = gitlab_report.plan_summary_markdown(
        env, plan, policy_summary=policy, job_url=os.environ.get("CI_JOB_URL")
    )
    target = out or env_build_dir(env) / SUMMARY_NAME
    write_atomic(target, markdown)
    console.print(f"wrote {_rel(target)}" + ("" if policy is not None else " (no policy summary found)"))


@group.command("apply-check")
@click.argument("env")
@_plan_option
def apply_check(env: str, plan_path: Path | None) -> None:
    """Fail unless build/ENV holds an apply candidate: a finished plan made against the real state."""
    _check_env(env)
    plan = gitlab_report.load_plan(plan_path or env_build_dir(env) / "plan.json")
    info = gitlab_report.digest(plan)
    if info.errored:
        raise PlatformError(f"the plan of {env} errored: nothing to apply")
    if info.offline and env != "local":
        raise PlatformError(
            f"the plan of {env} was made OFFLINE (against the emulator, from an empty state) and must never be "
            f"applied to AWS: set PLAN_OFFLINE=0 and the OIDC role variables, then re-run the pipeline"
        )
    if not (env_build_dir(env) / "plan.tfplan").is_file() and plan_path is None:
        raise PlatformError(f"no binary plan at build/{env}/plan.tfplan: the plan job's artifacts are missing")
    console.print(f"{env}: apply candidate OK ({gitlab_report.terraform_report(plan)})")


@group.command("drift")
@click.argument("env")
def drift(env: str) -> None:
    """Plan ENV with -detailed-exitcode against its real state; exit 2 when AWS differs from the code."""
    from platformctl.catalog import load_inputs
    from platformctl.ci.drift import DriftDetected, check_drift
    from platformctl.tfrun import EnvRunner
    from platformctl.toolchain import ensure_toolchain

    _check_env(env)
    result = check_drift(EnvRunner(ensure_toolchain(), load_inputs(env)))
    if result.drifted:
        raise DriftDetected(f"drift in {env}: {result.headline}; see {_rel(result.summary)}")
    console.print(f"{env}: no drift (AWS matches the code); summary in {_rel(result.summary)}")
