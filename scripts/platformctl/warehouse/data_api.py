"""Run one SQL statement on a Redshift Serverless workgroup through the Redshift Data API.

The Data API is asynchronous: `execute_statement` returns an id, `describe_statement` reports its status
(SUBMITTED, PICKED, STARTED, then FINISHED, FAILED or ABORTED). `run_statement` polls with exponential
backoff until a final status or the timeout, and turns every failure into a PlatformError with the
statement's own error text. The client, the clock and the sleep are injected so tests need no AWS.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from platformctl.errors import PlatformError

FINAL_STATUSES = frozenset({"FINISHED", "FAILED", "ABORTED"})


class DataApiClient(Protocol):
    """The part of boto3's `redshift-data` client that the runner uses."""

    def execute_statement(self, **kwargs: Any) -> dict[str, Any]: ...
    def describe_statement(self, **kwargs: Any) -> dict[str, Any]: ...
    def cancel_statement(self, **kwargs: Any) -> dict[str, Any]: ...


class DataApiError(PlatformError):
    """The Data API refused a call or the statement did not finish."""


class StatementFailedError(DataApiError):
    def __init__(self, statement_id: str, error: str) -> None:
        self.statement_id = statement_id
        self.error = error
        super().__init__(f"statement {statement_id} failed: {error}")


class StatementAbortedError(DataApiError):
    def __init__(self, statement_id: str) -> None:
        self.statement_id = statement_id
        super().__init__(f"statement {statement_id} was aborted (cancelled by a user or by the workgroup)")


class StatementTimeoutError(DataApiError):
    def __init__(self, statement_id: str, timeout: float, last_status: str, cancelled: bool) -> None:
        self.statement_id = statement_id
        self.last_status = last_status
        self.cancelled = cancelled
        outcome = "it was cancelled" if cancelled else "cancelling it failed; check it with describe-statement"
        super().__init__(
            f"statement {statement_id} did not finish within {timeout:g}s (last status {last_status}); {outcome}"
        )


@dataclass(frozen=True)
class StatementResult:
    statement_id: str
    status: str
    duration_seconds: float | None
    result_rows: int | None
    has_result_set: bool


@dataclass(frozen=True)
class Backoff:
    """Poll delays: initial, multiplied by factor after each poll, capped at maximum."""

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * self.factor, self.maximum)


def _call(what: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DataApiError(f"{what} failed: {error.get('Code', 'error')}: {error.get('Message', exc)}") from exc
    except BotoCoreError as exc:
        raise DataApiError(f"{what} failed: {exc}") from exc


def run_statement(
    client: DataApiClient,
    sql: str,
    *,
    workgroup: str,
    database: str,
    secret_arn: str | None = None,
    statement_name: str | None = None,
    timeout: float = 300.0,
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> StatementResult:
    """Execute `sql` on `workgroup`/`database` and wait for it; raise DataApiError unless it FINISHED.

    Without `secret_arn` the Data API signs in with the caller's IAM identity (a database user of the same
    name); with it, with the credential in that Secrets Manager secret (e.g. the namespace admin secret).
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    request: dict[str, Any] = {"Sql": sql, "WorkgroupName": workgroup, "Database": database}
    if secret_arn:
        request["SecretArn"] = secret_arn
    if statement_name:
        request["StatementName"] = statement_name

    statement_id = _call("execute_statement", lambda: client.execute_statement(**request))["Id"]
    deadline = monotonic() + timeout
    status = "SUBMITTED"
    for delay in backoff.delays():
        description = _call("describe_statement", lambda: client.describe_statement(Id=statement_id))
        status = description["Status"]
        if status == "FINISHED":
            duration = description.get("Duration")
            rows = description.get("ResultRows")
            return StatementResult(
                statement_id=statement_id,
                status=status,
                duration_seconds=duration / 1e9 if isinstance(duration, int) and duration >= 0 else None,
                result_rows=rows if isinstance(rows, int) and rows >= 0 else None,
                has_result_set=bool(description.get("HasResultSet", False)),
            )
        if status == "FAILED":
            raise StatementFailedError(statement_id, description.get("Error") or "no error text returned")
        if status == "ABORTED":
            raise StatementAbortedError(statement_id)
        remaining = deadline - monotonic()
        if remaining <= 0:
            break
        sleep(min(delay, remaining))

    try:
        client.cancel_statement(Id=statement_id)
        cancelled = True
    except (ClientError, BotoCoreError):
        cancelled = False
    raise StatementTimeoutError(statement_id, timeout, status, cancelled)
