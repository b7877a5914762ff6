"""Run .gitlab-ci.yml on this machine with gitlab-ci-local (`make ci-local`, scripts/ci-local.sh).

gitlab-ci-local 4.56.2 (pinned in package.json) parses the file like GitLab does (extends, rules,
workflow, needs, default) and runs jobs with the shell executor (`--shell-executor-no-image`: the
jobs' runner image is ignored, the workstation's Terraform and Python are used; build-image, which
needs Docker, is never run). Without `--shell-isolation` a job runs in the working tree itself, as a
shell runner with a persistent build directory would, so it reuses the repo's .venv, .cache and build/.

What runs for real: the merge-request pipeline's jobs in the order of their needs (the gates, the plan
jobs with OFFLINE plans, security and plan-tests on those plans, mr-notes, which posts nothing without
GITLAB_API_TOKEN). Each job's log is read for the plans it made, to show that every environment is
planned exactly once, by its plan job. What is only checked through `--preview` and `--list-json`
(never run): the apply jobs (manual, default branch only, after every gate, from their plan job's
artifacts; prod after staging) and the drift jobs (scheduled pipelines only). The tests that run
gitlab-ci-local themselves skip inside a job (CI_JOB_ID), so nothing recurses.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from platformctl.errors import PlatformError, ToolMissingError
from platformctl.paths import ROOT

STAGES = ("image", "test", "plan", "plan-checks", "feedback", "apply", "drift")
IMAGE_JOB = "build-image"
# The gates that need no plan: they start at once (they need at most the optional build-image job).
GATE_JOBS = ("lint", "validate", "tf-test", "unit", "e2e")
# The jobs that read the plan jobs' plans instead of planning.
PLAN_CHECK_JOBS = ("security", "plan-tests")
FEEDBACK_JOB = "mr-notes"
# Every job an apply must wait for, besides its own plan job.
APPLY_GATES = (*GATE_JOBS, *PLAN_CHECK_JOBS)
# The emulator environment is planned (for the policy gate and the plan tests) but never applied.
EMULATOR_ENV = "local"
GCL_BIN = ROOT / "node_modules" / ".bin" / "gitlab-ci-local"
RUN_FLAGS = ("--shell-executor-no-image", "--concurrency", "1")
# What in a job's script plans an environment; only plan jobs may.
PLANNING = re.compile(
    r"make (?:.*\s)?(?:plan|ci-plan|test)(?:\s|$)"  # make plan / ci-plan / test (which runs the policy's plans)
    r"|make policy(?!.*POLICY_PLANS=)"  # make policy without existing plans plans every env
    r"|tf plan|plan-offline|ci plan\b"
)
# Terraform's summary line of a plan, as `runner.plan(quiet=True)` prints it, and `ci plan`'s report.
PLAN_MADE = re.compile(r"^envs/(?P<env>[a-z0-9-]+): (?:Plan:|No changes\.)", re.M)
PLAN_REUSED = re.compile(r"^ci plan: (?P<env>[a-z0-9-]+): reused the cached plan", re.M)


class PipelineGraphError(PlatformError):
    """The job graph of .gitlab-ci.yml does not implement the stages the platform requires."""


def real_envs() -> list[str]:
    """The environments that have plan/apply/drift jobs: every catalog environment but the emulator's."""
    from platformctl.catalog.loader import load_catalog
    from platformctl.paths import CONFIG_DIR

    catalog = load_catalog(CONFIG_DIR)
    return [name for name in catalog.environments if not catalog.environment(name).emulator]


def plan_jobs(envs: Iterable[str]) -> list[str]:
    return [f"plan:{EMULATOR_ENV}", *(f"plan:{env}" for env in envs)]


def jobs_to_run(envs: Iterable[str]) -> list[str]:
    """The merge-request pipeline's jobs in an order that respects their needs (build-image aside: it needs
    Docker, and ci-local runs every job without an image)."""
    return [*GATE_JOBS, *plan_jobs(envs), *PLAN_CHECK_JOBS, FEEDBACK_JOB]


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


def _main_script(job: Mapping[str, Any]) -> list[str]:
    value = job.get("script") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _env_name(job: Mapping[str, Any]) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, str):
        return environment
    return environment.get("name") if isinstance(environment, dict) else None


def _report_paths(job: Mapping[str, Any], kind: str) -> list[str]:
    value = ((job.get("artifacts") or {}).get("reports") or {}).get(kind) or []
    return [value] if isinstance(value, str) else list(value)


