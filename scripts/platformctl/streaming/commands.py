"""`platformctl streaming ...`: produce test records into a Firehose stream, check deployed streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import click
from botocore.config import Config
from botocore.exceptions import BotoCoreError, NoRegionError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from platformctl.awssession import aws_step
from platformctl.errors import PlatformError, UsageError
from platformctl.streaming.delivery import DeliveryReport, Pacer, RetryPolicy, UndeliveredRecordsError, deliver
from platformctl.streaming.emulator_delivery import DEFAULT_TIMEOUT_SECONDS, status, wait_delivered
from platformctl.streaming.lakehouse import EnvLakehouse, open_env, s3_properties
from platformctl.streaming.query import TableRows
from platformctl.streaming.records import RecordGenerator, encode
from platformctl.streaming.verify import check_iceberg_streams

# Retries are ours (only failed entries, bounded, jittered): botocore must not retry whole batches too.
_CLIENT_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=60)
PROGRESS_THRESHOLD = 1000
MAX_LISTED_FAILURES = 5


def make_session(region: str | None, endpoint_url: str | None) -> boto3.Session:
    """The caller's session; against an emulator endpoint without credentials, moto's dummy keys."""
    session = boto3.Session(region_name=region)
    if endpoint_url and session.get_credentials() is None:
        session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    return session


def make_client(service: str, region: str | None, endpoint_url: str | None) -> Any:
    try:
        return make_session(region, endpoint_url).client(service, endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
    except NoRegionError as exc:
        raise UsageError("no AWS region: pass --region or set AWS_REGION") from exc


# Tests replace this to inject a fake client.
client_factory: Callable[[str, str | None, str | None], Any] = make_client


def _totals_table(report: DeliveryReport) -> Table:
    table = Table(title=f"PutRecordBatch to {report.stream}", show_header=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    rate = report.delivered / report.elapsed_seconds if report.elapsed_seconds > 0 else 0.0
    rows = [
        ("records", f"{report.total:,}"),
        ("delivered", f"{report.delivered:,}"),
        ("undelivered", f"{report.undelivered:,}"),
        ("PutRecordBatch calls", f"{report.calls:,}"),
        ("entries retried", f"{report.retried_entries:,}"),
        ("bytes delivered", f"{report.bytes_delivered:,}"),
        ("elapsed", f"{report.elapsed_seconds:.1f} s"),
        ("delivered per second", f"{rate:,.1f}"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    for code, count in report.error_counts().items():
        table.add_row(f"failed: {code}", f"{count:,}")
    if report.not_attempted:
        table.add_row("never attempted", f"{report.not_attempted:,}")
    return table


@click.group(name="streaming", help="Send test records to Firehose streams and check deployed Iceberg streams.")
def group() -> None:
    """Streaming tools."""


@group.command("produce")
@click.option(
    "--stream", "stream_name", default=None, help="Deployed Firehose stream name, e.g. dev-firehose-iceberg-events."
)
@click.option(
    "--env",
    default=None,
    help="Send to every stream of this environment's catalog (local: the emulator), through its data account.",
)
@click.option("--count", type=click.IntRange(min=1), required=True, help="Number of records to send (per stream).")
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Records per second (default: as fast as allowed).",
)
@click.option("--region", default=None, help="AWS region (default: from the environment/profile).")
@click.option(
    "--endpoint-url",
    default=None,
    envvar="PLATFORM_AWS_ENDPOINT_URL",
    help="Emulator endpoint, e.g. http://127.0.0.1:4566.",
)
@click.option("--seed", type=int, default=None, help="Seed for reproducible record contents.")
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Attempts per batch, retries included.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help=f"Progress bar (default: on a terminal for {PROGRESS_THRESHOLD}+ records).",
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=1),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    help="With --env local: seconds to wait for the emulator to commit every record.",
)
def produce(
    stream_name: str | None,
    env: str | None,
    count: int,
    rate: float | None,
    region: str | None,
    endpoint_url: str | None,
    seed: int | None,
    max_attempts: int,
    progress: bool | None,
    wait_timeout: float,
) -> None:
    """Send COUNT records shaped like the article's Kinesis Data Generator template with PutRecordBatch.

    With --env local, every local stream gets COUNT records on the emulator; the emulator's buffers are
    then flushed and the command waits until each record is committed to its Iceberg table or written
    to the error output, and prints the rows per table. Exits non-zero (3) and lists error codes when
    any record was never accepted.
    """
    if (stream_name is None) == (env is None):
        raise click.UsageError("give exactly one of --stream (one deployed stream) or --env (all streams of an env)")
    console = Console()
    settings = _Sending(count, rate, seed, max_attempts, progress)
    if stream_name is not None:
        _raise_undelivered([_send(console, client_factory("firehose", region, endpoint_url), stream_name, settings)])
        return
    assert env is not None
    target = _open_env(env, "produce")
    firehose = target.client("firehose", _CLIENT_CONFIG)
    before = status(target.endpoint_url) if target.inputs.emulator and target.endpoint_url else None
    reports = [_send(console, firehose, name, settings) for name in target.lakehouse.streams]
    if before is not None and target.endpoint_url:
        console.print(f"waiting for the emulator to commit (at most {wait_timeout:.0f} s) ...")
        final = wait_delivered(target.endpoint_url, wait_timeout)
        committed = sum(final["delivered"].values()) - sum(before["delivered"].values())
        failed = final["failed"] - before["failed"]
        console.print(f"emulator: {committed:,} record(s) committed to Iceberg, {failed:,} failed")
        _print_counts(console, target)
        _raise_undelivered(reports)
        if failed:
            # Generator records always fit the catalog's tables: a failure is the engine's or the deployment's.
            raise PlatformError(
                f"{failed:,} record(s) were not committed: see the error output above and the emulator log "
                "(build/emulator/moto-<port>.log)"
            )
    _raise_undelivered(reports)


@dataclass(frozen=True)
class _Sending:
    count: int
    rate: float | None
    seed: int | None
    max_attempts: int
    progress: bool | None


def _send(console: Console, client: Any, stream_name: str, settings: _Sending) -> DeliveryReport:
    count = settings.count
    payloads = (encode(record) for record in RecordGenerator(seed=settings.seed).records(count))
    policy = RetryPolicy(max_attempts=settings.max_attempts)
    show = settings.progress if settings.progress is not None else (console.is_terminal and count >= PROGRESS_THRESHOLD)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not show, transient=True) as bar:
        task = bar.add_task(f"sending to {stream_name}", total=count)
        try:
            report = deliver(
                client,
                stream_name,
                payloads,
                policy=policy,
                pacer=Pacer(settings.rate),
                rng=random.Random(settings.seed),
                on_settled=lambda n: bar.advance(task, n),
                total=count,
            )
        except BotoCoreError as exc:
            raise PlatformError(f"cannot reach Firehose: {exc}") from exc
    console.print(_totals_table(report))
    return report


def _raise_undelivered(reports: list[DeliveryReport]) -> None:
    problems = []
    for report in reports:
        if not report.undelivered:
            continue
        first = ", ".join(f"#{f.index} {f.error_code}" for f in report.failed[:MAX_LISTED_FAILURES])
        more = f" (first: {first})" if first else ""
        reason = f"; stopped: {report.aborted}" if report.aborted else ""
        problems.append(
            f"{report.undelivered:,} of {report.total:,} records were never delivered to {report.stream}{more}{reason}"
        )
    if problems:
        raise UndeliveredRecordsError("\n".join(problems))


def _open_env(env: str, purpose: str) -> EnvLakehouse:
    """The env's data-account lakehouse; for the emulator env, the running emulator (PLATFORM_EMULATOR_PORT)."""
    from platformctl.catalog import load_inputs
    from platformctl.emulator.control import running_endpoint
    from platformctl.tfrun import check_env_name

    check_env_name(env)
    inputs = load_inputs(env)
    endpoint = running_endpoint() if inputs.emulator else None
    with aws_step(f"reaching the {env} data account"):
        return open_env(inputs, endpoint, purpose)


