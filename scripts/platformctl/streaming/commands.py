"""`platformctl streaming ...`: produce test records into a Firehose stream, check deployed streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import boto3
import click
from botocore.config import Config
from botocore.exceptions import BotoCoreError, NoRegionError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from platformctl.errors import PlatformError, UsageError
from platformctl.streaming.delivery import DeliveryReport, Pacer, RetryPolicy, UndeliveredRecordsError, deliver
from platformctl.streaming.records import RecordGenerator, encode
from platformctl.streaming.verify import check_iceberg_streams

# Retries are ours (only failed entries, bounded, jittered): botocore must not retry whole batches too.
_CLIENT_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=60)
PROGRESS_THRESHOLD = 1000
MAX_LISTED_FAILURES = 5


def make_client(service: str, region: str | None, endpoint_url: str | None) -> Any:
    """A boto3 client; against an emulator endpoint without credentials, moto's dummy keys are used."""
    session = boto3.Session(region_name=region)
    if endpoint_url and session.get_credentials() is None:
        session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    try:
        return session.client(service, endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
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
    "--stream", "stream_name", required=True, help="Deployed Firehose stream name, e.g. dev-firehose-iceberg-events."
)
@click.option("--count", type=click.IntRange(min=1), required=True, help="Number of records to send.")
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
def produce(
    stream_name: str,
    count: int,
    rate: float | None,
    region: str | None,
    endpoint_url: str | None,
    seed: int | None,
    max_attempts: int,
    progress: bool | None,
) -> None:
    """Send COUNT records shaped like the article's Kinesis Data Generator template with PutRecordBatch.

    Exits non-zero (3) and lists error codes when any record was never accepted.
    """
    console = Console()
    client = client_factory("firehose", region, endpoint_url)
    payloads = (encode(record) for record in RecordGenerator(seed=seed).records(count))
    policy = RetryPolicy(max_attempts=max_attempts)
    show = progress if progress is not None else (console.is_terminal and count >= PROGRESS_THRESHOLD)
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
                pacer=Pacer(rate),
                rng=random.Random(seed),
                on_settled=lambda n: bar.advance(task, n),
                total=count,
            )
        except BotoCoreError as exc:
            raise PlatformError(f"cannot reach Firehose: {exc}") from exc
    console.print(_totals_table(report))
    if report.undelivered:
        first = ", ".join(f"#{f.index} {f.error_code}" for f in report.failed[:MAX_LISTED_FAILURES])
        more = f" (first: {first})" if first else ""
        reason = f"; stopped: {report.aborted}" if report.aborted else ""
        raise UndeliveredRecordsError(
            f"{report.undelivered:,} of {report.total:,} records were never delivered to {stream_name}{more}{reason}"
        )


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
@click.option("--database", required=True, help="Glue database of the Iceberg table.")
@click.option("--table", "table_name", required=True, help="Iceberg table name.")
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True, help="Rows to print.")
@click.option("--region", default=None, help="AWS region (default: from the environment/profile).")
@click.option("--endpoint-url", default=None, envvar="PLATFORM_AWS_ENDPOINT_URL", help="Emulator endpoint.")
def query(database: str, table_name: str, limit: int, region: str | None, endpoint_url: str | None) -> None:
    """Print the row count and the first LIMIT rows of an Iceberg table, read through pyiceberg."""
    from platformctl.streaming.query import read_table

    glue = client_factory("glue", region, endpoint_url)
    credentials = glue._request_signer._credentials
    properties = {"s3.region": glue.meta.region_name}
    if endpoint_url:
        properties["s3.endpoint"] = endpoint_url
    if credentials is not None:
        properties["s3.access-key-id"] = credentials.access_key
        properties["s3.secret-access-key"] = credentials.secret_key
        if credentials.token:
            properties["s3.session-token"] = credentials.token
    result = read_table(glue, database, table_name, limit, properties)
    console = Console()
    from rich.text import Text

    # Text cells: row values are data, never rich markup.
    table = Table(title=Text(f"{database}.{table_name}: {result.total:,} rows"))
    for column in result.columns:
        table.add_column(Text(column))
    for row in result.rows:
        table.add_row(*(Text(str(row[c])) for c in result.columns))
    console.print(table)
    click.echo(f"rows: {result.total}")
