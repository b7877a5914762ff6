"""Code Quality from the policy results, the runner image's tag, and `policy run --plans-from` (scan, never plan)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from platformctl.ci import image, policy_result
from platformctl.ci.commands import group as ci_group
from platformctl.errors import PlatformError, UsageError
from platformctl.paths import ROOT
from platformctl.policy import commands as policy_commands
from platformctl.policy.model import Finding, GateResult
from platformctl.toolchain import DEFAULT_MIRROR


def gate(source: str, *findings: Finding, errors: tuple[str, ...] = ()) -> GateResult:
    return GateResult(source=source, findings=list(findings), passed=2, errors=list(errors))


def finding(rule: str, severity: str, source: str, file: str | None = "modules/x/main.tf") -> Finding:
    return Finding(
        rule, severity, "module.platform.aws_s3_bucket.raw", f"{rule} says no", source, file, 7 if file else None
    )


def test_codequality_holds_plan_rules_and_skip_comments_only() -> None:
    gates = [
        gate("skip-comments", finding("PLAT_SKIP_1", "HIGH", "skip-comments")),
        gate("checkov-hcl", finding("CKV_AWS_18", "UNRATED", "checkov-hcl")),  # goes to SAST, not here
        gate("plan-rules:dev", finding("PLAT_PLAN_3", "CRITICAL", "plan-rules:dev", file=None)),
        gate("plan-rules:prod", finding("PLAT_PLAN_3", "CRITICAL", "plan-rules:prod")),
    ]
    issues = policy_result.codequality(gates)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("PLAT_SKIP_1", "major", {"path": "modules/x/main.tf", "lines": {"begin": 7}}),
        ("PLAT_PLAN_3", "critical", {"path": "envs", "lines": {"begin": 1}}),
        ("PLAT_PLAN_3", "critical", {"path": "modules/x/main.tf", "lines": {"begin": 7}}),
    ]
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 3  # the same rule in two envs is two issues
    assert fingerprints == [i["fingerprint"] for i in policy_result.codequality(gates)]  # stable


def test_gates_round_trip_through_gates_json(tmp_path: Path) -> None:
    """What `policy run` writes (asdict + ok) is what the CI side reads back."""
    from dataclasses import asdict

    gates = [gate("plan-rules:dev", finding("PLAT_PLAN_1", "HIGH", "plan-rules:dev"), errors=("crashed",))]
    path = tmp_path / "gates.json"
    path.write_text(json.dumps([{**asdict(g), "ok": g.ok} for g in gates]), encoding="utf-8")
    assert policy_result.load_gates(path) == gates
    path.write_text('[{"findings": []}]', encoding="utf-8")
    with pytest.raises(UsageError, match="not the gate results"):
        policy_result.load_gates(path)
    with pytest.raises(UsageError, match="no policy results"):
        policy_result.load_gates(tmp_path / "missing.json")


def test_env_policy_is_the_shared_gates_plus_its_own() -> None:
    gates = [gate("skip-comments"), gate("checkov-hcl"), gate("checkov-plan:dev"), gate("plan-rules:prod")]
    assert [g.source for g in policy_result.gates_for_env(gates, "dev")] == [
        "skip-comments",
        "checkov-hcl",
        "checkov-plan:dev",
    ]
    assert policy_result.env_policy_markdown(gates, "dev").startswith("# Policy gate (dev): PASSED")
    assert "NOT RUN for `staging`" in policy_result.env_policy_markdown(gates, "staging")


def test_codequality_cli(tmp_path: Path) -> None:
    (tmp_path / "gates.json").write_text(
        json.dumps([{"source": "plan-rules:dev", "findings": [vars(finding("PLAT_PLAN_2", "LOW", "plan-rules:dev"))]}]),
        encoding="utf-8",
    )
    out = tmp_path / "cq.json"
    result = CliRunner().invoke(ci_group, ["codequality", "--gates", str(tmp_path / "gates.json"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [i["severity"] for i in json.loads(out.read_text())] == ["info"]


# -- the runner image -------------------------------------------------------------------------------
def test_the_committed_image_tag_is_the_digest_of_the_images_inputs() -> None:
    assert image.pipeline_tag(image.PIPELINE.read_text(encoding="utf-8")) == image.image_digest()


def test_a_changed_input_needs_a_new_tag(tmp_path: Path) -> None:
    for name in image.IMAGE_INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    pipeline = tmp_path / "pipeline.yml"
    pipeline.write_text(f'variables:\n  RUNNER_IMAGE_TAG: "{image.image_digest(tmp_path)}"\n', encoding="utf-8")
    assert image.update_pipeline(pipeline, tmp_path)[1] is False
    (tmp_path / "requirements-lock.txt").write_text("six==1.17.0\n", encoding="utf-8")
    tag, changed = image.update_pipeline(pipeline, tmp_path)
    assert changed and image.pipeline_tag(pipeline.read_text()) == tag == image.image_digest(tmp_path)
    with pytest.raises(PlatformError, match="exactly once"):
        image.pipeline_tag("variables: {}\n")


def test_the_build_job_hashes_the_same_files_and_sends_only_them() -> None:
    job = yaml.safe_load(image.PIPELINE.read_text(encoding="utf-8"))["build-image"]
    script = "\n".join(job["script"])
    inputs = " ".join(image.IMAGE_INPUTS)
    assert f'inputs="{inputs}"' in script and "sha256sum | cut -c1-16" in script
    assert f"tar -cf - {inputs} | docker build" in script
    assert sorted(job["rules"][-1]["changes"]) == sorted(image.IMAGE_INPUTS)


def test_the_dockerfile_matches_the_toolchain_and_the_provider_lock() -> None:
    dockerfile = (ROOT / "ci" / "Dockerfile").read_text(encoding="utf-8")
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", dockerfile, re.M))
    assert args["TERRAFORM_VERSION"] == "1.11.4" and re.fullmatch(r"[0-9a-f]{64}", args["TERRAFORM_SHA256"])
    assert re.fullmatch(r"[0-9a-f]{64}", args["TOFU_SHA256"])
    for lock in ROOT.glob("envs/*/.terraform.lock.hcl"):
        assert f'version     = "{args["AWS_PROVIDER_VERSION"]}"' in lock.read_text(encoding="utf-8"), lock
    assert (
        str(DEFAULT_MIRROR) == "/opt/tf-plugins"
        and "providers mirror -platform=linux_amd64 /opt/tf-plugins" in dockerfile
    )
    copied = {name for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for name in line.split()[:-1]}
    assert copied == set(image.IMAGE_INPUTS) - {"ci/Dockerfile"}


# -- policy run --plans-from -------------------------------------------------------------------------
def test_plans_from_takes_existing_plans_and_refuses_missing_ones(tmp_path: Path) -> None:
    for env in ("dev", "prod"):
        (tmp_path / env).mkdir()
        (tmp_path / env / "plan.json").write_text("{}", encoding="utf-8")
    assert policy_commands._plans_from(tmp_path, ("dev", "prod")) == (
        tmp_path / "dev" / "plan.json",
        tmp_path / "prod" / "plan.json",
    )
    with pytest.raises(UsageError, match=r"no plan JSON at .*staging/plan.json: --plans-from scans existing plans"):
        policy_commands._plans_from(tmp_path, ("dev", "staging"))
    with pytest.raises(UsageError, match="unknown environment"):
        policy_commands._plans_from(tmp_path, ("qa",))


def test_plans_from_is_exclusive_with_plan(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(policy_commands.group, ["run", "--plans-from", str(tmp_path), "--plan", "x.json"])
    assert "either --plan or --plans-from" in str(result.exception)
    result = runner.invoke(policy_commands.group, ["run", "--env", "dev"])
    assert "--env only selects plans with --plans-from" in str(result.exception)


def test_cached_plans_fails_on_a_missing_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from platformctl import plancache

    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "plan.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(plancache, "cached_plan", lambda env: tmp_path / env / "plan.json")
    assert CliRunner().invoke(ci_group, ["cached-plans", "dev"]).exit_code == 0
    result = CliRunner().invoke(ci_group, ["cached-plans", "dev", "prod"])
    assert result.exit_code != 0 and "no cached OFFLINE plan for the current inputs of prod" in str(result.exception)


def test_ci_plan_offline_goes_through_the_plan_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ci plan ENV --offline` plans through the cache (or reuses it) and leaves the plan in build/ENV/."""
    from platformctl import catalog, plancache
    from platformctl.ci import commands

    cache = tmp_path / "plans" / "0123" / "dev"
    planned: list[str] = []

    def offline_plan(_catalog: object, env: str) -> Path:
        if not (cache / "plan.json").is_file():
            planned.append(env)
            cache.mkdir(parents=True)
            (cache / "plan.json").write_text('{"planned": 1}', encoding="utf-8")
            (cache / "plan.tfplan").write_bytes(b"binary")
        return cache / "plan.json"

    monkeypatch.setattr(catalog, "load_catalog", lambda _dir: object())
    monkeypatch.setattr(catalog, "resolve", lambda _catalog, env: type("Inputs", (), {"emulator": False})())
    monkeypatch.setattr(plancache, "cached_plan", lambda env: cache / "plan.json")
    monkeypatch.setattr(plancache, "offline_plan", offline_plan)
    monkeypatch.setattr(commands, "env_build_dir", lambda env: tmp_path / "build" / env)
    first = CliRunner().invoke(ci_group, ["plan", "dev", "--offline"])
    second = CliRunner().invoke(ci_group, ["plan", "dev", "--offline"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "ci plan: dev: planned OFFLINE" in first.output
    assert "ci plan: dev: reused the cached plan OFFLINE" in second.output
    assert planned == ["dev"]
    assert (tmp_path / "build" / "dev" / "plan.json").read_text() == '{"planned": 1}'
    assert (tmp_path / "build" / "dev" / "plan.tfplan").read_bytes() == b"binary"
