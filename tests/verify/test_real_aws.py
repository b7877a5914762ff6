"""`make verify` against a real environment (opt-in: PLATFORM_REAL_AWS=1 and credentials)."""

from __future__ import annotations

import os

import pytest

from platformctl.awssession import AccountAccess
from platformctl.catalog import Catalog, resolve
from platformctl.tfrun import EnvRunner
from platformctl.toolchain import ensure_toolchain
from platformctl.verify.model import Status
from platformctl.verify.runner import verify_environment

pytestmark = pytest.mark.real_aws


def test_deployed_environment_matches_the_catalog(catalog: Catalog) -> None:
    env = os.environ.get("PLATFORM_REAL_AWS_ENV", "dev")
    inputs = resolve(catalog, env)
    runner = EnvRunner(ensure_toolchain(), inputs)
    with runner.session():
        runner.init()
        outputs = runner.outputs()
    report = verify_environment(inputs, outputs, AccountAccess.for_env(inputs, None))
    failures = [f"{r.group} {r.name}: {r.reason}" for r in report.results if r.status is Status.FAIL]
    assert failures == []
    warehouse = [r for r in report.results if r.group == "warehouse"]
    assert warehouse and warehouse[0].status is Status.PASS  # real AWS: the workgroup is checked, not skipped
