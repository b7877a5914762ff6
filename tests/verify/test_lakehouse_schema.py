"""The lakehouse read-path check (verify/warehouse.check_lakehouse_schema) through the real Data API runner,
with a fake redshift-data client that answers per SQL statement like the service does."""

from __future__ import annotations

import itertools
from typing import Any

from platformctl.verify.model import Status
from platformctl.verify.warehouse import check_lakehouse_schema

WAREHOUSE = {
    "workgroup_name": "prod-warehouse",
    "database_name": "analytics",
    "admin_secret_arn": "arn:aws:secretsmanager:eu-west-1:230000000003:secret:redshift!prod-warehouse-admin-AbCdEf",
    "external_schema_name": "lakehouse",
}


class FakeDataApi:
    """execute_statement -> an id; describe_statement -> FINISHED with rows, or FAILED with the error text."""

    def __init__(self, schema_rows: int = 1, failing: dict[str, str] | None = None) -> None:
        self.schema_rows, self.failing = schema_rows, failing or {}
        self.statements: dict[str, dict[str, Any]] = {}
        self.ids = (f"stmt-{n}" for n in itertools.count(1))

    def execute_statement(self, **request: Any) -> dict[str, Any]:
        statement_id = next(self.ids)
        self.statements[statement_id] = request
        return {"Id": statement_id}

    def describe_statement(self, *, Id: str) -> dict[str, Any]:
        sql = self.statements[Id]["Sql"]
        if "svv_external_schemas" in sql:
            return {"Status": "FINISHED", "ResultRows": self.schema_rows, "HasResultSet": True}
        for table, error in self.failing.items():
            if f'"{table}"' in sql:
                return {"Status": "FAILED", "Error": error}
        return {"Status": "FINISHED", "ResultRows": 1, "HasResultSet": True, "Duration": 1_000_000}

    def cancel_statement(self, **_: Any) -> dict[str, Any]:
        return {"Status": True}


def test_schema_and_every_table_answer() -> None:
    api = FakeDataApi()
    results = check_lakehouse_schema(api, WAREHOUSE, ["firehose_events_2", "firehose_events"])
    assert [r.status for r in results] == [Status.PASS] * 3
    assert [r.name for r in results] == [
        "external schema lakehouse: mounted",
        "lakehouse.firehose_events: a query runs",
        "lakehouse.firehose_events_2: a query runs",
    ]
    sqls = [s["Sql"] for s in api.statements.values()]
    assert sqls[0] == "SELECT schemaname FROM svv_external_schemas WHERE schemaname = 'lakehouse';"
    assert sqls[1] == 'SELECT * FROM "lakehouse"."firehose_events" LIMIT 1;'
    assert all(s["SecretArn"] == WAREHOUSE["admin_secret_arn"] for s in api.statements.values())
    assert all(s["WorkgroupName"] == "prod-warehouse" and s["Database"] == "analytics" for s in api.statements.values())


def test_an_unmounted_schema_fails_and_says_how_to_mount_it() -> None:
    [result] = check_lakehouse_schema(FakeDataApi(schema_rows=0), WAREHOUSE, ["firehose_events"])
    assert result.status is Status.FAIL
    assert "platformctl warehouse mount-lakehouse --env" in result.reason


def test_a_table_the_role_cannot_read_fails_with_the_statement_error() -> None:
    denied = "Insufficient Lake Formation permission(s) on firehose_events_2"
    results = check_lakehouse_schema(
        FakeDataApi(failing={"firehose_events_2": denied}), WAREHOUSE, ["firehose_events", "firehose_events_2"]
    )
    assert [r.status for r in results] == [Status.PASS, Status.PASS, Status.FAIL]
    assert denied in results[2].reason


def test_no_deployed_warehouse_is_a_failure_not_a_crash() -> None:
    [result] = check_lakehouse_schema(FakeDataApi(), {**WAREHOUSE, "workgroup_name": None}, ["firehose_events"])
    assert result.status is Status.FAIL and "outputs warehouse." in result.reason


def test_a_table_name_that_is_not_an_identifier_never_reaches_sql() -> None:
    api = FakeDataApi()
    results = check_lakehouse_schema(api, WAREHOUSE, ['x"; DROP TABLE y; --'])
    assert results[-1].status is Status.FAIL and "not allowed in SQL" in results[-1].reason
    assert all("DROP" not in s["Sql"] for s in api.statements.values())


def test_local_skips_the_read_path_with_the_reason() -> None:
    from platformctl.catalog import load_inputs
    from platformctl.verify.runner import _lakehouse_checks

    [[result]] = list(_lakehouse_checks(load_inputs("local"), {}, clients=None))  # type: ignore[arg-type]
    assert result.status is Status.SKIP
    assert "moto has no Redshift Serverless and no Redshift Data API" in result.reason
