"""The job graph check of `make ci-local`, on hand-made graphs (fast) and on the real file (gitlab-ci-local)."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from platformctl.ci import local
from platformctl.errors import PlatformError

ENVS = ("dev", "staging", "prod")


def good_graph() -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """A minimal pipeline that satisfies every rule, as --preview and --list-json would show it."""
    pipeline: dict[str, Any] = {"stages": [".pre", *local.STAGES, ".post"]}
    on_push: dict[str, dict[str, Any]] = {}
    on_schedule: dict[str, dict[str, Any]] = {}
    for name in ("lint", "validate", "test", "security"):
        pipeline[name] = {"stage": name, "script": [f"make {name}"]}
        on_push[name], on_schedule[name] = {"when": "on_success"}, {"when": "never"}
    pipeline["security"] = {
        "stage": "security",
        "script": ["make policy"],
        "artifacts": {"reports": {"junit": "build/policy/*.xml"}},
    }
    for env in ENVS:
        pipeline[f"plan:{env}"] = {
            "stage": "plan",
            "resource_group": env,
            "environment": {"name": env, "action": "prepare"},
            "script": [f"make plan ENV={env}"],
            "artifacts": {
                "paths": [f"build/{env}/plan.tfplan", f"build/{env}/plan.json", f"build/{env}/plan.md"],
                "reports": {"terraform": f"build/{env}/report.json"},
            },
        }
        pipeline[f"apply:{env}"] = {
            "stage": "apply",
            "resource_group": env,
            "needs": [{"job": f"plan:{env}", "artifacts": True}],
            "environment": {"name": env, "deployment_tier": "production" if env == "prod" else "staging"},
            "rules": [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "manual"}],
            "script": [f"make apply ENV={env}"],
        }
        pipeline[f"drift:{env}"] = {
            "stage": "drift",
            "resource_group": env,
            "environment": env,
            "script": [f"platformctl ci drift {env}"],
        }
        on_push[f"plan:{env}"], on_schedule[f"plan:{env}"] = {"when": "on_success"}, {"when": "never"}
        on_push[f"apply:{env}"], on_schedule[f"apply:{env}"] = {"when": "manual"}, {"when": "never"}
        on_push[f"drift:{env}"], on_schedule[f"drift:{env}"] = {"when": "never"}, {"when": "on_success"}
    return pipeline, on_push, on_schedule


def test_a_good_graph_has_no_problems() -> None:
    assert local.check_graph(*good_graph(), ENVS) == []


def test_each_broken_rule_is_named() -> None:
    pipeline, on_push, on_schedule = good_graph()
    broken = copy.deepcopy(pipeline)
    broken["stages"] = ["lint", "test", "validate", "security", "plan", "apply", "drift"]
    broken["apply:prod"]["environment"]["deployment_tier"] = "staging"
    broken["apply:dev"]["needs"] = ["plan:staging"]
    broken["plan:staging"]["resource_group"] = "shared"
    broken["drift:prod"]["script"] = ["make plan ENV=prod"]
    broken["security"]["script"] = ["checkov -d . | tee build/checkov.txt", "make policy"]
    del broken["plan:dev"]["artifacts"]["reports"]
    push = copy.deepcopy(on_push)
    push["apply:staging"]["when"] = "on_success"
    push["drift:dev"]["when"] = "on_success"
    schedule = copy.deepcopy(on_schedule)
    schedule["lint"]["when"] = "on_success"
    problems = local.check_graph(broken, push, schedule, ENVS)
    assert problems == [
        "stages are ['lint', 'test', 'validate', 'security', 'plan', 'apply', 'drift'], expected "
        "['lint', 'validate', 'test', 'security', 'plan', 'apply', 'drift']",
        "job lint runs in scheduled pipelines; only drift jobs should",
        "job security pipes through `| tee`, which hides the exit code of the command",
        "job plan:dev has no artifacts:reports:terraform",
        "job apply:dev must need exactly plan:dev with its artifacts (needs: ['plan:staging'])",
        "job drift:dev runs in push pipelines; it must run on schedules only",
        "job plan:staging has resource_group 'shared', expected 'staging'",
        "job apply:staging is not manual on the default branch (when: on_success)",
        "job apply:prod must deploy to deployment_tier production (has 'staging')",
        "job drift:prod does not run the drift check (`platformctl ci drift`)",
    ]


def test_missing_jobs_are_reported() -> None:
    pipeline, on_push, on_schedule = good_graph()
    del pipeline["apply:staging"], pipeline["test"]
    problems = local.check_graph(pipeline, on_push, on_schedule, ENVS)
    assert "job test is missing" in problems and "job apply:staging is missing" in problems


def test_the_suite_job_is_never_run_and_nothing_runs_inside_a_job(monkeypatch: pytest.MonkeyPatch) -> None:
    assert local.SUITE_JOB not in local.jobs_to_run(ENVS)
    assert local.jobs_to_run(ENVS) == ["lint", "validate", "security", "plan:dev", "plan:staging", "plan:prod"]
    with pytest.raises(PlatformError, match="refusing to run the `test` job"):
        local.run_job("test")
    monkeypatch.setenv("CI_JOB_ID", "42")
    with pytest.raises(PlatformError, match="inside a CI job"):
        local.run_job("lint")


# -- through gitlab-ci-local ------------------------------------------------------------------------
@pytest.mark.ci_local
def test_the_real_pipeline_graph(gitlab_ci_local: None) -> None:
    """Stages in order, gates on push only, plan per env with its resource group, apply manual on the
    default branch from its plan, drift on schedules only: as gitlab-ci-local evaluates the file."""
    assert local.verify_graph() == []
    listed = local.gcl([*local.DEFAULT_BRANCH_VARIABLES, "--list"]).stdout
    assert [line.split()[0] for line in listed.splitlines()[1:] if line.strip()] == [
        "lint",
        "validate",
        "test",
        "security",
        "plan:dev",
        "plan:staging",
        "plan:prod",
        "apply:dev",
        "apply:staging",
        "apply:prod",  # --list leaves out when:never, i.e. the drift jobs
    ]
    assert all(" manual " in line for line in listed.splitlines() if line.startswith("apply:"))


@pytest.mark.ci_local
def test_the_lint_job_runs_green_through_gitlab_ci_local(gitlab_ci_local: None) -> None:
    """A real job (the cheapest: lint) in the shell executor, exactly as `make ci-local` runs it."""
    started = time.monotonic()
    result = local.gcl(["--job", "lint", *local.RUN_FLAGS, "--variable", "PLAN_OFFLINE=1", "--no-color"], check=False)
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "PASS  lint" in output
    for step in ("make fmt-check", "make tfvars-check", "make docs-check", "make lint", "openapi lint-catalog"):
        assert f"$ {step}" in output or step in output, f"the lint job did not run {step}"
    print(f"lint job through gitlab-ci-local: {seconds:.1f} s")
