"""`platformctl eventing ...`: the cross-account EventBridge integration check and policy sizes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from platformctl.errors import UsageError
from platformctl.eventing.delivery import DeliveryCheckError, DeliveryReport, SourceAccount, run_check
from platformctl.eventing.policy import EVENT_BUS_POLICY_SIZE_LIMIT, max_accounts_in_accounts_mode, policy_bytes_by_mode
from platformctl.eventing.synthetic import new_run_id

# The env root exposes this output (terraform output -json) for the check.
OUTPUT_NAME = "eventing_check"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/.+$")


@click.group(name="eventing")
def group() -> None:
    """Cross-account EventBridge: delivery check and bus policy sizes."""


def _read_outputs(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read Terraform outputs from {path}: {error}") from error
    entry = document.get(OUTPUT_NAME) if isinstance(document, dict) else None
    value = entry.get("value") if isinstance(entry, dict) else None
    if not isinstance(value, dict):
        raise UsageError(
            f"{path} has no output {OUTPUT_NAME!r} (expected `terraform output -json` of an env root exposing "
            "{region, high_priority_queue_url, standard_queue_url, central_role_arn, source_role_arns})"
        )
    return value


def _account_of(role_arn: str) -> str:
    match = _ROLE_ARN.match(role_arn)
    if not match:
        raise UsageError(f"{role_arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    return match[1]


def _sessions(region: str, endpoint_url: str | None) -> tuple[Any, Any]:
    import boto3  # imported here: the CLI starts faster and tests of other commands skip it

    base = boto3.Session(region_name=region)
    if endpoint_url and base.get_credentials() is None:
        # The emulator accepts any key; moto then maps assume-role credentials to the target account.
        base = boto3.Session(region_name=region, aws_access_key_id="test", aws_secret_access_key="test")
    return boto3, base


def _assumed(boto3: Any, base: Any, role_arn: str | None, region: str, endpoint_url: str | None) -> Any:
    if role_arn is None:
        return base
    sts = base.client("sts", endpoint_url=endpoint_url)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="platformctl-check-delivery")["Credentials"]
    return boto3.Session(
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def render_report(report: DeliveryReport, console: Console) -> None:
    """One line per event and source account (readable in CI logs), then a summary."""
    for result in report.results:
        verdict = "[green]PASS[/green]" if result.passed else "[red]FAIL[/red]"
        console.print(
            f"{verdict} {result.account} {result.case.name} ({result.case.why}): "
            f"expected {result.expected or 'nowhere'}, arrived in {result.observed_text}",
            soft_wrap=True,
        )
    passed = sum(result.passed for result in report.results)
    console.print(
        f"{passed}/{len(report.results)} passed in {report.elapsed_seconds:.1f}s (run {report.run_id})"
        + (f"; {report.stale_messages} message(s) of other runs ignored" if report.stale_messages else "")
        + ("; timed out waiting for deliveries" if report.timed_out else ""),
        soft_wrap=True,
    )


@group.command("check-delivery")
@click.option("--outputs", "outputs_path", type=click.Path(path_type=Path, dir_okay=False),
              help=f"`terraform output -json` of the env root; reads the {OUTPUT_NAME!r} output. "
              "Options below override it.")
@click.option("--source-account-role-arn", "source_role_arns", multiple=True,
              help="Role to assume in a source account to put events on its default bus (repeatable).")
@click.option("--central-role-arn",
              help="Role to assume in the central account to read the queues (default: current credentials).")
@click.option("--high-queue-url", help="URL of the central high-priority queue.")
@click.option("--standard-queue-url", help="URL of the central standard queue.")
@click.option("--region", help="Region of the buses and queues.")
@click.option("--endpoint-url", help="AWS endpoint override, e.g. http://127.0.0.1:5000 for the emulator.")
@click.option("--source", "event_source", default="platform.synthetic", show_default=True,
              help="Source of the synthetic events (the catalog's synthetic_event_source).")
@click.option("--read-only-forwarded", is_flag=True,
              help="The environment forwards read-only calls (drop_read_only: false): "
              "expect them in the standard queue.")
@click.option("--timeout", "timeout_seconds", type=float, default=60.0, show_default=True,
              help="Seconds to wait for every expected delivery.")
@click.option("--settle", "settle_seconds", type=float, default=5.0, show_default=True,
              help="Seconds to keep polling after the last expected delivery, to catch misrouted ones.")
def check_delivery(
    outputs_path: Path | None,
    source_role_arns: tuple[str, ...],
    central_role_arn: str | None,
    high_queue_url: str | None,
    standard_queue_url: str | None,
    region: str | None,
    endpoint_url: str | None,
    event_source: str,
    read_only_forwarded: bool,
    timeout_seconds: float,
    settle_seconds: float,
) -> None:
    """Put synthetic CloudTrail-shaped events in source accounts and verify the central routing.

    Security events must arrive in the high-priority queue only, routine ones in the standard
    queue only, filtered-out ones nowhere. Prints PASS/FAIL per event and account; exits 1 on any FAIL.
    """
    outputs = _read_outputs(outputs_path) if outputs_path else {}
    roles = list(source_role_arns) or list(outputs.get("source_role_arns") or [])
    central_role = central_role_arn or outputs.get("central_role_arn")
    queues = {
        "high_priority": high_queue_url or outputs.get("high_priority_queue_url"),
        "standard": standard_queue_url or outputs.get("standard_queue_url"),
    }
    region = region or outputs.get("region")
    required = (
        ("--source-account-role-arn", roles),
        ("--high-queue-url", queues["high_priority"]),
        ("--standard-queue-url", queues["standard"]),
        ("--region", region),
    )
    missing = [name for name, value in required if not value]
    if missing:
        raise UsageError(f"check-delivery needs {', '.join(missing)} (or --outputs with the {OUTPUT_NAME!r} output)")
    if event_source.startswith("aws."):
        raise UsageError("--source must not start with 'aws.': EventBridge rejects PutEvents with AWS sources")

    boto3, base = _sessions(region, endpoint_url)
    sources = [
        SourceAccount(
            _account_of(role),
            _assumed(boto3, base, role, region, endpoint_url).client("events", endpoint_url=endpoint_url),
        )
        for role in roles
    ]
    sqs = _assumed(boto3, base, central_role, region, endpoint_url).client("sqs", endpoint_url=endpoint_url)

    console = Console()
    run_id = new_run_id()
    console.print(
        f"Putting synthetic events (run {run_id}, source {event_source}) in {len(sources)} source account(s)..."
    )
    report = run_check(
        sources, sqs, queues, run_id=run_id, region=region, source=event_source,
        read_only_forwarded=read_only_forwarded, timeout_seconds=timeout_seconds, settle_seconds=settle_seconds,
    )
    render_report(report, console)
    if not report.passed:
        failed = sum(not result.passed for result in report.results)
        raise DeliveryCheckError(f"delivery check failed: {failed} event(s) misrouted or lost")


@group.command("policy-size")
@click.option("--accounts", "account_counts", type=int, multiple=True, default=(10, 1000, 10000), show_default=True,
              help="Numbers of source accounts to size the policy for (repeatable).")
def policy_size_command(account_counts: tuple[int, ...]) -> None:
    """Bytes of the central bus policy per principal-scope mode, against the 10,240 quota."""
    table = Table(title=f"Central bus policy size (limit {EVENT_BUS_POLICY_SIZE_LIMIT} bytes)")
    for column in ("accounts", "organization", "organizational_units", "accounts mode"):
        table.add_column(column, justify="right")
    for count in account_counts:
        sizes = policy_bytes_by_mode([f"{100000000000 + i}" for i in range(count)])
        over = sizes["accounts"] > EVENT_BUS_POLICY_SIZE_LIMIT
        table.add_row(str(count), str(sizes["organization"]), str(sizes["organizational_units"]),
                      f"[red]{sizes['accounts']} (too large)[/red]" if over else str(sizes["accounts"]))
    console = Console()
    console.print(table)
    console.print(f"accounts mode fits at most {max_accounts_in_accounts_mode()} accounts under the default quota")
