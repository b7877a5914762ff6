"""Run .gitlab-ci.yml on this machine with gitlab-ci-local (`make ci-local`, scripts/ci-local.sh).

gitlab-ci-local 4.56.2 (pinned in package.json) parses the file like GitLab does (extends, rules,
workflow, needs) and runs jobs with the shell executor (`--shell-executor-no-image`: no job has an
image). Without `--shell-isolation` a job runs in the working tree itself, as a shell runner with a
persistent build directory would, so it reuses the repo's .venv, .cache and build/.

What runs for real: lint, validate, security and the plan jobs (OFFLINE plans). What is only checked
through `--preview` and `--list-json` (never run): the apply jobs (manual, default branch only,
from their plan job's artifacts, per-environment resource group and protected environment) and the
drift jobs (scheduled pipelines only). The `test` job runs `make test`, which itself runs a job
through gitlab-ci-local: running it from here would recurse, so it is never run from here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from platformctl.errors import PlatformError, ToolMissingError
from platformctl.paths import ROOT

STAGES = ("lint", "validate", "test", "security", "plan", "apply", "drift")
GATE_JOBS = {"lint": "lint", "validate": "validate", "test": "test", "security": "security"}
# The pipeline's job that runs the whole suite (`make test`): never run by ci-local or by tests.
SUITE_JOB = "test"
GCL_BIN = ROOT / "node_modules" / ".bin" / "gitlab-ci-local"
RUN_FLAGS = ("--shell-executor-no-image", "--concurrency", "1")


class PipelineGraphError(PlatformError):
    """The job graph of .gitlab-ci.yml does not implement the stages the platform requires."""


def real_envs() -> list[str]:
    """The environments that have plan/apply/drift jobs: every catalog environment but the emulator's."""
    from platformctl.catalog.loader import load_catalog
    from platformctl.paths import CONFIG_DIR

    catalog = load_catalog(CONFIG_DIR)
    return [name for name in catalog.environments if not catalog.environment(name).emulator]


def jobs_to_run(envs: Iterable[str]) -> list[str]:
    return ["lint", "validate", "security", *(f"plan:{env}" for env in envs)]


# -- gitlab-ci-local -------------------------------------------------------------------------------
def inside_ci_job() -> bool:
    """True inside a GitLab job or a gitlab-ci-local job (both set CI_JOB_ID)."""
    return bool(os.environ.get("CI_JOB_ID"))


def gcl_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    # A developer's PLAN_OFFLINE=0 must not turn local plans into real ones.
    env.pop("PLAN_OFFLINE", None)
    return env


