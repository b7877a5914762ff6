"""The end-to-end fixture: envs/local applied to a fresh, private emulator, destroyed at the end.

Applying is the expensive part (minutes, mostly the provider's fixed waits), so every e2e test
module shares one deployment. Teardown destroys it and fails the session if that fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from platformctl import localenv
from platformctl.awssession import AccountAccess
from platformctl.catalog import Catalog, resolve
from platformctl.emulator.control import Emulator
from platformctl.plancache import offline_plan
from platformctl.tfrun import EnvRunner
from platformctl.toolchain import ensure_toolchain


@dataclass
class LocalPlatform:
    runner: EnvRunner
    reference_plan: dict[str, Any]
    emulator_plan: dict[str, Any]
    outputs: dict[str, Any]
    access: AccountAccess


@pytest.fixture(scope="session")
def local_platform(catalog: Catalog, session_emulator: Emulator,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPlatform]:
    work: Path = tmp_path_factory.mktemp("local-e2e")
    inputs = resolve(catalog, "local")
    runner = EnvRunner(ensure_toolchain(), inputs, emulator=session_emulator, work_dir=work)
    with runner.session():
        runner.init()
        assert runner.plan(work / localenv.EMULATOR_PLAN, extra=localenv.EMULATOR_VARS, detailed_exitcode=True) == 2
        runner.apply(work / localenv.EMULATOR_PLAN)
        # The full-intent plan of local from empty state is the offline plan that the policy gate and
        # the plan-JSON tests use (on an empty private emulator): reuse it, planned by now or planned
        # here once for all of them. Asked for after the apply, so the apply never waits for it.
        reference_plan = localenv.load(offline_plan(catalog, "local"))
        platform = LocalPlatform(
            runner=runner,
            reference_plan=reference_plan,
            emulator_plan=localenv.load(work / "emulator.json"),
            outputs=runner.outputs(),
            access=AccountAccess.for_env(inputs, session_emulator.url),
        )
        yield platform
        # No refresh: the state is the apply's (and the re-plan's) and the emulator is private, so
        # nothing else changed it; a refresh would read every resource back once more, for nothing.
        runner.destroy([*localenv.EMULATOR_VARS, "-refresh=false"])
        remaining = runner.run(["state", "list"], capture=True).stdout.split()
        assert remaining == [], f"destroy left resources in state: {remaining}"
