"""Shared fixtures. Emulator-backed tests each get their own moto server on a free port and
their own work directory, so they never touch a developer's `make local` emulator or state."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from platformctl.catalog.loader import Catalog, load_catalog
from platformctl.emulator.control import Emulator, free_port
from platformctl.paths import CONFIG_DIR, ROOT

REAL_AWS_REASON = "real AWS test: set PLATFORM_REAL_AWS=1 and provide AWS credentials to run it"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CONFIG_DIR)


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of config/ for tests that break the catalog on purpose."""
    target = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, target)
    return target


@pytest.fixture(scope="session")
def session_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emulator = Emulator("127.0.0.1", free_port(), tmp_path_factory.mktemp("emulator"))
    emulator.start()
    yield emulator
    emulator.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PLATFORM_REAL_AWS") == "1":
        return
    skip = pytest.mark.skip(reason=REAL_AWS_REASON)
    for item in items:
        if "real_aws" in item.keywords:
            item.add_marker(skip)
