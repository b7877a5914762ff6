"""A private emulator for the delivery tests: they reset it, which must not touch the session emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platformctl.emulator.control import Emulator
from tests.conftest import free_port


@pytest.fixture(scope="session")
def private_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emulator = Emulator("127.0.0.1", free_port(), tmp_path_factory.mktemp("firehose-emulator"))
    emulator.start()
    yield emulator
    emulator.stop()