def _print_counts(console: Console, target: EnvLakehouse) -> None:
    table = Table(title=Text(f"{target.inputs.environment}: Iceberg tables"))
    for column in ("table", "rows", "data files", "stream"):
        table.add_column(column, justify="right" if column in ("rows", "data files") else "left")
    # OSError: pyarrow reading a data file.
    with aws_step(f"counting the rows and error objects of the {target.inputs.environment} tables",
                  others=(OSError,)):
        counted = list(target.counts())
        error_objects = target.error_objects()
    for found in counted:
        name = f"{found.table.database}.{found.table.table}"
        files = found.files
        table.add_row(Text(name), f"{files.total:,}", f"{len(files.data_files):,}", Text(found.table.stream))
    console.print(table)
    where = f"s3://{target.lakehouse.error_bucket}/" + ",".join(target.lakehouse.error_prefixes)
    console.print(Text(f"error output: {error_objects:,} object(s) under {where}"))


@group.command("verify")
@click.option(
    "--stream", "stream_names", multiple=True, required=True, help="Deployed Firehose stream name (repeatable)."
)
@click.option("--region", default=None, help="AWS region (default: from the environment/profile).")
@click.option("--endpoint-url", default=None, envvar="PLATFORM_AWS_ENDPOINT_URL", help="Emulator endpoint.")
def verify(stream_names: tuple[str, ...], region: str | None, endpoint_url: str | None) -> None:
    """Check that each stream delivers to Iceberg tables that exist in Glue (table_type ICEBERG)."""
    firehose = client_factory("firehose", region, endpoint_url)
    glue = client_factory("glue", region, endpoint_url)
    problems = check_iceberg_streams(firehose, glue, stream_names)
    if problems:
        raise PlatformError("\n".join(problems))
    click.echo(f"ok: {len(stream_names)} stream(s) deliver into existing Iceberg tables")


