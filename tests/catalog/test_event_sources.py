"""event_sources (config/environments/<env>.yaml) and the warehouse's lakehouse_column_access: what each
environment resolves to, and every bad value reported as `file:line: key.path: reason`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from platformctl.catalog.resolve import resolve
from tests.catalog import helpers as catalogs


def test_each_environment_says_where_its_cloudtrail_events_come_from(tmp_path: Path) -> None:
    catalog = catalogs.load(catalogs.copy_catalog(tmp_path))
    modes = {env: resolve(catalog, env).event_sources.mode for env in ("local", "dev", "staging", "prod")}
    assert modes == {
        "local": "per_account_trail",
        "dev": "existing_organization_trail",
        "staging": "per_account_trail",
        "prod": "platform_organization_trail",
    }
    dev, staging, prod, local = (resolve(catalog, env) for env in ("dev", "staging", "prod", "local"))
    assert dev.event_sources.trail == "arn:aws:cloudtrail:eu-west-1:210000000000:trail/acme-organization-trail"
    assert dev.forwarder.trail is None and dev.organization_trail is None
    assert staging.forwarder.trail is not None and staging.forwarder.trail.retention_days == 90
    assert prod.organization_trail is not None and prod.organization_trail.retention_days == 731
    assert prod.forwarder_stackset is not None and prod.forwarder_stackset.trail is None
    assert local.event_sources.emulator_skip_reason and "moto" in local.event_sources.emulator_skip_reason


def test_forwarder_regions_home_first_in_both_rollout_modes(tmp_path: Path) -> None:
    catalog = catalogs.load(catalogs.copy_catalog(tmp_path))
    staging, prod = resolve(catalog, "staging"), resolve(catalog, "prod")
    assert staging.event_sources.forwarder_regions == ("eu-west-1", "us-east-1")
    assert staging.extra_forwarder_regions == ("us-east-1",)
    assert prod.forwarder_stackset is not None and prod.forwarder_stackset.regions == ("eu-west-1", "us-east-1")
    assert resolve(catalog, "local").extra_forwarder_regions == ()


def test_forwarder_regions_default_to_home_and_us_east_1(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, "environments/staging.yaml", "event_sources.forwarder_regions", None)
    staging = resolve(catalogs.load(config), "staging")
    assert staging.event_sources.forwarder_regions == ("eu-west-1", "us-east-1")


def test_a_stackset_template_gets_the_per_account_trail(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(
        config,
        "environments/prod.yaml",
        "event_sources.cloudtrail",
        {"mode": "per_account_trail", "retention_days": 400},
    )
    prod = resolve(catalogs.load(config), "prod")
    assert prod.organization_trail is None
    assert prod.forwarder_stackset is not None and prod.forwarder_stackset.trail is not None
    assert prod.forwarder_stackset.trail.retention_days == 400


@pytest.mark.parametrize(
    ("name", "dotted", "value", "expected"),
    [
        (
            "environments/dev.yaml",
            "event_sources.forwarder_regions",
            ["eu-west-1"],
            "event_sources.forwarder_regions: must include us-east-1: CloudTrail delivers the events of global",
        ),
        (
            "environments/staging.yaml",
            "event_sources.forwarder_regions",
            ["us-east-1"],
            "event_sources.forwarder_regions: must include eu-west-1: the home Region of this environment",
        ),
        (
            "environments/dev.yaml",
            "event_sources.forwarder_regions",
            ["eu-west-1", "us-east-1", "eu-west-1"],
            "event_sources.forwarder_regions: lists eu-west-1 more than once",
        ),
        ("environments/dev.yaml", "event_sources.forwarder_regions", [], "event_sources.forwarder_regions:"),
        (
            "environments/dev.yaml",
            "event_sources.forwarder_regions",
            ["eu-west-1", "us-east-1", "xx-east-9"],
            "event_sources.forwarder_regions.2: 'xx-east-9' is not a Region of partition aws",
        ),
        ("environments/dev.yaml", "event_sources.cloudtrail.mode", "organization_trail", "event_sources.cloudtrail"),
        (
            "environments/dev.yaml",
            "event_sources.cloudtrail.trail",
            None,
            "event_sources.cloudtrail.existing_organization_trail.trail: required key is missing",
        ),
        (
            "environments/dev.yaml",
            "event_sources.cloudtrail.trail",
            "arn:aws:s3:::not-a-trail",
            "is not valid: expected a trail ARN",
        ),
        (
            "environments/dev.yaml",
            "event_sources.cloudtrail.trail",
            "arn:aws-cn:cloudtrail:cn-north-1:210000000000:trail/org",
            "event_sources.cloudtrail.trail: ARN is in partition 'aws-cn', the platform is in 'aws'",
        ),
        (
            "environments/local.yaml",
            "event_sources.cloudtrail.emulator_skip_reason",
            None,
            "event_sources.cloudtrail.emulator_skip_reason: required in the emulator environment",
        ),
        (
            "environments/staging.yaml",
            "event_sources.cloudtrail.emulator_skip_reason",
            "moto cannot apply it",
            "event_sources.cloudtrail.emulator_skip_reason: only the emulator environment may leave the trail out",
        ),
        (
            "environments/prod.yaml",
            "event_sources.cloudtrail.retention_days",
            0,
            "event_sources.cloudtrail.platform_organization_trail.retention_days:",
        ),
        ("environments/prod.yaml", "event_sources", None, "event_sources: required key is missing"),
    ],
)
def test_bad_event_sources_name_file_line_and_key(
    tmp_path: Path, name: str, dotted: str, value: Any, expected: str
) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, name, dotted, value)
    found = catalogs.problems(config)
    assert any(expected in problem for problem in found), found
    # file:line: key path: reason
    assert all(re.match(rf"config/{name}:\d+: event_sources", problem) for problem in found), found


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (
            {"orders": {"column_names": ["id"]}},
            "environments.prod.lakehouse_column_access.orders: no Iceberg table 'orders' in prod",
        ),
        (
            {"firehose_events_2": {"column_names": ["region", "ssn"]}},
            "environments.prod.lakehouse_column_access.firehose_events_2.column_names.1: firehose_events_2 has no "
            "column 'ssn'",
        ),
        (
            {"firehose_events_2": {"column_names": ["region"], "excluded_column_names": ["type"]}},
            "set exactly one of column_names (allow list) or excluded_column_names (deny list)",
        ),
        (
            {"firehose_events_2": {"excluded_column_names": ["type", "customer_id", "event_timestamp", "region"]}},
            "excluded_column_names: hides every column",
        ),
        ({"firehose_events_2": {"column_names": ["region", "region"]}}, "lists a column twice"),
    ],
)
def test_bad_column_access_names_the_table_and_column(tmp_path: Path, access: Any, expected: str) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, "warehouse.yaml", "environments.prod.lakehouse_column_access", access)
    found = catalogs.problems(config)
    assert any(expected in problem and problem.startswith("config/warehouse.yaml:") for problem in found), found


def test_column_access_reaches_the_warehouse_inputs(tmp_path: Path) -> None:
    catalog = catalogs.load(catalogs.copy_catalog(tmp_path))
    access = resolve(catalog, "prod").warehouse.lakehouse_column_access
    assert {table: a.excluded_column_names for table, a in access.items()} == {"firehose_events_2": ["customer_id"]}
    assert resolve(catalog, "dev").warehouse.lakehouse_column_access == {}
