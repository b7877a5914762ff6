"""Evaluate expressions of a module with `terraform console`, in a private copy of the module.

The resource-free submodules (bus policy, routing, forwarder definition) need no provider, so
this takes a second or two and never touches AWS. Results are wrapped in jsonencode() so each
one is a single line that json can read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from platformctl.paths import MODULES_DIR
from platformctl.toolchain import ensure_toolchain

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")


def copy_modules(tmp_path: Path, *names: str) -> Path:
    """Copy modules/<name> (keeping the modules/ layout so relative sources resolve)."""
    target = tmp_path / "modules"
    for name in names:
        shutil.copytree(
            MODULES_DIR / name, target / name,
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "tests"),
        )
    return target


def console(module_dir: Path, expressions: list[str], variables: dict[str, Any], *, init: bool = False) -> list[Any]:
    """The values of `expressions`, decoded from JSON."""
    toolchain = ensure_toolchain()
    env = toolchain.env()
    (module_dir / "terraform.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    if init:
        subprocess.run([toolchain.terraform, "init", "-backend=false", "-input=false"], cwd=module_dir, env=env,
                       check=True, capture_output=True, text=True)
    # Piped console input is evaluated as one expression (only the last line's value is printed),
    # so everything is asked for in one list.
    stdin = "jsonencode([" + ", ".join(expressions) + "])\n"
    result = subprocess.run([toolchain.terraform, "console"], cwd=module_dir, env=env, input=stdin,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"terraform console failed:\n{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    # The line is an HCL string literal; HCL escapes template sequences as $${ and %%{.
    values = json.loads(json.loads(lines[0]).replace("$${", "${").replace("%%{", "%{"))
    assert len(values) == len(expressions)
    return values