def remote_note() -> str | None:
    """Why gitlab-ci-local prints warnings about the git remote, when it will (None: it will not).

    gitlab-ci-local derives CI_PROJECT_PATH, CI_SERVER_URL, ... from `git remote get-url origin`
    and, when there is no origin or it is not a GitLab-style URL (a fresh clone of a local path),
    warns and uses fallback values. 4.56.2 runs every job of this pipeline on those fallbacks, so
    nothing is added to .git/config (git only honours remotes configured in the repository itself).
    """
    result = subprocess.run(
        ["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    url = result.stdout.strip()
    if result.returncode == 0 and (
        url.startswith(("http://", "https://", "ssh://")) or ("@" in url and ":" in url.split("@", 1)[1])
    ):
        return None
    what = "no git remote `origin`" if result.returncode else f"git remote `origin` is {url!r}, not a GitLab URL"
    return (
        f"note: {what}: gitlab-ci-local warns and uses fallback project data (CI_PROJECT_PATH, CI_SERVER_URL); "
        f"no job here needs them, and .git/config is left alone"
    )


def gcl(
    args: Sequence[str], *, capture: bool = True, env: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    if not GCL_BIN.is_file():
        raise ToolMissingError("gitlab-ci-local is not installed: run scripts/ci-local.sh --install-only (npm ci)")
    result = subprocess.run(
        [str(GCL_BIN), *args],
        cwd=ROOT,
        env=gcl_env(env),
        text=True,
        capture_output=capture,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip()[-2000:] if capture else ""
        raise PlatformError(f"gitlab-ci-local {' '.join(args)} failed (exit {result.returncode})\n{detail}")
    return result


def preview() -> dict[str, Any]:
    """The pipeline with extends, defaults and anchors expanded (`gitlab-ci-local --preview`)."""
    document = yaml.safe_load(gcl(["--preview"]).stdout)
    if not isinstance(document, dict):
        raise PipelineGraphError("gitlab-ci-local --preview printed no pipeline")
    return document


# Rules are evaluated as for a pipeline of the default branch, whatever branch is checked out.
DEFAULT_BRANCH_VARIABLES = ("--variable", "CI_COMMIT_BRANCH=main", "--variable", "CI_DEFAULT_BRANCH=main")


def list_jobs(pipeline_source: str = "push") -> dict[str, dict[str, Any]]:
    """Jobs with their evaluated `when` in a default-branch pipeline of this source (`--list-json`)."""
    args = [*DEFAULT_BRANCH_VARIABLES, "--variable", f"CI_PIPELINE_SOURCE={pipeline_source}", "--list-json"]
    return {job["name"]: job for job in json.loads(gcl(args).stdout)}


# -- the job graph ---------------------------------------------------------------------------------
def _scripts(job: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in ("before_script", "script", "after_script"):
        value = job.get(key) or []
        lines += [value] if isinstance(value, str) else [str(v) for v in value]
    return lines


def _env_name(job: Mapping[str, Any]) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, str):
        return environment
    return environment.get("name") if isinstance(environment, dict) else None


def _report_paths(job: Mapping[str, Any], kind: str) -> list[str]:
    value = ((job.get("artifacts") or {}).get("reports") or {}).get(kind) or []
    return [value] if isinstance(value, str) else list(value)


def check_graph(
    pipeline: Mapping[str, Any],
    on_push: Mapping[str, Mapping[str, Any]],
    on_schedule: Mapping[str, Mapping[str, Any]],
    envs: Sequence[str],
) -> list[str]:
    """Every way the pipeline falls short of the required graph, as one line each (empty: OK).

    `pipeline` is the --preview document; `on_push` / `on_schedule` map job names to their
    --list-json entries for a default-branch push and for a scheduled pipeline.
    """
    problems: list[str] = []
    stages = [s for s in pipeline.get("stages", []) if s not in (".pre", ".post")]
    if tuple(stages) != STAGES:
        problems.append(f"stages are {stages}, expected {list(STAGES)}")

    def job(name: str) -> Mapping[str, Any]:
        found = pipeline.get(name)
        if not isinstance(found, dict):
            problems.append(f"job {name} is missing")
            return {}
        return found

    def when(listing: Mapping[str, Mapping[str, Any]], name: str) -> str | None:
        return listing.get(name, {}).get("when")

    for name, stage in GATE_JOBS.items():
        spec = job(name)
        if spec and spec.get("stage") != stage:
            problems.append(f"job {name} is in stage {spec.get('stage')}, expected {stage}")
        if spec and when(on_push, name) != "on_success":
            problems.append(f"job {name} does not run in a push pipeline (when: {when(on_push, name)})")
        if spec and when(on_schedule, name) != "never":
            problems.append(f"job {name} runs in scheduled pipelines; only drift jobs should")
    if "make test" not in " ".join(_scripts(job(SUITE_JOB))):
        problems.append(f"job {SUITE_JOB} does not run `make test`")
    security = job("security")
    if security:
        if "make policy" not in " ".join(_scripts(security)):
            problems.append("job security does not run `make policy`")
        if not _report_paths(security, "junit"):
            problems.append("job security has no artifacts:reports:junit (checkov JUnit)")
    for name, spec in pipeline.items():
        if isinstance(spec, dict) and any("| tee" in line for line in _scripts(spec)):
            problems.append(f"job {name} pipes through `| tee`, which hides the exit code of the command")

    for env in envs:
        plan, apply, drift = f"plan:{env}", f"apply:{env}", f"drift:{env}"
        for name, stage in ((plan, "plan"), (apply, "apply"), (drift, "drift")):
            spec = job(name)
            if not spec:
                continue
            if spec.get("stage") != stage:
                problems.append(f"job {name} is in stage {spec.get('stage')}, expected {stage}")
            if spec.get("resource_group") != env:
                problems.append(f"job {name} has resource_group {spec.get('resource_group')!r}, expected {env!r}")
            if _env_name(spec) != env:
                problems.append(f"job {name} has environment {_env_name(spec)!r}, expected {env!r}")
        plan_spec, apply_spec, drift_spec = pipeline.get(plan, {}), pipeline.get(apply, {}), pipeline.get(drift, {})
        if plan_spec:
            if when(on_push, plan) != "on_success":
                problems.append(f"job {plan} does not run in a push pipeline")
            if not _report_paths(plan_spec, "terraform"):
                problems.append(f"job {plan} has no artifacts:reports:terraform")
            paths = " ".join((plan_spec.get("artifacts") or {}).get("paths") or [])
            for artifact in ("plan.tfplan", "plan.json", "plan.md"):
                if artifact not in paths:
                    problems.append(f"job {plan} does not keep {artifact} as an artifact")
        if apply_spec:
            if when(on_push, apply) != "manual":
                problems.append(f"job {apply} is not manual on the default branch (when: {when(on_push, apply)})")
            if when(on_schedule, apply) != "never":
                problems.append(f"job {apply} exists in scheduled pipelines")
            needs = [n if isinstance(n, str) else n.get("job") for n in apply_spec.get("needs") or []]
            artifacts = [n.get("artifacts", True) for n in apply_spec.get("needs") or [] if isinstance(n, dict)]
            if needs != [plan] or not all(artifacts):
                problems.append(f"job {apply} must need exactly {plan} with its artifacts (needs: {needs})")
            rules = json.dumps(apply_spec.get("rules") or [])
            if "CI_DEFAULT_BRANCH" not in rules:
                problems.append(f"job {apply} is not restricted to the default branch")
            tier = (apply_spec.get("environment") or {}).get("deployment_tier")
            if env == "prod" and tier != "production":
                problems.append(f"job {apply} must deploy to deployment_tier production (has {tier!r})")
        if drift_spec:
            if when(on_push, drift) != "never":
                problems.append(f"job {drift} runs in push pipelines; it must run on schedules only")
            if when(on_schedule, drift) != "on_success":
                problems.append(f"job {drift} does not run in scheduled pipelines")
            if "ci drift" not in " ".join(_scripts(drift_spec)):
                problems.append(f"job {drift} does not run the drift check (`platformctl ci drift`)")
    return problems


def verify_graph(envs: Sequence[str] | None = None) -> list[str]:
    """Check the real file through gitlab-ci-local; return the problems."""
    # Sequential: the three runs share gitlab-ci-local's state directory.
    return check_graph(preview(), list_jobs("push"), list_jobs("schedule"), real_envs() if envs is None else envs)


# -- running jobs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobRun:
    name: str
    returncode: int
    seconds: float

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def run_job(name: str, *, extra: Sequence[str] = ()) -> JobRun:
    """Run one job for real (shell executor, in the working tree); output streams to the terminal."""
    if name == SUITE_JOB:
        raise PlatformError(f"refusing to run the `{SUITE_JOB}` job: it runs `make test`, which runs gitlab-ci-local")
    if inside_ci_job():
        raise PlatformError("refusing to run gitlab-ci-local inside a CI job (CI_JOB_ID is set): it would recurse")
    args = ["--job", name, *RUN_FLAGS, "--variable", "PLAN_OFFLINE=1", *extra]
    if not sys.stdout.isatty():
        args.append("--no-color")
    started = time.monotonic()
    result = gcl(args, capture=False, check=False)
    return JobRun(name, result.returncode, time.monotonic() - started)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m platformctl.ci.local [--check-only] [--keep-going] [JOB ...]` (scripts/ci-local.sh)."""
    import argparse

    parser = argparse.ArgumentParser(prog="ci-local", description=__doc__.splitlines()[0])
    parser.add_argument("jobs", nargs="*", help="jobs to run (default: lint, validate, security, plan:<env>...)")
    parser.add_argument("--check-only", action="store_true", help="check the job graph; run no job")
    parser.add_argument("--keep-going", action="store_true", help="run the remaining jobs after a failure")
    options = parser.parse_args(argv)
    try:
        envs = real_envs()
        problems = verify_graph(envs)
        for problem in problems:
            print(f"graph: {problem}", file=sys.stderr)
        if problems:
            print(f"error: the job graph of .gitlab-ci.yml has {len(problems)} problem(s)", file=sys.stderr)
            return 1
        note = remote_note()
        if note:
            print(note)
        print(
            f"graph OK: stages {', '.join(STAGES)}; plan/apply/drift jobs for {', '.join(envs)}: apply manual "
            f"on the default branch from its plan's artifacts, drift on schedules only (neither run here)"
        )
        if options.check_only:
            return 0
        runs: list[JobRun] = []
        for name in options.jobs or jobs_to_run(envs):
            print(f"\n=== gitlab-ci-local --job {name}", flush=True)
            runs.append(run_job(name))
            if not runs[-1].passed and not options.keep_going:
                break
    except PlatformError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print("\njob                  result  wall time")
    for run in runs:
        print(f"{run.name:<20} {'PASS' if run.passed else 'FAIL':<7} {run.seconds:8.1f} s")
    failed = [run.name for run in runs if not run.passed]
    if failed:
        print(f"error: {', '.join(failed)} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
