"""The external-schema SQL: rendering, quoting, refusal of anything that could inject, and parity with the
module output `external_schema_sql` (same inputs, same string)."""

from __future__ import annotations

import re

import pytest

from platformctl.errors import PlatformError
from platformctl.paths import MODULES_DIR
from platformctl.warehouse.sql import (
    InvalidSqlValueError,
    quote_identifier,
    quote_literal,
    render_external_schema_sql,
)

ROLE = "arn:aws:iam::123456789012:role/dev-warehouse-lakehouse"


def test_same_account_same_region_statement() -> None:
    sql = render_external_schema_sql(schema="lakehouse", glue_database="lakehouse_dev", iam_role_arn=ROLE)
    assert sql == (
        'CREATE EXTERNAL SCHEMA IF NOT EXISTS "lakehouse" FROM DATA CATALOG '
        f"DATABASE 'lakehouse_dev' IAM_ROLE '{ROLE}';"
    )


def test_cross_account_cross_region_clauses_follow_the_documented_order() -> None:
    sql = render_external_schema_sql(
        schema="iceberg",
        glue_database="lakehouse-shared",
        iam_role_arn=ROLE,
        catalog_id="210000000003",
        region="us-east-1",
    )
    assert sql.index("DATABASE") < sql.index("REGION") < sql.index("IAM_ROLE") < sql.index("CATALOG_ID")
    assert sql.endswith("CATALOG_ID '210000000003';")
    assert "REGION 'us-east-1'" in sql


def test_role_with_a_path_is_accepted() -> None:
    role = "arn:aws:iam::123456789012:role/service-role/redshift/lakehouse"
    assert f"IAM_ROLE '{role}'" in render_external_schema_sql(schema="s", glue_database="d", iam_role_arn=role)


def test_other_partitions_are_accepted() -> None:
    role = "arn:aws-us-gov:iam::123456789012:role/lakehouse"
    sql = render_external_schema_sql(schema="s", glue_database="d", iam_role_arn=role, region="us-gov-west-1")
    assert "REGION 'us-gov-west-1'" in sql


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", '"plain"'), ('we"ird', '"we""ird"'), ('"', '""""'), ("", '""')],
)
def test_quote_identifier_doubles_double_quotes(value: str, expected: str) -> None:
    assert quote_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", "'plain'"), ("it's", "'it''s'"), ("back\\slash", "'back\\\\slash'"), ("\\'", "'\\\\'''")],
)
def test_quote_literal_doubles_quotes_and_backslashes(value: str, expected: str) -> None:
    assert quote_literal(value) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"schema": 'x"; DROP SCHEMA public; --'},
        {"schema": "Lakehouse"},
        {"schema": "1lakehouse"},
        {"schema": "lake house"},
        {"schema": "lakehouse\n"},
        {"schema": ""},
        {"schema": "a" * 128},
        {"glue_database": "db' IAM_ROLE 'arn:aws:iam::999999999999:role/evil"},
        {"glue_database": "db;"},
        {"glue_database": "DB"},
        {"glue_database": "db\\"},
        {"iam_role_arn": "arn:aws:iam::123456789012:role/x' CATALOG_ID '999999999999"},
        {"iam_role_arn": "arn:aws:iam::12345:role/short-account"},
        {"iam_role_arn": "arn:aws:iam::123456789012:user/not-a-role"},
        {"iam_role_arn": "default"},
        {"catalog_id": "12345678901"},
        {"catalog_id": "123456789012' --"},
        {"region": "eu-west-1'; --"},
        {"region": "EU-WEST-1"},
    ],
)
def test_values_that_could_inject_are_refused(kwargs: dict[str, str]) -> None:
    arguments = {"schema": "lakehouse", "glue_database": "lakehouse_dev", "iam_role_arn": ROLE} | kwargs
    with pytest.raises(InvalidSqlValueError) as info:
        render_external_schema_sql(**arguments)
    assert isinstance(info.value, PlatformError)
    assert "is not allowed: expected something like" in str(info.value)


def _hcl_string(literal: str) -> str:
    """Decode the escapes used in the tftest string literals (\\" and \\\\)."""
    return re.sub(r"\\(.)", r"\1", literal)


def _module_assertions() -> dict[str, str]:
    text = (MODULES_DIR / "redshift-serverless" / "tests" / "lakehouse.tftest.hcl").read_text()
    found = {}
    for run, body in re.findall(r'run "([^"]+)" \{(.*?)\n\}', text, re.S):
        match = re.search(r'output\.external_schema_sql == "((?:[^"\\]|\\.)*)"', body)
        if match:
            found[run] = _hcl_string(match.group(1))
    return found


def test_python_renders_exactly_what_the_module_test_asserts() -> None:
    # The module's terraform test pins its output to these strings; the renderer must produce the same ones
    # for the same inputs, so the CLI and the Terraform output never drift apart.
    asserted = _module_assertions()
    assert set(asserted) == {
        "same_account_and_region_sql",
        "cross_account_cross_region_catalog_adds_region_and_catalog_id",
    }
    assert asserted["same_account_and_region_sql"] == render_external_schema_sql(
        schema="lakehouse", glue_database="lakehouse_dev", iam_role_arn=ROLE
    )
    assert asserted["cross_account_cross_region_catalog_adds_region_and_catalog_id"] == render_external_schema_sql(
        schema="iceberg",
        glue_database="lakehouse-shared",
        iam_role_arn=ROLE,
        region="us-east-1",
        catalog_id="210000000003",
    )


def test_module_validations_use_the_same_patterns() -> None:
    variables = (MODULES_DIR / "redshift-serverless" / "variables.tf").read_text()
    from platformctl.warehouse import sql

    assert f'"^{sql.SCHEMA_NAME.pattern}$", var.external_schema_name' in variables
    assert f'"^{sql.GLUE_DATABASE.pattern}$", var.lakehouse.glue_database_name' in variables
