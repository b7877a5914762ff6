"""`platformctl ci ...`: the plumbing that .gitlab-ci.yml calls around `make plan` / `make apply`.

ci plan ENV [--offline]   plan ENV once into build/ENV/ (OFFLINE: through the plan cache)
ci terraform-report ENV   build/ENV/plan.json -> build/ENV/gitlab-terraform-report.json
ci plan-summary ENV       build/ENV/plan.json (+ build/policy/summary.md) -> build/ENV/plan.md
ci apply-check ENV        refuse to apply an errored or OFFLINE plan
ci drift ENV              plan -detailed-exitcode against the real state; exit 2 on drift
ci image-tag [--check]    the runner image's tag in .gitlab-ci.yml = digest of ci/Dockerfile + lock files
ci codequality            build/policy/gates.json -> build/policy/codequality.json
ci mr-notes ENV...        one sticky merge-request note per env: plan summary + policy result
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from platformctl.ci import gitlab_report
from platformctl.errors import PlatformError
from platformctl.fsutil import write_atomic
from platformctl.paths import BUILD_DIR, ROOT, env_build_dir

console = Console(highlight=False, soft_wrap=True)
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


@group.command("plan")
@click.argument("env")
@click.option("--offline", is_flag=True, help="Plan against the emulator from an empty state (no credentials).")
def plan(env: str, offline: bool) -> None:
    """Plan ENV exactly once into build/ENV/plan.tfplan and plan.json (the plan job of the pipeline).

    An OFFLINE plan (and any plan of the emulator env) is the plan cache's: planned unless the cache
    already holds one for these inputs, then copied to build/ENV/. `make policy`, the plan-JSON tests
    and `tf plan-offline` find the same plan there, so nothing plans it again."""
    from platformctl.catalog import load_catalog, resolve
    from platformctl.paths import CONFIG_DIR
    from platformctl.tfrun import EnvRunner
    from platformctl.toolchain import ensure_toolchain

    _check_env(env)
    catalog = load_catalog(CONFIG_DIR)
    inputs = resolve(catalog, env)
    target = env_build_dir(env)
    if offline or inputs.emulator:
        from platformctl import plancache

        was_cached = plancache.cached_plan(env).is_file()
        plan_json = plancache.offline_plan(catalog, env)
        target.mkdir(parents=True, exist_ok=True)
        for name in ("plan.json", "plan.tfplan"):
            source = plan_json.with_name(name)
            if source.is_file():
                shutil.copyfile(source, target / name)
        how = "reused the cached plan" if was_cached else "planned"
        console.print(f"ci plan: {env}: {how} OFFLINE ({_rel(plan_json)}) -> {_rel(target)}/plan.json")
        return
    runner = EnvRunner(ensure_toolchain(), inputs)
    with runner.session():
        runner.init()
        runner.plan(runner.build / "plan.tfplan")
    console.print(f"ci plan: {env}: planned against its real state -> {_rel(runner.build)}/plan.json")


@group.command("cached-plans")
@click.argument("envs", nargs=-1, required=True)
def cached_plans(envs: tuple[str, ...]) -> None:
    """Fail unless the plan cache holds today's OFFLINE plan of every ENV (plan-tests: the plan jobs' artifacts).

    The plan-JSON tests would otherwise plan a missing environment themselves, silently, a second time."""
    from platformctl import plancache

    for env in envs:
        _check_env(env)
    missing = [env for env in envs if not plancache.cached_plan(env).is_file()]
    if missing:
        raise PlatformError(
            f"no cached OFFLINE plan for the current inputs of {', '.join(missing)}: the plan jobs' artifacts are "
            f"missing, the inputs changed since they planned, or PLAN_OFFLINE=0 (real plans are not cached)"
        )
    console.print(f"cached OFFLINE plans of {', '.join(envs)} match the current inputs: nothing will be planned again")


@group.command("image-tag")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if RUNNER_IMAGE_TAG is stale.")
def image_tag(check: bool) -> None:
    """Keep .gitlab-ci.yml's RUNNER_IMAGE_TAG equal to the digest of the runner image's inputs."""
    from platformctl.ci import image

    digest = image.image_digest()
    if check:
        current = image.pipeline_tag(image.PIPELINE.read_text(encoding="utf-8"))
        if current != digest:
            raise PlatformError(
                f"RUNNER_IMAGE_TAG in .gitlab-ci.yml is {current}, but {', '.join(image.IMAGE_INPUTS)} hash to "
                f"{digest}: run `make ci-image-tag` and commit"
            )
        console.print(f"runner image tag {digest} matches {', '.join(image.IMAGE_INPUTS)}")
        return
    tag, changed = image.update_pipeline()
    console.print(f"RUNNER_IMAGE_TAG {'set to' if changed else 'already'} {tag}")


GATES_FILE = BUILD_DIR / "policy" / "gates.json"


def _gates_option(func: F) -> F:
    return click.option(
        "--gates",
        "gates_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=GATES_FILE,
        show_default=True,
        help="Results of `platformctl policy run` (in CI: the security job's artifacts).",
    )(func)


@group.command("codequality")
@_gates_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=BUILD_DIR / "policy" / "codequality.json",
    show_default=True,
)
def codequality(gates_path: Path, out: Path) -> None:
    """Write the plan-rule and skip-comment findings as a GitLab Code Quality report."""
    from platformctl.ci import policy_result

    issues = policy_result.codequality(policy_result.load_gates(gates_path))
    write_atomic(out, json.dumps(issues, indent=1) + "\n")
    console.print(f"{_rel(out)}: {len(issues)} Code Quality issue(s)")


@group.command("mr-notes")
@click.argument("envs", nargs=-1, required=True)
@_gates_option
@click.option("--dry-run", is_flag=True, help="Print the notes instead of posting them.")
def mr_notes(envs: tuple[str, ...], gates_path: Path, dry_run: bool) -> None:
    """Post or update one merge-request note per ENV: its plan summary and the policy gates that judged it.

    Needs GITLAB_API_TOKEN (project access token, scope `api`) in a merge-request pipeline; without it the
    command says why and exits 0."""
    from platformctl.ci import mr_note, policy_result

    for env in envs:
        _check_env(env)
    gates = policy_result.load_gates(gates_path) if gates_path.is_file() else None
    bodies = []
    for env in envs:
        plan_file = env_build_dir(env) / "plan.json"
        if plan_file.is_file():
            policy = (
                policy_result.env_policy_markdown(gates, env)
                if gates is not None
                else "# Policy gate: NO RESULT\n\nThe security job left no gate results (it failed to run).\n"
            )
            summary = gitlab_report.plan_summary_markdown(
                env, gitlab_report.load_plan(plan_file), policy_summary=policy, job_url=None
            )
        else:
            summary = (
                f"# Terraform plan: `{env}`\n\n> **No plan**: the plan job of `{env}` left no plan.json "
                f"(it failed or did not run). Read its job log.\n"
            )
        bodies.append((env, mr_note.note_body(env, summary, pipeline_url=os.environ.get("CI_PIPELINE_URL"))))
    if dry_run:
        for _, body in bodies:
            console.print(body, markup=False)
        return
    target = mr_note.NoteTarget.from_env(os.environ)
    if isinstance(target, str):
        console.print(f"mr-notes: skipped: {target}", markup=False)
        return
    for env, action, note_id in mr_note.post_notes(target, bodies):
        console.print(f"mr-notes: {env}: {action} note {note_id}")
