"""Full-intent plans of every environment, shared by all plan-JSON tests of the session."""

from __future__ import annotations

from typing import Any

import pytest

from platformctl.catalog.base import ENV_NAMES
from platformctl.plancache import load_plan, offline_plan


@pytest.fixture(scope="session")
def env_plans(catalog, session_emulator) -> dict[str, dict[str, Any]]:
    return {env: load_plan(offline_plan(catalog, env, session_emulator)) for env in ENV_NAMES}
