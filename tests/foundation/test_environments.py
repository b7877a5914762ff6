"""Env roots and the Terraform runner: clear early failures, the OFFLINE override, lock files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.catalog import resolve
from platformctl.catalog.base import ENV_NAMES
from platformctl.emulator.control import Emulator
from platformctl.paths import ENVS_DIR, ROOT
from platformctl.tfrun import OVERRIDE_NAME, EnvRunner, TerraformError
from platformctl.toolchain import Toolchain, render_cli_config


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "platformctl.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def no_aws_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true")
    return env


def test_unknown_env_lists_the_valid_ones(tmp_path: Path) -> None:
    result = cli("tf", "plan", "qa", env=no_aws_env(tmp_path))
    assert result.returncode == 2
    assert "unknown ENV 'qa'; valid environments: local, dev, staging, prod" in result.stderr


def test_prod_plan_without_credentials_fails_early_and_cleanly(tmp_path: Path) -> None:
    result = cli("tf", "plan", "prod", env=no_aws_env(tmp_path))
    assert result.returncode == 1
    assert "no AWS credentials for ENV=prod" in result.stderr
    assert "OFFLINE=1" in result.stderr
    assert "Traceback" not in result.stderr


def runner(catalog, env: str, tmp_path: Path, offline: bool = False) -> EnvRunner:
    toolchain = Toolchain("terraform", (1, 11, 4), tmp_path / "tfrc", tmp_path / "cache", None)
    return EnvRunner(toolchain, resolve(catalog, env), offline=offline,
                     emulator=Emulator("127.0.0.1", 5999, tmp_path / "emu"), work_dir=tmp_path / "work")


def test_offline_override_swaps_backend_and_points_every_alias_at_the_emulator(catalog, tmp_path: Path) -> None:
    document = runner(catalog, "prod", tmp_path, offline=True).override_document()
    state = str(tmp_path / "work/offline/terraform.tfstate")
    assert document["terraform"] == [{"backend": [{"local": [{"path": state}]}]}]
    aliases = document["provider"]["aws"]
    assert sorted(a["alias"] for a in aliases) == ["api", "central", "data"]
    for alias in aliases:
        assert set(alias["endpoints"][0].values()) == {"http://127.0.0.1:5999"}
        assert "assume_role" not in alias, "the override keeps the real assume_role, so accounts stay modelled"


def test_emulator_runs_never_see_real_credentials(catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    env = runner(catalog, "dev", tmp_path, offline=True).process_env()
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "test"
    assert runner(catalog, "dev", tmp_path).process_env()["AWS_PROFILE"] == "prod-admin"


def test_a_leftover_override_blocks_real_runs(catalog, tmp_path: Path) -> None:
    leftover = ENVS_DIR / "staging" / OVERRIDE_NAME
    leftover.write_text("{}")
    try:
        with pytest.raises(TerraformError, match="left by an interrupted OFFLINE run"):
            runner(catalog, "staging", tmp_path).preflight()
    finally:
        leftover.unlink()


@pytest.mark.parametrize("env", ENV_NAMES)
def test_every_env_root_commits_a_lock_file_for_aws_5_100(env: str) -> None:
    lock = (ENVS_DIR / env / ".terraform.lock.hcl").read_text()
    assert re.search(r'provider "registry.terraform.io/hashicorp/aws" \{\s+version\s+= "5\.100\.\d+"', lock)
    assert re.search(r'constraints = ".*~> 5\.100"', lock)


@pytest.mark.parametrize("env", ENV_NAMES)
def test_env_roots_stay_thin(env: str) -> None:
    files = sorted(p.name for p in (ENVS_DIR / env).iterdir() if p.is_file() and not p.name.startswith("."))
    expected = {"backend.tf", "catalog.auto.tfvars.json", "platform.tf.json", "outputs.tf", "providers.tf.json",
                "versions.tf"}
    if env != "local":
        expected.add("backend.tfbackend")
    assert set(files) - {"terraform.tfstate", "terraform.tfstate.backup"} <= expected | {"forwarders.tf.json"}


def test_cli_config_uses_the_mirror_when_present(tmp_path: Path) -> None:
    mirrored = render_cli_config(Path("/opt/tf-plugins"), tmp_path)
    assert 'path    = "/opt/tf-plugins"' in mirrored and "direct {" in mirrored
    assert f'plugin_cache_dir   = "{tmp_path}"' in mirrored
    assert "provider_installation" not in render_cli_config(None, tmp_path)


def test_an_offline_session_plans_a_shadow_and_never_writes_into_the_root(catalog, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    offline = runner(catalog, "prod", tmp_path, offline=True)
    monkeypatch.setattr(offline, "preflight", lambda: None)  # no emulator needed to stage the shadow
    before = sorted(p.name for p in (ENVS_DIR / "prod").iterdir())
    with offline.session():
        shadow = offline.workdir
        assert shadow != offline.root and (shadow / OVERRIDE_NAME).is_file()
        assert sorted(p.name for p in (ENVS_DIR / "prod").iterdir()) == before, "envs/prod is untouched"
        linked = shadow / "platform.tf.json"
        assert linked.is_symlink() and linked.resolve() == (ENVS_DIR / "prod" / "platform.tf.json").resolve()
        lock = shadow / ".terraform.lock.hcl"
        assert lock.is_file() and not lock.is_symlink(), "init may rewrite the lock: a copy, never the repo's"
        # The root's relative paths land where they do from envs/prod, lexically and through the links.
        assert (shadow / "../../modules/platform/main.tf").resolve() == (ROOT / "modules/platform/main.tf").resolve()
        assert os.path.normpath(shadow / "../../config") != str(ROOT / "config")
        assert Path(os.path.normpath(shadow / "../../config")).resolve() == (ROOT / "config").resolve()
    assert offline.workdir == offline.root
