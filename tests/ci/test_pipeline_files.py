""".gitlab-ci.yml against GitLab's CI schema, and the pre-commit configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from platformctl.paths import ROOT

VENV_BIN = ROOT / ".venv" / "bin"
PIPELINE = ROOT / ".gitlab-ci.yml"


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_pipeline_validates_against_the_gitlab_ci_schema() -> None:
    result = check_jsonschema(PIPELINE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_the_schema_check_rejects_a_broken_pipeline(tmp_path: Path) -> None:
    broken = tmp_path / ".gitlab-ci.yml"
    text = PIPELINE.read_text(encoding="utf-8")
    assert "  resource_group: dev\n" in text
    # A typo in a job key (hidden templates like .apply are not checked by the schema; jobs are).
    broken.write_text(text.replace("  resource_group: dev\n", "  resource_groups: dev\n", 1), encoding="utf-8")
    result = check_jsonschema(broken)
    assert result.returncode != 0
    assert "resource_groups" in result.stdout + result.stderr


def test_pipeline_never_uses_long_lived_aws_keys_or_tee() -> None:
    text = PIPELINE.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert document["variables"]["PLAN_OFFLINE"]["value"] == "1"
    assert "id_tokens" in document[".aws-oidc"]
    assert "AWS_WEB_IDENTITY_TOKEN_FILE" in text and "AWS_ROLE_ARN" in text
    scripts = "\n".join(
        line
        for job in document.values()
        if isinstance(job, dict)
        for key in ("before_script", "script", "after_script")
        for line in job.get(key) or []
    )
    assert "| tee" not in scripts
    assert "AWS_SECRET_ACCESS_KEY=" not in text and "aws configure" not in text
    caches = {entry["key"]["prefix"]: entry["paths"] for entry in document["default"]["cache"]}
    assert caches == {"pip": [".cache/pip/"], "terraform-plugins": [".cache/terraform-plugins/"]}
    assert document["variables"]["TF_PLUGIN_CACHE_DIR"].endswith("/.cache/terraform-plugins")
    assert document["variables"]["PIP_CACHE_DIR"].endswith("/.cache/pip")


def test_pre_commit_config_is_valid_and_runs_the_local_gates() -> None:
    config = ROOT / ".pre-commit-config.yaml"
    result = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "validate-config", str(config)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    repos = yaml.safe_load(config.read_text(encoding="utf-8"))["repos"]
    assert [repo["repo"] for repo in repos] == ["local"]
    hooks = {hook["id"]: hook for hook in repos[0]["hooks"]}
    assert {hook_id: hook["entry"] for hook_id, hook in hooks.items()} == {
        "terraform-fmt": """sh -c 'exec "${TF_BINARY:-terraform}" fmt "$@"' --""",
        "ruff": ".venv/bin/ruff check --force-exclude",
        "openapi-lint": ".venv/bin/platformctl openapi lint-catalog",
        "tfvars-stale": ".venv/bin/platformctl catalog generate --check",
    }
    assert all(hook["language"] == "system" for hook in hooks.values())
    assert not hooks["tfvars-stale"].get("pass_filenames", True)
    assert not hooks["openapi-lint"].get("pass_filenames", True)
    for hook in hooks.values():
        executable = hook["entry"].split()[0]
        assert executable == "sh" or (ROOT / executable).is_file(), f"{executable} does not exist"
