"""Where things live in the repository. Everything is relative to the repo root so the CLI
works from any working directory and from a fresh clone in another folder (CI)."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("PLATFORM_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "envs").is_dir():
            return parent
    raise RuntimeError(f"cannot locate the repository root above {here}")


ROOT = _find_root()
CONFIG_DIR = ROOT / "config"
ENVS_DIR = ROOT / "envs"
MODULES_DIR = ROOT / "modules"
BUILD_DIR = ROOT / "build"
POLICIES_DIR = ROOT / "policies"


def env_dir(env: str) -> Path:
    return ENVS_DIR / env


def env_build_dir(env: str) -> Path:
    return BUILD_DIR / env
