"""Fixtures of the CI tests: gitlab-ci-local installed on demand (scripts/ci-local.sh --install-only)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from platformctl.paths import ROOT


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ci_local: runs .gitlab-ci.yml through gitlab-ci-local (needs node/npm and rsync; the first run installs "
        "them: npm ci builds a native module for a few minutes)",
    )


@pytest.fixture(scope="session")
def gitlab_ci_local() -> None:
    """gitlab-ci-local and rsync installed by the same script `make ci-local` uses."""
    if os.environ.get("CI_JOB_ID"):
        pytest.skip(
            "inside a GitLab (or gitlab-ci-local) job: the pipeline runs these jobs itself, and running "
            "gitlab-ci-local here would recurse"
        )
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("gitlab-ci-local needs Node.js >= 18 and npm on PATH (Debian: apt-get install -y nodejs npm)")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ci-local.sh"), "--install-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, f"scripts/ci-local.sh --install-only failed:\n{result.stdout}{result.stderr}"
