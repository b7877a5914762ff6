"""No secret value in the state of the applied local platform, nor in the plans made around the apply.

State is what every later plan's prior_state repeats, so a secret here ends up in each plan artifact.
The scanner is detect-secrets plus the platform's secret attributes (tests/secret_scan.py, whose
planted cases in tests/plans/test_no_secrets_in_artifacts.py prove it finds each kind).
"""

from __future__ import annotations

import json

import pytest

from tests.secret_scan import scan

pytestmark = pytest.mark.e2e


def test_the_applied_state_holds_no_secret(local_platform) -> None:
    pulled = local_platform.runner.run(["state", "pull"], capture=True, quiet=True).stdout
    state = json.loads(pulled)
    assert state["resources"], "the e2e apply left an empty state"
    assert [str(hit) for hit in scan("state of envs/local", state)] == []


@pytest.mark.parametrize("plan", ["reference_plan", "emulator_plan"])
def test_the_plans_of_the_apply_hold_no_secret(local_platform, plan: str) -> None:
    assert [str(hit) for hit in scan(f"{plan} of envs/local", getattr(local_platform, plan))] == []
