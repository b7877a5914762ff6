"""config/warehouse.yaml: the shipped file, its resolved module inputs, and a clear message for every rule."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.resolve import warehouse_inputs
from platformctl.catalog.warehouse import WarehouseCatalog
from platformctl.paths import CONFIG_DIR, MODULES_DIR


def to_tfvars(catalog: WarehouseCatalog, env: str) -> dict[str, Any]:
    """The warehouse inputs of `env` as the generator dumps them."""
    return warehouse_inputs(catalog, env).model_dump(mode="json")


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return yaml.safe_load((CONFIG_DIR / "warehouse.yaml").read_text())


def errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        WarehouseCatalog.model_validate(data)
    return [
        ".".join(str(p) for p in e["loc"] if not str(p).startswith("function-")) + ": " + e["msg"]
        for e in info.value.errors()
    ]


def with_env(shipped: dict[str, Any], env: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(shipped)
    data["environments"][env].update(changes)
    return data


def module_variables() -> set[str]:
    text = (MODULES_DIR / "redshift-serverless" / "variables.tf").read_text()
    return set(re.findall(r'^variable "([a-z_]+)"', text, re.M))


def test_the_shipped_file_is_valid(shipped) -> None:
    catalog = WarehouseCatalog.model_validate(shipped)
    assert set(catalog.environments) == set(ENV_NAMES)
    assert catalog.environments["prod"].protected
    assert not catalog.environments["dev"].protected


def test_small_defaults_for_dev_and_larger_for_prod(shipped) -> None:
    catalog = WarehouseCatalog.model_validate(shipped)
    dev, prod = catalog.environments["dev"], catalog.environments["prod"]
    assert dev.capacity.base_capacity == 8 and dev.capacity.max_capacity <= 64
    assert any(u.period == "daily" and u.breach_action == "deactivate" for u in dev.usage_limits)
    assert prod.capacity.base_capacity >= 32 and prod.capacity.max_capacity == 256
    assert any(u.period == "monthly" for u in prod.usage_limits)


@pytest.mark.parametrize("env", ENV_NAMES)
def test_to_tfvars_matches_the_module_inputs(shipped, env: str) -> None:
    tfvars = to_tfvars(WarehouseCatalog.model_validate(shipped), env)
    # The env root adds name_prefix, tags, alarm_topic_arn, lakehouse, enabled; everything else comes from here.
    assert set(tfvars) <= module_variables()
    assert tfvars["environment"] == env
    assert set(tfvars["capacity"]) == {"base_capacity", "max_capacity", "price_performance_level"}
    assert set(tfvars["network"]) == {
        "vpc_id",
        "subnet_ids",
        "ingress_cidrs",
        "ingress_security_group_ids",
        "egress_cidrs",
        "egress_prefix_list_ids",
    }
    for limit in tfvars["usage_limits"]:
        assert set(limit) == {"period", "amount", "breach_action"}


def test_to_tfvars_prod_values(shipped) -> None:
    tfvars = to_tfvars(WarehouseCatalog.model_validate(shipped), "prod")
    assert tfvars["protected"] is True
    assert tfvars["capacity"] == {"base_capacity": 32, "max_capacity": 256, "price_performance_level": None}
    assert tfvars["max_query_execution_time"] == 7200
    assert tfvars["usage_limits"] == [
        {"period": "daily", "amount": 800, "breach_action": "emit-metric"},
        {"period": "monthly", "amount": 20000, "breach_action": "deactivate"},
        {"period": "monthly", "amount": 12000, "breach_action": "emit-metric"},
    ]
    assert tfvars["cross_region_datasharing_limit"] == {
        "period": "monthly",
        "amount": 1,
        "breach_action": "emit-metric",
    }
    assert tfvars["alarms"]["usage_limit_percent"] == 90
    assert tfvars["network"]["ingress_security_group_ids"] == ["sg-0123456789abcde20", "sg-0123456789abcde21"]


def test_to_tfvars_is_deterministic(shipped) -> None:
    data = copy.deepcopy(shipped)
    data["environments"]["prod"]["usage_limits"].reverse()
    data["environments"]["prod"]["network"]["subnet_ids"].reverse()
    assert to_tfvars(WarehouseCatalog.model_validate(data), "prod") == to_tfvars(
        WarehouseCatalog.model_validate(shipped), "prod"
    )


def test_price_performance_mode(shipped) -> None:
    data = with_env(shipped, "staging", capacity={"price_performance_level": 50, "max_rpu": 128})
    tfvars = to_tfvars(WarehouseCatalog.model_validate(data), "staging")
    assert tfvars["capacity"] == {"base_capacity": None, "max_capacity": 128, "price_performance_level": 50}


def test_unknown_environment_for_to_tfvars(shipped) -> None:
    with pytest.raises(ValueError, match="unknown environment 'qa'"):
        to_tfvars(WarehouseCatalog.model_validate(shipped), "qa")


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        (
            {"base_rpu": 12, "max_rpu": 64},
            "environments.dev.capacity.base_rpu: Value error, must be a multiple of 8 between 8 and 1024 (got 12)",
        ),
        (
            {"base_rpu": 1032, "max_rpu": 2048},
            "capacity.base_rpu: Value error, must be a multiple of 8 between 8 and 1024 (got 1032)",
        ),
        (
            {"base_rpu": 0, "max_rpu": 64},
            "capacity.base_rpu: Value error, must be a multiple of 8 between 8 and 1024 (got 0)",
        ),
        (
            {"base_rpu": 8, "max_rpu": 60},
            "capacity.max_rpu: Value error, must be a multiple of 8 between 8 and 5632 (got 60)",
        ),
        (
            {"base_rpu": 64, "max_rpu": 32},
            "capacity: Value error, max_rpu (32) must be greater than or equal to base_rpu (64)",
        ),
        (
            {"base_rpu": 8, "price_performance_level": 50, "max_rpu": 64},
            "capacity: Value error, base_rpu and price_performance_level are alternative capacity modes",
        ),
        ({"max_rpu": 64}, "capacity: Value error, set a capacity mode: base_rpu (e.g. 8) or price_performance_level"),
        (
            {"price_performance_level": 60, "max_rpu": 64},
            "capacity.price_performance_level: Input should be 1, 25, 50, 75 or 100",
        ),
        ({"base_rpu": 8}, "capacity.max_rpu: Field required"),
    ],
)
def test_capacity_rules(shipped, capacity: dict[str, Any], message: str) -> None:
    found = errors(with_env(shipped, "dev", capacity=capacity))
    assert any(message in e for e in found), found


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            [{"period": "hourly", "rpu_hours": 4, "breach_action": "log"}],
            "usage_limits.0.period: Input should be 'daily', 'weekly' or 'monthly'",
        ),
        (
            [{"period": "daily", "rpu_hours": 4, "breach_action": "shutdown"}],
            "usage_limits.0.breach_action: Input should be 'log', 'emit-metric' or 'deactivate'",
        ),
        (
            [{"period": "daily", "rpu_hours": 0, "breach_action": "log"}],
            "usage_limits.0.rpu_hours: Input should be greater than 0",
        ),
        ([], "usage_limits: List should have at least 1 item"),
        (
            [
                {"period": "daily", "rpu_hours": 4, "breach_action": "log"},
                {"period": "daily", "rpu_hours": 8, "breach_action": "log"},
            ],
            "usage_limits: Value error, two daily limits with breach_action log: keep one and set its rpu_hours",
        ),
    ],
)
def test_usage_limit_rules(shipped, limits: list[dict[str, Any]], message: str) -> None:
    found = errors(with_env(shipped, "dev", usage_limits=limits))
    assert any(message in e for e in found), found


def network(**changes: Any) -> dict[str, Any]:
    base = {
        "vpc_id": "vpc-0123456789abcdef0",
        "subnet_ids": ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        "allowed_cidrs": ["10.20.0.0/16"],
    }
    return base | changes


@pytest.mark.parametrize(
    ("net", "message"),
    [
        (network(allowed_cidrs=["0.0.0.0/0"]), "0.0.0.0/0 would open port 5439 to the internet"),
        (
            network(allowed_cidrs=["10.20.1.5/16"]),
            "'10.20.1.5/16' is not an IPv4 CIDR block written as its network address",
        ),
        (network(allowed_cidrs=["10.20.0.0"]), "needs a prefix length"),
        (network(allowed_cidrs=["fd00::/8"]), "is not an IPv4 CIDR block"),
        (network(subnet_ids=["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]), "needs at least 3 subnets"),
        (
            network(subnet_ids=["subnet-0123456789abcdef1"] * 3),
            "network.subnet_ids: Value error, lists a subnet twice",
        ),
        (network(allowed_cidrs=[]), "set allowed_cidrs or allowed_security_group_ids"),
        (network(vpc_id="vpc-xyz"), "network.vpc_id: String should match pattern"),
        (
            network(allowed_security_group_ids=["sg-nothex"]),
            "network.allowed_security_group_ids.0: String should match",
        ),
        (network(egress_cidrs=["10.0.0.0/33"]), "is not an IPv4 CIDR block"),
    ],
)
def test_network_rules(shipped, net: dict[str, Any], message: str) -> None:
    found = errors(with_env(shipped, "dev", network=net))
    assert any(message in e for e in found), found


def test_prod_must_be_protected(shipped) -> None:
    found = errors(with_env(shipped, "prod", protected=False))
    assert any("environments.prod.protected must be true" in e for e in found), found


def test_prod_deactivate_needs_a_warning_limit_first(shipped) -> None:
    found = errors(
        with_env(
            shipped, "prod", usage_limits=[{"period": "monthly", "rpu_hours": 20000, "breach_action": "deactivate"}]
        )
    )
    assert any("the monthly deactivate limit stops production analytics" in e for e in found), found


def test_dev_may_deactivate_without_warning(shipped) -> None:
    data = with_env(shipped, "dev", usage_limits=[{"period": "daily", "rpu_hours": 8, "breach_action": "deactivate"}])
    WarehouseCatalog.model_validate(data)


def test_every_environment_is_required(shipped) -> None:
    data = copy.deepcopy(shipped)
    del data["environments"]["staging"]
    assert any("missing environment staging" in e for e in errors(data))


def test_unknown_environment_is_refused(shipped) -> None:
    data = copy.deepcopy(shipped)
    data["environments"]["qa"] = copy.deepcopy(data["environments"]["dev"])
    assert any("unknown environment qa" in e for e in errors(data))


def test_typos_are_refused(shipped) -> None:
    found = errors(with_env(shipped, "dev", max_rpus=64))
    assert any(e.startswith("environments.dev.max_rpus: Extra inputs are not permitted") for e in found), found


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"admin_username": "admin"}, "'admin' is reserved"),
        ({"admin_username": "Admin"}, "admin_username: String should match pattern"),
        ({"database": "my-db"}, "database: String should match pattern"),
        ({"external_schema": 'x"; drop'}, "external_schema: String should match pattern"),
        ({"name": "Warehouse"}, "name: String should match pattern"),
        ({"log_retention_days": 10}, "log_retention_days: Value error, must be a CloudWatch Logs retention value"),
        (
            {"max_query_execution_time_seconds": 86400},
            "max_query_execution_time_seconds: Input should be less than or equal to 86399",
        ),
        (
            {"alarms": {"usage_limit_percent": 150}},
            "alarms.usage_limit_percent: Input should be less than or equal to 100",
        ),
    ],
)
def test_other_rules(shipped, changes: dict[str, Any], message: str) -> None:
    found = errors(with_env(shipped, "dev", **changes))
    assert any(message in e for e in found), found


def _object_attributes(variable: str) -> set[str]:
    text = (MODULES_DIR / "redshift-serverless" / "variables.tf").read_text()
    block = text.split(f'variable "{variable}" {{', 1)[1].split("\n}\n", 1)[0]
    type_block = block.split("object({", 1)[1].split("})", 1)[0]
    return set(re.findall(r"^\s+([a-z_]+)\s+=", type_block, re.M))


@pytest.mark.parametrize("variable", ["capacity", "network", "alarms", "cross_region_datasharing_limit"])
def test_to_tfvars_objects_match_the_module_object_types(shipped, variable: str) -> None:
    tfvars = to_tfvars(WarehouseCatalog.model_validate(shipped), "prod")
    assert set(tfvars[variable]) == _object_attributes(variable)


def test_usage_limit_entries_match_the_module_object_type(shipped) -> None:
    tfvars = to_tfvars(WarehouseCatalog.model_validate(shipped), "prod")
    assert all(set(limit) == _object_attributes("usage_limits") for limit in tfvars["usage_limits"])
