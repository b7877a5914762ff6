"""The central bus policy: constant in organization mode, bounded in accounts mode, and the Python
rendering byte-identical to the Terraform module's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.catalog.eventing import EventingCatalog
from platformctl.catalog.resolve import principal_scope_inputs
from platformctl.eventing.policy import (
    EVENT_BUS_POLICY_SIZE_LIMIT,
    PolicyTooLargeError,
    check_policy_size,
    max_accounts_in_accounts_mode,
    policy_bytes_by_mode,
    render_bus_policy,
)
from tests.eventing.tfconsole import console, copy_modules, needs_terraform

BUS_ARN = "arn:aws:events:eu-west-1:230000000001:event-bus/prod-central-events"
ORG_ID = "o-a1b2c3d4e5"


def accounts(count: int) -> list[str]:
    return [f"{100000000000 + i}" for i in range(count)]


def catalog_with(scope: dict) -> EventingCatalog:
    return EventingCatalog.model_validate(
        {"environments": {"dev": {"rollout": {"mode": "aliases"}, "principal_scope": scope}}}
    )


def policy_for(scope: dict, sources: list[str]) -> str:
    scope_inputs = principal_scope_inputs(catalog_with(scope).environments["dev"].principal_scope, ORG_ID, sources)
    return render_bus_policy(BUS_ARN, scope_inputs.model_dump(mode="json"))


@pytest.mark.parametrize("count", [10, 1000, 10000])
def test_organization_mode_size_is_constant(count: int) -> None:
    policy = policy_for({"mode": "organization"}, accounts(count))
    assert len(policy) == len(policy_for({"mode": "organization"}, accounts(1)))
    assert check_policy_size(policy, "organization") < 400
    assert json.loads(policy)["Statement"][0]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}


@pytest.mark.parametrize("count", [10, 1000, 10000])
def test_ou_mode_size_does_not_depend_on_accounts(count: int) -> None:
    scope = {"mode": "organizational_units", "ou_paths": [f"{ORG_ID}/r-ab12/ou-ab12-11111111/*"]}
    assert len(policy_for(scope, accounts(count))) == len(policy_for(scope, accounts(1)))


def test_accounts_mode_grows_and_fails_clearly_past_the_limit() -> None:
    fits = max_accounts_in_accounts_mode()
    assert 250 < fits < 350  # about 33 bytes per account under 10,240
    ok = policy_for({"mode": "accounts"}, accounts(fits))
    assert check_policy_size(ok, "accounts") <= EVENT_BUS_POLICY_SIZE_LIMIT
    too_big = policy_for({"mode": "accounts"}, accounts(fits + 1))
    with pytest.raises(PolicyTooLargeError) as error:
        check_policy_size(too_big, "accounts")
    message = str(error.value)
    assert "10240" in message and "'organization'" in message and "'organizational_units'" in message


def test_benchmark_helper_reports_every_mode() -> None:
    sizes = policy_bytes_by_mode(accounts(1000))
    assert sizes["organization"] == policy_bytes_by_mode(accounts(10))["organization"]
    assert sizes["accounts"] > EVENT_BUS_POLICY_SIZE_LIMIT > sizes["organizational_units"]


def test_account_principals_are_sorted_and_unique() -> None:
    scope = {"mode": "accounts", "account_ids": ["222222222222", "111111111111", "222222222222"]}
    policy = json.loads(render_bus_policy(BUS_ARN, scope))
    assert policy["Statement"][0]["Principal"] == {
        "AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
    }


@pytest.mark.parametrize("scope", [{"mode": "organization"}, {"mode": "organizational_units", "ou_paths": []},
                                   {"mode": "accounts", "account_ids": []}, {"mode": "everyone"}])
def test_incomplete_scopes_are_rejected(scope: dict) -> None:
    with pytest.raises(ValueError):
        render_bus_policy(BUS_ARN, scope)


PARITY_SCOPES = [
    {"mode": "organization", "organization_id": ORG_ID, "ou_paths": [], "account_ids": []},
    {"mode": "organizational_units", "organization_id": None, "account_ids": [],
     "ou_paths": [f"{ORG_ID}/r-ab12/ou-ab12-22222222/*", f"{ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-33333333/"]},
    {"mode": "accounts", "organization_id": None, "ou_paths": [], "account_ids": ["555555555555", "444444444444"]},
    {"mode": "accounts", "organization_id": None, "ou_paths": [], "account_ids": accounts(400)},
]


@pytest.mark.terraform
@needs_terraform
def test_python_rendering_matches_the_terraform_module(tmp_path: Path) -> None:
    """Byte-for-byte: the module's policy/ submodule (via terraform console) and platformctl."""
    module = copy_modules(tmp_path, "eventbridge-central-bus") / "eventbridge-central-bus" / "policy"
    for scope in PARITY_SCOPES:
        for partition in ("aws", "aws-cn"):
            arn = BUS_ARN.replace("arn:aws:", f"arn:{partition}:")
            policy, size = console(
                module,
                ["local.policy_json", "length(local.policy_json)"],
                {"event_bus_arn": arn, "partition": partition, "principal_scope": scope},
            )
            expected = render_bus_policy(arn, scope, partition)
            assert policy == expected
            assert size == len(expected)
