"""The job graph check of `make ci-local`, on hand-made graphs (fast) and on the real file (gitlab-ci-local)."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
import yaml

from platformctl.ci import local
from platformctl.errors import PlatformError
from platformctl.paths import ROOT

ENVS = ("dev", "staging", "prod")
IMAGE = {"name": "registry.example/platform/runner:0123456789abcdef"}


def good_graph() -> tuple[dict[str, Any], ...]:
    """A minimal pipeline that satisfies every rule, as --preview and --list-json would show it."""
    pipeline: dict[str, Any] = {"stages": [".pre", *local.STAGES, ".post"]}
    on_push: dict[str, dict[str, Any]] = {}
    on_schedule: dict[str, dict[str, Any]] = {}
    on_mr: dict[str, dict[str, Any]] = {}
    start_now = [{"job": "build-image", "artifacts": True, "optional": True}]
    plans = local.plan_jobs(ENVS)
    plan_needs = [{"job": name, "artifacts": True} for name in plans]

    def gate(name: str, spec: dict[str, Any]) -> None:
        pipeline[name] = {"image": IMAGE, **spec}
        on_push[name] = on_mr[name] = {"when": "on_success"}
        on_schedule[name] = {"when": "never"}

    pipeline["build-image"] = {
        "stage": "image",
        "image": {"name": "docker:27.5.1"},
        "rules": [{"changes": ["ci/Dockerfile"]}],
        "script": ["docker build ."],
    }
    for name in local.GATE_JOBS:
        gate(name, {"stage": "test", "needs": start_now, "script": [f"make {name}"]})
    for name in plans:
        env = name.split(":", 1)[1]
        spec: dict[str, Any] = {
            "stage": "plan",
            "needs": start_now,
            "script": [f"make ci-plan ENV={env} OFFLINE=1", f"platformctl ci plan-summary {env}"],
            "artifacts": {
                "access": "none",
                "paths": [f"build/{env}/plan.tfplan", f"build/{env}/plan.json", f"build/{env}/plan.md"],
                "reports": {"terraform": f"build/{env}/report.json"},
            },
        }
        if env != "local":
            spec |= {"resource_group": env, "environment": {"name": env, "action": "prepare"}}
        gate(name, spec)
    reports = {"junit": "build/policy/*.xml", "sast": "build/policy/s.json", "codequality": "build/policy/c.json"}
    gate(
        "security",
        {
            "stage": "plan-checks",
            "needs": plan_needs,
            "script": ["make policy POLICY_PLANS=build"],
            "artifacts": {"reports": reports},
        },
    )
    gate("plan-tests", {"stage": "plan-checks", "needs": plan_needs, "script": ["make unit PYTEST_ARGS=tests/plans"]})
    pipeline["mr-notes"] = {
        "stage": "feedback",
        "image": IMAGE,
        "needs": [*plan_needs, {"job": "security", "artifacts": True}],
        "script": ["make ci-mr-notes"],
    }
    on_mr["mr-notes"], on_push["mr-notes"], on_schedule["mr-notes"] = (
        {"when": "always"},
        {"when": "never"},
        {"when": "never"},
    )
    gates = [{"job": name, "artifacts": False} for name in local.APPLY_GATES]
    for env in ENVS:
        needs = [{"job": f"plan:{env}", "artifacts": True}, *gates]
        if env == "prod":
            needs.append({"job": "apply:staging", "artifacts": False})
        pipeline[f"apply:{env}"] = {
            "stage": "apply",
            "image": IMAGE,
            "resource_group": env,
            "needs": needs,
            "environment": {"name": env, "deployment_tier": "production" if env == "prod" else "staging"},
            "rules": [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "manual"}],
            "script": [f"make apply ENV={env}"],
        }
        pipeline[f"drift:{env}"] = {
            "stage": "drift",
            "image": IMAGE,
            "needs": [],
            "resource_group": env,
            "environment": env,
            "script": [f"platformctl ci drift {env}"],
        }
        on_push[f"apply:{env}"], on_schedule[f"apply:{env}"] = {"when": "manual"}, {"when": "never"}
        on_push[f"drift:{env}"], on_schedule[f"drift:{env}"] = {"when": "never"}, {"when": "on_success"}
    return pipeline, on_push, on_schedule, on_mr


def test_a_good_graph_has_no_problems() -> None:
    assert local.check_graph(*good_graph(), ENVS) == []


def test_each_broken_rule_is_named() -> None:
    pipeline, on_push, on_schedule, on_mr = good_graph()
    broken = copy.deepcopy(pipeline)
    broken["stages"] = ["lint", "test", "plan", "apply", "drift"]
    broken["unit"]["needs"] = [{"job": "lint", "artifacts": False}]  # no longer starts at once
    broken["validate"]["script"] = ["make validate", "terraform test"]  # not a make part
    del broken["e2e"]["image"]
    broken["security"]["script"] = ["make policy"]  # plans every env again
    broken["security"]["artifacts"]["reports"].pop("sast")
    broken["plan-tests"]["needs"] = broken["plan-tests"]["needs"][1:]  # misses plan:local
    broken["plan:dev"]["artifacts"]["access"] = "developer"
    broken["plan:staging"]["resource_group"] = "shared"
    broken["apply:dev"]["needs"] = [{"job": "plan:staging", "artifacts": True}]
    broken["apply:prod"]["needs"] = [n for n in broken["apply:prod"]["needs"] if n["job"] != "apply:staging"]
    broken["apply:prod"]["environment"]["deployment_tier"] = "staging"
    broken["drift:prod"]["script"] = ["platformctl ci plan prod"]
    broken["build-image"]["rules"] = [{"when": "on_success"}]
    push = copy.deepcopy(on_push)
    push["apply:staging"]["when"] = "on_success"
    push["drift:dev"]["when"] = "on_success"
    schedule = copy.deepcopy(on_schedule)
    schedule["lint"]["when"] = "on_success"
    mr = copy.deepcopy(on_mr)
    mr["mr-notes"]["when"] = "on_success"
    problems = local.check_graph(broken, push, schedule, mr, ENVS)
    expected = [
        "stages are ['lint', 'test', 'plan', 'apply', 'drift'], expected "
        "['image', 'test', 'plan', 'plan-checks', 'feedback', 'apply', 'drift']",
        "job e2e has no image (neither its own nor default:image)",
        "job security plans an environment; only the plan jobs may (use their artifacts)",
        "job drift:prod plans an environment; only the plan jobs may (use their artifacts)",
        "job build-image has no rules:changes (it would rebuild the image in every pipeline)",
        "job unit waits for ['lint']; it should start at once",
        "job validate runs something other than `make` targets: ['make validate', 'terraform test']",
        "job lint runs in scheduled pipelines; only drift jobs should",
        "job security does not scan the plan jobs' plans (`make policy POLICY_PLANS=build`)",
        "job security has no artifacts:reports:sast",
        "job mr-notes must run (when: always) in merge-request pipelines",
        "job plan:staging has resource_group 'shared', expected 'staging'",
        "job apply:staging is not manual on the default branch (when: on_success)",
        "job drift:dev runs in push pipelines; it must run on schedules only",
        "job apply:prod must deploy to deployment_tier production (has 'staging')",
        "job drift:prod does not run the drift check (`platformctl ci drift`)",
        "job plan:dev keeps its plan readable by every developer (artifacts:access must be none)",
    ]
    for line in expected:
        assert line in problems, line
    assert any(p.startswith("job plan-tests must need exactly the plan jobs") for p in problems)
    assert any(p.startswith("job apply:dev must need plan:dev with its artifacts") for p in problems)
    assert any(p.startswith("job apply:prod must need plan:prod") and "apply:staging" in p for p in problems)
    assert len(problems) == len(expected) + 3, problems


def test_missing_jobs_are_reported() -> None:
    pipeline, on_push, on_schedule, on_mr = good_graph()
    del pipeline["apply:staging"], pipeline["plan:local"], pipeline["security"]
    problems = local.check_graph(pipeline, on_push, on_schedule, on_mr, ENVS)
    for name in ("apply:staging", "plan:local", "security"):
        assert f"job {name} is missing" in problems


def test_ci_local_runs_the_merge_request_jobs_in_needs_order(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = local.jobs_to_run(ENVS)
    assert jobs == [
        "lint", "validate", "tf-test", "unit", "e2e",
        "plan:local", "plan:dev", "plan:staging", "plan:prod",
        "security", "plan-tests", "mr-notes",
    ]  # fmt: skip
    pipeline = good_graph()[0]
    for position, name in enumerate(jobs):
        needed = [n["job"] for n in pipeline[name].get("needs", []) if n["job"] != "build-image"]
        assert all(jobs.index(n) < position for n in needed), f"{name} runs before what it needs"
    monkeypatch.setenv("CI_JOB_ID", "42")
    with pytest.raises(PlatformError, match="inside a CI job"):
        local.run_job("lint")


def test_the_shell_executor_copy_only_drops_images_and_services() -> None:
    document = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    stripped = local.without_images(document)
    assert "image" in document["default"] and "services" in document["build-image"]
    assert not any("image" in spec or "services" in spec for spec in stripped.values() if isinstance(spec, dict))
    restored = copy.deepcopy(stripped)
    for name, spec in document.items():
        if isinstance(spec, dict):
            for key in ("image", "services"):
                if key in spec:
                    restored[name][key] = spec[key]
    assert restored == json.loads(json.dumps(document))


def test_plan_counts_read_the_job_logs() -> None:
    log = (
        "envs/dev: Plan: 12 to add, 0 to change, 0 to destroy.\n"
        "ci plan: dev: planned OFFLINE (build/plans/x/dev/plan.json) -> build/dev/plan.json\n"
        "ci plan: prod: reused the cached plan OFFLINE (build/plans/y/prod/plan.json) -> build/prod/plan.json\n"
        "envs/local: No changes. Your infrastructure matches the configuration.\n"
    )
    assert local.plan_counts(log) == {"dev": (1, 0), "local": (1, 0), "prod": (0, 1)}
    assert local._job_line("\x1b[34mplan:dev\x1b[0m \x1b[32m>\x1b[0m envs/dev: Plan: 1 to add\n") == (
        "envs/dev: Plan: 1 to add\n"
    )


def test_plan_report_flags_a_second_plan_and_a_plan_outside_its_job() -> None:
    runs = [
        local.JobRun("plan:local", 0, 1.0, {"local": (1, 0)}),
        local.JobRun("plan:dev", 0, 1.0, {"dev": (1, 0)}),
        local.JobRun("plan:staging", 0, 1.0, {"staging": (1, 0)}),
        local.JobRun("plan:prod", 0, 1.0, {"prod": (0, 1)}),
    ]
    lines, problems = local.plan_report(runs, ENVS)
    assert problems == [] and len(lines) == 4
    runs.append(local.JobRun("security", 0, 1.0, {"dev": (1, 0)}))
    _, problems = local.plan_report(runs, ENVS)
    assert problems == [
        "dev was planned by security, not only by plan:dev",
        "dev was planned 2 time(s) and a cached plan reused 0 time(s)",
    ]


# -- through gitlab-ci-local ------------------------------------------------------------------------
@pytest.mark.ci_local
def test_the_real_pipeline_graph(gitlab_ci_local: None) -> None:
    """The graph as gitlab-ci-local evaluates the file: gates and plans at once, plan checks on the plans,
    apply manual on the default branch after every gate, drift on schedules only, an image everywhere."""
    assert local.verify_graph() == []
    listed = local.gcl([*local.DEFAULT_BRANCH_VARIABLES, "--list"]).stdout
    names = [line.split()[0] for line in listed.splitlines()[1:] if line.strip()]
    # --list leaves out when:never: the drift jobs, mr-notes (MR pipelines only) and build-image (never
    # under gitlab-ci-local, which runs no image).
    ours = [
        "lint", "validate", "tf-test", "unit", "e2e",
        "plan:local", "plan:dev", "plan:staging", "plan:prod",
        "security", "plan-tests",
        "apply:dev", "apply:staging", "apply:prod",
    ]  # fmt: skip
    assert [name for name in names if name in ours] == ours  # other jobs (e.g. pages) may sit in between
    assert all(" manual " in line for line in listed.splitlines() if line.startswith("apply:"))


@pytest.mark.ci_local
def test_the_lint_job_runs_green_through_gitlab_ci_local(gitlab_ci_local: None) -> None:
    """A real job (the cheapest: lint) in the shell executor, exactly as `make ci-local` runs it."""
    started = time.monotonic()
    shell_file = local.write_shell_pipeline()
    result = local.gcl(
        [
            "--file",
            shell_file,
            "--job",
            "lint",
            *local.RUN_FLAGS,
            *local.MR_VARIABLES,
            "--variable",
            "PLAN_OFFLINE=1",
            "--no-color",
        ],
        check=False,
    )
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "PASS  lint" in output
    steps = ("make fmt-check", "make tfvars-check", "make docs-check", "make ci-image-check", "make lint")
    for step in (*steps, "openapi lint-catalog"):
        assert f"$ {step}" in output or step in output, f"the lint job did not run {step}"
    print(f"lint job through gitlab-ci-local: {seconds:.1f} s")