def _needs(job: Mapping[str, Any]) -> dict[str, bool]:
    """name -> artifacts? of each need (a bare name needs the artifacts, as in GitLab)."""
    found: dict[str, bool] = {}
    for need in job.get("needs") or []:
        if isinstance(need, str):
            found[need] = True
        elif isinstance(need, dict) and need.get("job"):
            found[str(need["job"])] = bool(need.get("artifacts", True))
    return found


def _image(job: Mapping[str, Any]) -> str | None:
    image = job.get("image")
    return image.get("name") if isinstance(image, dict) else image


def check_graph(
    pipeline: Mapping[str, Any],
    on_push: Mapping[str, Mapping[str, Any]],
    on_schedule: Mapping[str, Mapping[str, Any]],
    on_merge_request: Mapping[str, Mapping[str, Any]],
    envs: Sequence[str],
) -> list[str]:
    """Every way the pipeline falls short of the required graph, as one line each (empty: OK).

    `pipeline` is the --preview document (extends and default: merged into each job); the `on_*`
    arguments map job names to their --list-json entries for a default-branch push, a scheduled and a
    merge-request pipeline.
    """
    problems: list[str] = []
    stages = [s for s in pipeline.get("stages", []) if s not in (".pre", ".post")]
    if tuple(stages) != STAGES:
        problems.append(f"stages are {stages}, expected {list(STAGES)}")
    jobs = {name: spec for name, spec in pipeline.items() if isinstance(spec, dict) and "script" in spec}

    def job(name: str) -> Mapping[str, Any]:
        found = jobs.get(name)
        if found is None:
            problems.append(f"job {name} is missing")
            return {}
        return found

    def when(listing: Mapping[str, Mapping[str, Any]], name: str) -> str | None:
        return listing.get(name, {}).get("when")

    plans = plan_jobs(envs)
    for name, spec in jobs.items():
        if not _image(spec):
            problems.append(f"job {name} has no image (neither its own nor default:image)")
        if any("| tee" in line for line in _scripts(spec)):
            problems.append(f"job {name} pipes through `| tee`, which hides the exit code of the command")
        if name not in plans and any(PLANNING.search(line) for line in _main_script(spec)):
            problems.append(f"job {name} plans an environment; only the plan jobs may (use their artifacts)")

    image_job = job(IMAGE_JOB)
    if image_job:
        if image_job.get("stage") != "image":
            problems.append(f"job {IMAGE_JOB} is in stage {image_job.get('stage')}, expected image")
        if "/runner:" in (_image(image_job) or ""):
            problems.append(f"job {IMAGE_JOB} runs in the image it builds")
        if "changes" not in json.dumps(image_job.get("rules") or []):
            problems.append(f"job {IMAGE_JOB} has no rules:changes (it would rebuild the image in every pipeline)")
    for name in (*GATE_JOBS, *plans):
        spec = job(name)
        if not spec:
            continue
        if set(_needs(spec)) - {IMAGE_JOB}:
            problems.append(f"job {name} waits for {sorted(set(_needs(spec)) - {IMAGE_JOB})}; it should start at once")
        if "needs" not in spec:
            problems.append(f"job {name} has no needs: it waits for every earlier stage")
    for name in GATE_JOBS:
        spec = job(name)
        if spec and not all(line.startswith("make ") for line in _main_script(spec)):
            problems.append(f"job {name} runs something other than `make` targets: {_main_script(spec)}")
    for name in (*GATE_JOBS, *plans, *PLAN_CHECK_JOBS):
        if name not in jobs:
            continue
        if when(on_push, name) != "on_success":
            problems.append(f"job {name} does not run in a push pipeline (when: {when(on_push, name)})")
        if when(on_merge_request, name) != "on_success":
            problems.append(f"job {name} does not run in a merge-request pipeline")
        if when(on_schedule, name) != "never":
            problems.append(f"job {name} runs in scheduled pipelines; only drift jobs should")

    for name in PLAN_CHECK_JOBS:
        spec = job(name)
        if spec and _needs(spec) != dict.fromkeys(plans, True):
            problems.append(f"job {name} must need exactly the plan jobs with their artifacts (needs: {_needs(spec)})")
    security = job("security")
    if security:
        if not any("make policy POLICY_PLANS=" in line for line in _main_script(security)):
            problems.append("job security does not scan the plan jobs' plans (`make policy POLICY_PLANS=build`)")
        for kind in ("junit", "sast", "codequality"):
            if not _report_paths(security, kind):
                problems.append(f"job security has no artifacts:reports:{kind}")
    feedback = job(FEEDBACK_JOB)
    if feedback:
        if _needs(feedback) != {**dict.fromkeys(plans, True), "security": True}:
            problems.append(f"job {FEEDBACK_JOB} must need the plan jobs and security with artifacts")
        if when(on_merge_request, FEEDBACK_JOB) != "always":
            problems.append(f"job {FEEDBACK_JOB} must run (when: always) in merge-request pipelines")
        if FEEDBACK_JOB in on_push and when(on_push, FEEDBACK_JOB) != "never":
            problems.append(f"job {FEEDBACK_JOB} runs outside merge-request pipelines")

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
        apply_spec, drift_spec = jobs.get(apply, {}), jobs.get(drift, {})
        if apply_spec:
            if when(on_push, apply) != "manual":
                problems.append(f"job {apply} is not manual on the default branch (when: {when(on_push, apply)})")
            if when(on_schedule, apply) != "never":
                problems.append(f"job {apply} exists in scheduled pipelines")
            needs = _needs(apply_spec)
            expected = {plan: True, **dict.fromkeys(APPLY_GATES, False)}
            if env == "prod":
                expected["apply:staging"] = False
            if needs != expected:
                problems.append(
                    f"job {apply} must need {plan} with its artifacts and, without artifacts, "
                    f"{', '.join(k for k, v in expected.items() if not v)} (needs: {needs})"
                )
            if "CI_DEFAULT_BRANCH" not in json.dumps(apply_spec.get("rules") or []):
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
    for name in plans:
        spec = jobs.get(name)
        if not spec:
            continue
        if not any("make ci-plan" in line for line in _main_script(spec)):
            problems.append(f"job {name} does not plan with `make ci-plan`")
        artifacts = spec.get("artifacts") or {}
        if artifacts.get("access") != "none":
            problems.append(f"job {name} keeps its plan readable by every developer (artifacts:access must be none)")
        paths = " ".join(artifacts.get("paths") or [])
        for artifact in ("plan.tfplan", "plan.json", "plan.md"):
            if artifact not in paths:
                problems.append(f"job {name} does not keep {artifact} as an artifact")
        if not _report_paths(spec, "terraform"):
            problems.append(f"job {name} has no artifacts:reports:terraform")
    return problems


