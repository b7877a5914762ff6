"""The warehouse reads the lakehouse only through Lake Formation (issue 14 item 4), as every environment plans it.

Column-level grants bind only where Lake Formation vends the credentials: the warehouse location must be registered
with Lake Formation, and the warehouse role must have no S3 or KMS access of its own to the table data, or a COPY or
external table with that role reads the columns its grant hides (prod: customer_id of firehose_events_2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.catalog import resolve
from platformctl.planjson import Plan
from tests.plans.reading import only, resources_of_type

pytestmark = pytest.mark.terraform
LAKEHOUSE = "module.platform.module.lakehouse."
WAREHOUSE = "module.platform.module.warehouse."
# Every environment's full-intent plan governs the lakehouse with Lake Formation (local's too: only the emulator
# apply leaves Lake Formation out, see test_localenv).
ENVS = ["local", "dev", "staging", "prod"]


def statements(values: dict[str, Any], key: str = "policy") -> list[dict[str, Any]]:
    return json.loads(values[key])["Statement"]


def warehouse_bucket(plan: dict[str, Any]) -> str:
    [bucket] = [r for r in resources_of_type(plan, "aws_s3_bucket", LAKEHOUSE) if r["index"] == "warehouse"]
    return bucket["values"]["bucket"]


@pytest.mark.parametrize("env", ENVS)
def test_the_warehouse_location_is_registered_with_its_own_role(env_plans, catalog, env: str) -> None:
    plan = env_plans[env]
    bucket = warehouse_bucket(plan)
    registration = only(plan, "aws_lakeformation_resource", LAKEHOUSE)
    assert registration["values"]["arn"] == f"arn:aws:s3:::{bucket}/iceberg"
    assert registration["values"]["use_service_linked_role"] is False
    assert registration["values"]["hybrid_access_enabled"] is False
    # The role ARN is known after apply only; the configuration says which role it is.
    config = Plan(plan).config_module(["platform", "lakehouse"])
    assert config is not None
    [block] = [b for b in config["resources"] if b["address"] == "aws_lakeformation_resource.warehouse"]
    assert "aws_iam_role.lake_formation_location[0].arn" in block["expressions"]["role_arn"]["references"]
    # Every table lies under the registered location, so every table's data is governed.
    tables = resources_of_type(plan, "aws_glue_catalog_table", LAKEHOUSE)
    assert tables and all(
        t["values"]["storage_descriptor"][0]["location"].startswith(f"s3://{bucket}/iceberg/") for t in tables
    )


@pytest.mark.parametrize("env", ENVS)
def test_the_registration_role_reaches_the_table_data_only(env_plans, catalog, env: str) -> None:
    plan = env_plans[env]
    bucket = warehouse_bucket(plan)
    role = only(plan, "aws_iam_role", LAKEHOUSE + "aws_iam_role.lake_formation_location")["values"]
    [trust] = statements(role, "assume_role_policy")
    assert trust["Principal"] == {"Service": "lakeformation.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": resolve(catalog, env).accounts.data}}
    s3 = only(plan, "aws_iam_role_policy", LAKEHOUSE + "aws_iam_role_policy.lake_formation_location[")["values"]
    assert {s["Sid"]: (s["Action"], s["Resource"]) for s in statements(s3)} == {
        "ListTableData": (["s3:ListBucket"], [f"arn:aws:s3:::{bucket}"]),
        "ReadWriteTableData": (
            ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            [f"arn:aws:s3:::{bucket}/iceberg/*"],
        ),
    }


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_warehouse_role_has_no_direct_access_to_the_table_data(env_plans, env: str) -> None:
    plan = env_plans[env]
    bucket = warehouse_bucket(plan)
    policy = only(plan, "aws_iam_role_policy", WAREHOUSE + "aws_iam_role_policy.lakehouse")["values"]
    found = statements(policy)
    assert [s["Sid"] for s in found] == ["ReadLakehouseGlueDatabase", "LakeFormationCredentialVending"]
    actions = [a for s in found for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert not [a for a in actions if a.startswith(("s3:", "kms:"))]
    resources = [r for s in found for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
    assert not [r for r in resources if bucket in r]


def test_prod_customer_id_is_hidden_on_a_governed_location(env_plans) -> None:
    # The three halves of the prod column limit in one place: the grant leaves customer_id out, the table's data
    # lies under the registered location, and the warehouse role cannot read that location on its own.
    plan = env_plans["prod"]
    bucket = warehouse_bucket(plan)
    grant = only(
        plan, "aws_lakeformation_permissions", WAREHOUSE + 'aws_lakeformation_permissions.columns["firehose_events_2"]'
    )
    assert grant["values"]["table_with_columns"][0]["excluded_column_names"] == ["customer_id"]
    table = only(plan, "aws_glue_catalog_table", LAKEHOUSE + 'aws_glue_catalog_table.this["firehose_events_2"]')
    registered = only(plan, "aws_lakeformation_resource", LAKEHOUSE)["values"]["arn"]
    assert table["values"]["storage_descriptor"][0]["location"].startswith(
        registered.replace("arn:aws:s3:::", "s3://") + "/"
    )
    policy = only(plan, "aws_iam_role_policy", WAREHOUSE + "aws_iam_role_policy.lakehouse")["values"]
    assert "s3:GetObject" not in json.dumps(statements(policy)) and bucket not in policy["policy"]
