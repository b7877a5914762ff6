"""The toolchain: Terraform or OpenTofu (TF_BINARY), version floors, and the offline mirror for both."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from platformctl import toolchain
from platformctl.errors import ToolMissingError


def _fake_binary(directory: Path, name: str, version_line: str) -> Path:
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{version_line}'\necho 'on linux_amd64'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_tf_binary_picks_opentofu_with_its_own_floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_binary(tmp_path, "tofu", "OpenTofu v1.10.1")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    binary = toolchain.terraform_binary({"TF_BINARY": "tofu"})
    assert binary == str(tmp_path / "tofu")
    assert toolchain._flavour_and_version(binary) == ("opentofu", (1, 10, 1))

    old = _fake_binary(tmp_path, "old-tofu", "OpenTofu v1.9.4")
    with pytest.raises(ToolMissingError, match=r"opentofu 1\.9\.4, too old: this repo needs >= 1\.10\.0"):
        toolchain._flavour_and_version(str(old))


def test_an_unknown_tf_binary_is_a_clear_error() -> None:
    with pytest.raises(ToolMissingError, match="TF_BINARY='no-such-tofu'"):
        toolchain.terraform_binary({"TF_BINARY": "no-such-tofu"})


@pytest.mark.parametrize(("output", "expected"), [
    ("Terraform v1.11.4\non linux_amd64\n", ("terraform", (1, 11, 4))),
    ("OpenTofu v1.10.0\non linux_amd64\n", ("opentofu", (1, 10, 0))),
    ("something else v1.2.3\n", None),
])
def test_version_lines_of_both_tools(output: str, expected: tuple[str, tuple[int, int, int]] | None) -> None:
    assert toolchain.parse_version(output) == expected


def test_opentofu_sees_the_mirror_under_its_own_registry_host(tmp_path: Path) -> None:
    mirror = tmp_path / "tf-plugins"
    (mirror / "registry.terraform.io" / "hashicorp" / "aws").mkdir(parents=True)
    view = toolchain.opentofu_mirror(mirror, tmp_path / "view")
    for host in ("registry.terraform.io", "registry.opentofu.org"):
        assert (view / host / "hashicorp" / "aws").is_dir()
    assert toolchain.opentofu_mirror(mirror, tmp_path / "view") == view, "idempotent"
    config = toolchain.render_cli_config(view, tmp_path / "cache",
                                         (toolchain.TERRAFORM_HOST, toolchain.OPENTOFU_HOST))
    assert 'include = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]' in config
    assert 'exclude = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]' in config


def test_terraform_runs_with_less_go_gc_unless_the_caller_chose(tmp_path: Path) -> None:
    tools = toolchain.Toolchain("terraform", (1, 11, 4), tmp_path / "tfrc", tmp_path / "cache", None)
    env = tools.env({"PATH": "/usr/bin", "TF_CLI_CONFIG_FILE": "/missing"})
    assert env["GOGC"] == toolchain.GOGC_DEFAULT
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "tfrc")
    assert env["TF_IN_AUTOMATION"] == "1"
    assert tools.env({"GOGC": "100"})["GOGC"] == "100"