@group.command("query")
@click.option("--env", default=None, help="Environment whose catalog names the table (local: the emulator).")
@click.option("--database", default=None, help="Glue database of the Iceberg table (without --env).")
@click.option("--table", "table_name", required=True, help="Iceberg table name.")
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True, help="Rows to print.")
@click.option("--region", default=None, help="AWS region (default: from the environment/profile).")
@click.option("--endpoint-url", default=None, envvar="PLATFORM_AWS_ENDPOINT_URL", help="Emulator endpoint.")
def query(
    env: str | None, database: str | None, table_name: str, limit: int, region: str | None, endpoint_url: str | None
) -> None:
    """Print the row count and the first LIMIT rows of an Iceberg table, read through pyiceberg.

    With --env, the database, the data account and (for local) the emulator come from the environment's
    catalog, and the rows per table of the whole environment are printed too."""
    from platformctl.streaming.query import read_table

    if (env is None) == (database is None):
        raise click.UsageError("give exactly one of --env (the catalog names the database) or --database")
    console = Console()
    if env is not None:
        target = _open_env(env, "query")
        found = target.lakehouse.table(table_name)
        result = read_table(target.client("glue"), found.database, found.table, limit, target.properties)
        _print_rows(console, f"{found.database}.{found.table}", result)
        _print_counts(console, target)
    else:
        assert database is not None
        session = make_session(region, endpoint_url)
        glue = make_client("glue", region, endpoint_url)
        result = read_table(glue, database, table_name, limit, s3_properties(session, endpoint_url))
        _print_rows(console, f"{database}.{table_name}", result)
    click.echo(f"rows: {result.total}")


def _print_rows(console: Console, name: str, result: TableRows) -> None:
    # Text cells: row values are data, never rich markup.
    table = Table(title=Text(f"{name}: {result.total:,} rows"))
    for column in result.columns:
        table.add_column(Text(column))
    for row in result.rows:
        table.add_row(*(Text(str(row[c])) for c in result.columns))
    console.print(table)
