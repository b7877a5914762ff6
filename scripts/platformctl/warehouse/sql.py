"""Render the SQL that mounts the lakehouse Glue database as a Redshift external schema.

Pure functions. The module modules/redshift-serverless renders the same statement as its output
`external_schema_sql`; both follow the same rules (tests/warehouse/test_sql.py pins them to the strings the
module's terraform test asserts):

- identifiers are double-quoted, with `"` doubled;
- literals are single-quoted, with `\\` and `'` doubled;
- clauses are joined by single spaces in the documented order
  (DATABASE, [REGION], IAM_ROLE, [CATALOG_ID]) and the statement ends with `;`.

Quoting alone is not trusted: every value must first match a strict pattern, so a value that would need
escaping never reaches the SQL at all.
"""

from __future__ import annotations

import re

from platformctl.errors import PlatformError

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,126}")
GLUE_DATABASE = re.compile(r"[a-z0-9_-]{1,255}")
IAM_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}")
ACCOUNT_ID = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


class InvalidSqlValueError(PlatformError):
    """A value for the external-schema SQL does not match its pattern (possible injection)."""


def _check(value: str, pattern: re.Pattern[str], what: str, example: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidSqlValueError(f"{what} {value!r} is not allowed: expected something like {example!r}")
    return value


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def render_external_schema_sql(
    *,
    schema: str,
    glue_database: str,
    iam_role_arn: str,
    catalog_id: str | None = None,
    region: str | None = None,
) -> str:
    """CREATE EXTERNAL SCHEMA IF NOT EXISTS for a Glue Data Catalog database.

    `region` and `catalog_id` are only needed when the Glue catalog is in another Region or account than the
    workgroup; the module sets them exactly in that case.
    """
    _check(schema, SCHEMA_NAME, "schema name", "lakehouse")
    _check(glue_database, GLUE_DATABASE, "Glue database", "lakehouse_dev")
    _check(iam_role_arn, IAM_ROLE_ARN, "IAM role ARN", "arn:aws:iam::123456789012:role/dev-warehouse-lakehouse")
    clauses = [
        f"CREATE EXTERNAL SCHEMA IF NOT EXISTS {quote_identifier(schema)}",
        "FROM DATA CATALOG",
        f"DATABASE {quote_literal(glue_database)}",
    ]
    if region is not None:
        clauses.append(f"REGION {quote_literal(_check(region, REGION, 'Region', 'eu-west-1'))}")
    clauses.append(f"IAM_ROLE {quote_literal(iam_role_arn)}")
    if catalog_id is not None:
        clauses.append(f"CATALOG_ID {quote_literal(_check(catalog_id, ACCOUNT_ID, 'catalog id', '123456789012'))}")
    return " ".join(clauses) + ";"
