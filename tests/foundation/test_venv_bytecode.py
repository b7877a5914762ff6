"""ci/install-venv.sh leaves the venv compiled: with PYTHONDONTWRITEBYTECODE set, nothing else would."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

import platformctl
from platformctl.paths import ROOT

VENV = ROOT / ".venv"


@pytest.mark.parametrize("module", ["pydantic", "click", "rich.console", "boto3", "yaml", "botocore.session"])
def test_the_installed_packages_have_current_bytecode(module: str) -> None:
    if Path(sys.prefix).resolve() != VENV.resolve():
        pytest.skip(f"these tests run in {sys.prefix}, not in the repo's .venv that ci/install-venv.sh builds")
    source = Path(importlib.import_module(module).__file__ or "")
    cached = Path(importlib.util.cache_from_source(str(source)))
    assert cached.is_file(), f"{source} has no bytecode: every process compiles it again (ci/install-venv.sh)"
    assert cached.stat().st_mtime >= source.stat().st_mtime


def test_the_installer_recorded_the_compiled_lock() -> None:
    if Path(sys.prefix).resolve() != VENV.resolve():
        pytest.skip(f"these tests run in {sys.prefix}, not in the repo's .venv that ci/install-venv.sh builds")
    assert (VENV / ".bytecode-digest").read_text() == (VENV / ".lock-digest").read_text()
    package = Path(platformctl.__file__).parent
    assert Path(importlib.util.cache_from_source(str(package / "cli.py"))).is_file()