def verify_graph(envs: Sequence[str] | None = None) -> list[str]:
    """Check the real file through gitlab-ci-local; return the problems."""
    # Sequential: the runs share gitlab-ci-local's state directory.
    return check_graph(
        preview(),
        list_jobs("push"),
        list_jobs("schedule"),
        list_jobs("merge_request_event"),
        real_envs() if envs is None else envs,
    )


def plan_counts(log: str) -> dict[str, tuple[int, int]]:
    """env -> (plans made, cached plans reused) in a job's log."""
    made: dict[str, int] = {}
    reused: dict[str, int] = {}
    for match in PLAN_MADE.finditer(log):
        made[match["env"]] = made.get(match["env"], 0) + 1
    for match in PLAN_REUSED.finditer(log):
        reused[match["env"]] = reused.get(match["env"], 0) + 1
    return {env: (made.get(env, 0), reused.get(env, 0)) for env in sorted({*made, *reused})}


# -- running jobs ----------------------------------------------------------------------------------
# gitlab-ci-local 4.56.2 runs every job that names an image in Docker (--shell-executor-no-image only
# covers jobs without one), and default:image gives every job the runner image. Jobs therefore run from
# a copy of the pipeline without `image:` and `services:` (anchors resolved); nothing else differs.
SHELL_PIPELINE = ".gitlab-ci-local/shell-executor.gitlab-ci.yml"


def without_images(document: Mapping[str, Any]) -> dict[str, Any]:
    """The pipeline with every image and service removed (default: and jobs), for the shell executor."""
    copy = json.loads(json.dumps(document))
    for spec in [copy.get("default"), *copy.values()]:
        if isinstance(spec, dict):
            spec.pop("image", None)
            spec.pop("services", None)
    return copy


def write_shell_pipeline() -> str:
    source = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    target = ROOT / SHELL_PIPELINE
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "# Generated by make ci-local from .gitlab-ci.yml without image:/services: (shell executor).\n"
    target.write_text(header + yaml.safe_dump(without_images(source), sort_keys=False), encoding="utf-8")
    return SHELL_PIPELINE


