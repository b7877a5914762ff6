"""The repo's venvs cache bytecode even under PYTHONDONTWRITEBYTECODE (ci/install-venv.sh): without a
cache every process compiles its imports again (2.3 instead of 0.9 CPU-s for `platformctl --help`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.paths import ROOT

VENVS = (ROOT / ".venv", ROOT / ".venv-tools")


@pytest.mark.parametrize("venv", VENVS, ids=lambda venv: venv.name)
def test_a_venv_process_writes_the_bytecode_of_what_it_imports(venv: Path, tmp_path: Path) -> None:
    if not (venv / "bin" / "python").exists():
        pytest.skip(f"{venv.name} is not installed here (make venv / make tools create it)")
    module = tmp_path / "freshly_written.py"
    module.write_text("VALUE = 1\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys, freshly_written; print(sys.dont_write_bytecode)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "False"
    assert list((tmp_path / "__pycache__").glob("freshly_written.*.pyc")), "the import left no bytecode behind"


def test_the_switch_is_the_venvs_own_not_the_machines() -> None:
    """The .pth file sits in the venv: the machine's own interpreter keeps PYTHONDONTWRITEBYTECODE."""
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip(f"these tests run in {sys.prefix}, not in the repo's .venv that ci/install-venv.sh builds")
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    result = subprocess.run(
        [str(base), "-c", "import sys; print(sys.dont_write_bytecode)"],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "True"
