"""Redshift Serverless: the workgroup is AVAILABLE with the intended capacity, and the lakehouse read path works:
the external schema is mounted and each Iceberg table can be queried (real AWS only)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from platformctl.errors import PlatformError
from platformctl.verify.model import CheckResult
from platformctl.warehouse.data_api import StatementResult, run_statement
from platformctl.warehouse.sql import SCHEMA_NAME, InvalidSqlValueError, quote_identifier, quote_literal

# Glue/Iceberg table names of the catalog (snake_case); anything else never reaches the SQL.
TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,254}")

GROUP = "warehouse"
EMULATOR_REASON = (
    "moto has no Redshift Serverless: local plans the warehouse (build/local/plan.json) but never "
    "applies it, so there is no workgroup to check"
)


def check_workgroup(redshift: Any, warehouse: Mapping[str, Any], intended: Mapping[str, Any]) -> CheckResult:
    """`warehouse` is the env's `warehouse` output; `intended` is `EnvironmentInputs.warehouse`, dumped."""
    workgroup_name = warehouse.get("workgroup_name")
    name = f"workgroup {workgroup_name or intended.get('name')}: AVAILABLE with the intended capacity"
    if not workgroup_name:
        return CheckResult.failed(GROUP, name, "output warehouse.workgroup_name is empty: no workgroup is deployed")
    workgroup = redshift.get_workgroup(workgroupName=workgroup_name)["workgroup"]
    capacity = intended["capacity"]
    problems = []
    if workgroup.get("status") != "AVAILABLE":
        problems.append(f"status is {workgroup.get('status')}, not AVAILABLE")
    if capacity.get("base_capacity") is not None and workgroup.get("baseCapacity") != capacity["base_capacity"]:
        problems.append(f"baseCapacity is {workgroup.get('baseCapacity')}, intended {capacity['base_capacity']} RPU")
    if workgroup.get("maxCapacity") != capacity["max_capacity"]:
        problems.append(f"maxCapacity is {workgroup.get('maxCapacity')}, intended {capacity['max_capacity']} RPU")
    level = capacity.get("price_performance_level")
    if level is not None:
        target = workgroup.get("pricePerformanceTarget") or {}
        if target.get("status") != "ENABLED" or target.get("level") != level:
            problems.append(f"pricePerformanceTarget is {target or 'not set'}, intended level {level}")
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    base = workgroup.get("baseCapacity")
    return CheckResult.passed(GROUP, name, f"AVAILABLE, base {base} RPU, max {workgroup.get('maxCapacity')} RPU")


LAKEHOUSE_EMULATOR_REASON = (
    "moto has no Redshift Serverless and no Redshift Data API: there is no warehouse to run SQL on locally; "
    "the reference plan still checks the schema SQL and the Lake Formation grants"
)


def check_lakehouse_schema(
    data_api: Any,
    warehouse: Mapping[str, Any],
    table_names: Sequence[str],
    *,
    timeout: float = 120.0,
    run: Callable[..., StatementResult] = run_statement,
) -> list[CheckResult]:
    """The external schema exists (svv_external_schemas) and one row can be read from each Iceberg table.

    `warehouse` is the env's `warehouse` output; each query runs through the Data API as the admin secret."""
    schema = warehouse.get("external_schema_name")
    name = f"external schema {schema or '(none)'}: mounted"
    workgroup, database = warehouse.get("workgroup_name"), warehouse.get("database_name")
    if not schema or not workgroup or not database:
        return [
            CheckResult.failed(
                GROUP,
                name,
                "outputs warehouse.external_schema_name/workgroup_name/database_name "
                "are empty: no lakehouse is mounted on a deployed warehouse",
            )
        ]
    quoted_schema = quote_identifier(_checked(schema, SCHEMA_NAME, "schema name"))

    def statement(sql: str, label: str) -> StatementResult:
        return run(
            data_api,
            sql,
            workgroup=workgroup,
            database=database,
            secret_arn=warehouse.get("admin_secret_arn"),
            statement_name=f"platformctl-verify-{label}"[:500],
            timeout=timeout,
        )

    exists = statement(
        f"SELECT schemaname FROM svv_external_schemas WHERE schemaname = {quote_literal(schema)};", "schema"
    )
    if not exists.result_rows:
        return [
            CheckResult.failed(
                GROUP, name, f"svv_external_schemas has no {schema}: run `platformctl warehouse mount-lakehouse --env`"
            )
        ]
    results = [
        CheckResult.passed(GROUP, name, f"{schema} is in svv_external_schemas (statement {exists.statement_id})")
    ]
    for table in sorted(table_names):
        table_check = f"{schema}.{table}: a query runs"
        try:
            quoted = quote_identifier(_checked(table, TABLE_NAME, "table name"))
            result = statement(f"SELECT * FROM {quoted_schema}.{quoted} LIMIT 1;", f"read-{table}")
        except PlatformError as exc:  # a failed statement names the Lake Formation or IAM denial
            results.append(CheckResult.failed(GROUP, table_check, str(exc)))
            continue
        rows = "1 row" if result.result_rows else "no rows yet"
        results.append(CheckResult.passed(GROUP, table_check, f"SELECT ... LIMIT 1 finished ({rows})"))
    return results


def _checked(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(value):
        raise InvalidSqlValueError(f"{what} {value!r} is not allowed in SQL")
    return value
