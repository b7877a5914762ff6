"""The Data API runner against a stubbed boto3 `redshift-data` client (botocore Stubber validates every
request against the real API model, so parameter names are checked too)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from platformctl.warehouse.data_api import (
    Backoff,
    DataApiError,
    StatementAbortedError,
    StatementFailedError,
    StatementTimeoutError,
    run_statement,
)

SQL = "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"lakehouse\" FROM DATA CATALOG DATABASE 'db' IAM_ROLE 'arn';"
EXECUTE = {"Sql": SQL, "WorkgroupName": "dev-warehouse", "Database": "analytics"}
STATEMENT_ID = "d9b6c0c9-0747-4bf4-b142-e8883122f766"


class FakeClock:
    """monotonic() and sleep() that advance virtual time only."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def client() -> Iterator[tuple[object, Stubber]]:
    real = boto3.client(
        "redshift-data", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    with Stubber(real) as stubber:
        yield real, stubber
        stubber.assert_no_pending_responses()


def described(status: str, **extra: object) -> dict[str, object]:
    return {"Id": STATEMENT_ID, "Status": status, **extra}


def test_success_polls_with_backoff_until_finished(client) -> None:
    real, stubber = client
    clock = FakeClock()
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    for status in ("SUBMITTED", "PICKED", "STARTED"):
        stubber.add_response("describe_statement", described(status), {"Id": STATEMENT_ID})
    stubber.add_response(
        "describe_statement",
        described("FINISHED", Duration=1_500_000_000, ResultRows=0, HasResultSet=False),
        {"Id": STATEMENT_ID},
    )

    result = run_statement(
        real,
        SQL,
        workgroup="dev-warehouse",
        database="analytics",
        backoff=Backoff(initial=0.5, factor=2.0, maximum=1.5),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )

    assert result.status == "FINISHED"
    assert result.statement_id == STATEMENT_ID
    assert result.duration_seconds == pytest.approx(1.5)
    assert result.result_rows == 0
    assert result.has_result_set is False
    assert clock.sleeps == [0.5, 1.0, 1.5]


def test_secret_arn_and_statement_name_are_passed(client) -> None:
    real, stubber = client
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift!dev-warehouse-admin-AbCdEf"
    stubber.add_response(
        "execute_statement",
        {"Id": STATEMENT_ID},
        EXECUTE | {"SecretArn": secret, "StatementName": "platformctl-mount-lakehouse"},
    )
    stubber.add_response("describe_statement", described("FINISHED", Duration=-1), {"Id": STATEMENT_ID})

    result = run_statement(
        real,
        SQL,
        workgroup="dev-warehouse",
        database="analytics",
        secret_arn=secret,
        statement_name="platformctl-mount-lakehouse",
        sleep=FakeClock().sleep,
    )
    assert result.duration_seconds is None


def test_failed_statement_reports_its_error_text(client) -> None:
    real, stubber = client
    clock = FakeClock()
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    stubber.add_response("describe_statement", described("STARTED"), {"Id": STATEMENT_ID})
    error = "ERROR: AwsClientException: Glue EntityNotFoundException Database lakehouse_dev not found"
    stubber.add_response("describe_statement", described("FAILED", Error=error), {"Id": STATEMENT_ID})

    with pytest.raises(StatementFailedError) as info:
        run_statement(
            real, SQL, workgroup="dev-warehouse", database="analytics", sleep=clock.sleep, monotonic=clock.monotonic
        )

    assert info.value.error == error
    assert STATEMENT_ID in str(info.value)
    assert "Database lakehouse_dev not found" in str(info.value)


def test_aborted_statement_is_an_error(client) -> None:
    real, stubber = client
    clock = FakeClock()
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    stubber.add_response("describe_statement", described("ABORTED"), {"Id": STATEMENT_ID})

    with pytest.raises(StatementAbortedError, match="aborted"):
        run_statement(
            real, SQL, workgroup="dev-warehouse", database="analytics", sleep=clock.sleep, monotonic=clock.monotonic
        )


def test_timeout_cancels_the_statement(client) -> None:
    real, stubber = client
    clock = FakeClock()
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    # 0.5 + 1 + 2 + 2 + 2 = 7.5 s of polling, then the last describe after the deadline.
    for _ in range(6):
        stubber.add_response("describe_statement", described("STARTED"), {"Id": STATEMENT_ID})
    stubber.add_response("cancel_statement", {"Status": True}, {"Id": STATEMENT_ID})

    with pytest.raises(StatementTimeoutError) as info:
        run_statement(
            real,
            SQL,
            workgroup="dev-warehouse",
            database="analytics",
            timeout=7.5,
            backoff=Backoff(initial=0.5, factor=2.0, maximum=2.0),
            sleep=clock.sleep,
            monotonic=clock.monotonic,
        )

    assert info.value.cancelled is True
    assert info.value.last_status == "STARTED"
    assert "did not finish within 7.5s" in str(info.value)
    assert clock.now == pytest.approx(7.5)


def test_timeout_reports_a_failed_cancel(client) -> None:
    real, stubber = client
    clock = FakeClock()
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    stubber.add_response("describe_statement", described("SUBMITTED"), {"Id": STATEMENT_ID})
    stubber.add_response("describe_statement", described("SUBMITTED"), {"Id": STATEMENT_ID})
    stubber.add_client_error("cancel_statement", "ValidationException", "Could not cancel a query that is complete")

    with pytest.raises(StatementTimeoutError) as info:
        run_statement(
            real,
            SQL,
            workgroup="dev-warehouse",
            database="analytics",
            timeout=1.0,
            backoff=Backoff(initial=5.0),
            sleep=clock.sleep,
            monotonic=clock.monotonic,
        )

    assert info.value.cancelled is False
    assert clock.sleeps == [1.0]  # never sleeps past the deadline


def test_rejected_execute_is_a_clean_error(client) -> None:
    real, stubber = client
    stubber.add_client_error(
        "execute_statement", "ValidationException", "Workgroup dev-warehouse not found", expected_params=EXECUTE
    )

    with pytest.raises(DataApiError, match="execute_statement failed: ValidationException: Workgroup dev-warehouse"):
        run_statement(real, SQL, workgroup="dev-warehouse", database="analytics", sleep=FakeClock().sleep)


def test_describe_error_is_a_clean_error(client) -> None:
    real, stubber = client
    stubber.add_response("execute_statement", {"Id": STATEMENT_ID}, EXECUTE)
    stubber.add_client_error("describe_statement", "ResourceNotFoundException", "Query does not exist")

    with pytest.raises(DataApiError, match="describe_statement failed: ResourceNotFoundException"):
        run_statement(real, SQL, workgroup="dev-warehouse", database="analytics", sleep=FakeClock().sleep)


def test_backoff_is_capped() -> None:
    delays = Backoff(initial=0.25, factor=3.0, maximum=2.0).delays()
    assert [next(delays) for _ in range(5)] == [0.25, 0.75, 2.0, 2.0, 2.0]


def test_timeout_must_be_positive(client) -> None:
    real, _ = client
    with pytest.raises(ValueError, match="timeout must be positive"):
        run_statement(real, SQL, workgroup="w", database="d", timeout=0)