# The jobs run as in a merge-request pipeline (the rules of mr-notes, the workflow's first rule).
MR_VARIABLES = ("--variable", "CI_PIPELINE_SOURCE=merge_request_event", "--variable", "CI_MERGE_REQUEST_IID=1")


@dataclass(frozen=True)
class JobRun:
    name: str
    returncode: int
    seconds: float
    plans: dict[str, tuple[int, int]]

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def run_job(name: str, *, extra: Sequence[str] = ()) -> JobRun:
    """Run one job for real (shell executor, in the working tree); its output streams to the terminal and is
    read for the plans it made."""
    if inside_ci_job():
        raise PlatformError("refusing to run gitlab-ci-local inside a CI job (CI_JOB_ID is set): it would recurse")
    if not GCL_BIN.is_file():
        raise ToolMissingError("gitlab-ci-local is not installed: run scripts/ci-local.sh --install-only (npm ci)")
    args = [
        "--file",
        write_shell_pipeline(),
        "--job",
        name,
        *RUN_FLAGS,
        *MR_VARIABLES,
        "--variable",
        "PLAN_OFFLINE=1",
        *extra,
    ]
    if os.environ.get("CI_LOCAL_EMULATOR_PORT"):
        # Another port than the pipeline's 5055, e.g. when two checkouts run ci-local at once.
        args += ["--variable", f"PLATFORM_EMULATOR_PORT={os.environ['CI_LOCAL_EMULATOR_PORT']}"]
    if not sys.stdout.isatty():
        args.append("--no-color")
    env = gcl_env()
    # A developer's token must never post notes from a workstation run.
    env.pop("GITLAB_API_TOKEN", None)
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        [str(GCL_BIN), *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        bufsize=1,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
    # gitlab-ci-local prefixes every line of a job with the job's name (and, on a terminal, colours).
    log = "".join(_job_line(line) for line in lines)
    return JobRun(name, process.returncode, time.monotonic() - started, plan_counts(log))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PREFIX = re.compile(r"^\S+\s+(?:>|\$)\s?")


def _job_line(line: str) -> str:
    return _PREFIX.sub("", _ANSI.sub("", line), count=1)


def plan_report(runs: Sequence[JobRun], envs: Sequence[str]) -> tuple[list[str], list[str]]:
    """(report lines, problems): how often each env was planned, and by which jobs."""
    lines, problems = [], []
    for env in [EMULATOR_ENV, *envs]:
        made = {run.name: run.plans[env][0] for run in runs if run.plans.get(env, (0, 0))[0]}
        reused = sum(run.plans.get(env, (0, 0))[1] for run in runs)
        total = sum(made.values())
        where = ", ".join(f"{job} x{count}" for job, count in made.items()) or "-"
        lines.append(f"{env:<10} {total:>7} {reused:>7}   {where}")
        outside = [job for job in made if job != f"plan:{env}"]
        if outside:
            problems.append(f"{env} was planned by {', '.join(outside)}, not only by plan:{env}")
        if total + reused > 1:
            problems.append(f"{env} was planned {total} time(s) and a cached plan reused {reused} time(s)")
    return lines, problems


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m platformctl.ci.local [--check-only] [--keep-going] [JOB ...]` (scripts/ci-local.sh)."""
    import argparse

    parser = argparse.ArgumentParser(prog="ci-local", description=__doc__.splitlines()[0])
    parser.add_argument("jobs", nargs="*", help="jobs to run (default: every job of a merge-request pipeline)")
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
            f"graph OK: stages {', '.join(STAGES)}; {', '.join(GATE_JOBS)} and {', '.join(plan_jobs(envs))} start "
            f"at once; {', '.join(PLAN_CHECK_JOBS)} read the plan jobs' plans; every job has an image; apply "
            f"manual on the default branch after every gate, from its own plan (prod after staging); drift on "
            f"schedules only (neither run here)"
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
    report, plan_problems = plan_report(runs, envs)
    print("\nenv        planned  reused   by job (terraform plan summaries in the job logs)")
    print("\n".join(report))
    for problem in plan_problems:
        print(f"error: {problem}", file=sys.stderr)
    failed = [run.name for run in runs if not run.passed]
    if failed:
        print(f"error: {', '.join(failed)} failed", file=sys.stderr)
    return 1 if failed or plan_problems else 0


if __name__ == "__main__":
    sys.exit(main())
