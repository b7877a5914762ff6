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
from platformctl.eventing import redrive, replay
from platformctl.eventing.delivery import DeliveryCheckError, DeliveryReport, SourceAccount, run_check
from platformctl.eventing.policy import EVENT_BUS_POLICY_SIZE_LIMIT, max_accounts_in_accounts_mode, policy_bytes_by_mode
from platformctl.eventing.synthetic import new_run_id

# The env root exposes this output (terraform output -json) for the check.
OUTPUT_NAME = "eventing_check"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/.+$")


@click.group(name="eventing")
def group() -> None:
    """Cross-account EventBridge: delivery check, bus policy sizes, archive replay and DLQ redrive."""


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


# -- replay and redrive ------------------------------------------------------------------------------------


def central_client(env: str, service: str) -> Any:
    """A client in the environment's central account through the deploy role (the emulator for local)."""
    from platformctl.awssession import AccountAccess
    from platformctl.catalog import load_inputs
    from platformctl.emulator.control import Emulator

    inputs = load_inputs(env)
    endpoint = Emulator.from_env().url if inputs.emulator else None
    access = AccountAccess.for_env(inputs, endpoint)
    return access.client(inputs.accounts.central, service, purpose=f"eventing-{service}")


def _write_report(env: str, name: str, document: dict[str, Any]) -> Path:
    from platformctl.paths import BUILD_DIR

    path = BUILD_DIR / "eventing" / env / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def _env_option(function: Any) -> Any:
    from platformctl.catalog.base import ENV_NAMES

    return click.option("--env", "env", required=True, type=click.Choice(ENV_NAMES), help="Environment.")(function)


@group.command("replay")
@_env_option
@click.option(
    "--from",
    "start",
    required=True,
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    help="Start of the window of archived events (UTC), e.g. 2026-12-03T09:00.",
)
@click.option(
    "--to",
    "end",
    required=True,
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    help="End of the window (UTC, not in the future).",
)
@click.option(
    "--pattern",
    "patterns",
    multiple=True,
    type=click.Choice(sorted(replay.RULES)),
    help="Replay only to this routing rule of the bus (repeatable; default: every rule).",
)
@click.option("--dry-run", is_flag=True, help="Check the archive and the window and print the replay; start nothing.")
@click.option(
    "--timeout",
    "timeout_seconds",
    type=float,
    default=3600.0,
    show_default=True,
    help="Seconds to follow the replay before giving up (it keeps running).",
)
@click.option("--poll", "poll_seconds", type=float, default=10.0, show_default=True, help="Seconds between polls.")
def replay_command(
    env: str,
    start: Any,
    end: Any,
    patterns: tuple[str, ...],
    dry_run: bool,
    timeout_seconds: float,
    poll_seconds: float,
) -> None:
    """Replay the central bus's archived events of a time window back to the bus and follow it to the end.

    The routing rules deliver the replayed events again (they carry `replay-name`); --pattern limits the
    replay to some rules. Prints progress, writes a JSON report to build/eventing/ENV/, exits 1 unless the
    replay COMPLETED.
    """
    from datetime import UTC, datetime

    console = Console(highlight=False)
    events = central_client(env, "events")
    plan = replay.plan_replay(events, env, start, end, patterns, now=datetime.now(UTC))
    console.print(
        f"replay {plan.name}: archive {plan.archive_name} ({plan.archive_event_count} events, "
        f"{plan.archive_size_bytes} bytes) -> {plan.bus_arn}",
        markup=False,
        soft_wrap=True,
    )
    console.print(
        f"window {plan.start.isoformat()} .. {plan.end.isoformat()}; rules: "
        f"{', '.join(plan.filter_arns) or 'every rule of the bus'}",
        markup=False,
        soft_wrap=True,
    )
    for warning in plan.warnings:
        console.print(f"warning: {warning}", markup=False, soft_wrap=True)
    report = replay.run_replay(
        events,
        plan,
        dry_run=dry_run,
        poll_seconds=poll_seconds,
        timeout_seconds=timeout_seconds,
        on_progress=lambda state, done: console.print(f"  {state} {done:.0%}", markup=False, soft_wrap=True),
    )
    path = _write_report(env, plan.name, report.as_json())
    if dry_run:
        console.print(f"dry run: nothing started; report {path}", markup=False, soft_wrap=True)
        return
    console.print(
        f"{report.state}{': ' + report.state_reason if report.state_reason else ''}; report {path}",
        markup=False,
        soft_wrap=True,
    )
    if not report.ok:
        raise replay.ReplayError(f"replay {plan.name} ended {report.state}: {report.state_reason or 'no reason given'}")


@group.command("redrive")
@_env_option
@click.option(
    "--queue",
    required=True,
    type=click.Choice([*redrive.QUEUES, *redrive.NOT_MOVABLE]),
    help="Whose DLQ to move back: high-priority or standard (delivery explains what to do instead).",
)
@click.option("--dry-run", is_flag=True, help="Count the DLQ's messages and print the move; start nothing.")
@click.option(
    "--max-per-second",
    type=click.IntRange(1, 500),
    default=None,
    help="Throttle the move task (default: SQS's own rate).",
)
@click.option(
    "--timeout",
    "timeout_seconds",
    type=float,
    default=1800.0,
    show_default=True,
    help="Seconds to follow the move task before giving up (it keeps running).",
)
@click.option("--poll", "poll_seconds", type=float, default=5.0, show_default=True, help="Seconds between polls.")
def redrive_command(
    env: str, queue: str, dry_run: bool, max_per_second: int | None, timeout_seconds: float, poll_seconds: float
) -> None:
    """Move the messages of a central DLQ back to its source queue with an SQS message-move task.

    Refuses when the source queue does not redrive to that DLQ or a move task is already running. Prints
    progress, writes a JSON report to build/eventing/ENV/, exits 1 unless the task COMPLETED.
    """
    console = Console(highlight=False)
    sqs = central_client(env, "sqs")
    plan = redrive.plan_redrive(sqs, env, queue)
    console.print(
        f"redrive {plan.dlq_name} -> {plan.source_name}: {plan.messages} message(s) waiting, "
        f"{plan.in_flight} in flight (moved once they become visible again)",
        markup=False,
        soft_wrap=True,
    )
    report = redrive.run_redrive(
        sqs,
        plan,
        dry_run=dry_run,
        max_per_second=max_per_second,
        poll_seconds=poll_seconds,
        timeout_seconds=timeout_seconds,
        on_progress=lambda status, moved, total: console.print(
            f"  {status} {moved}/{total}", markup=False, soft_wrap=True
        ),
    )
    from datetime import UTC, datetime

    path = _write_report(env, f"redrive-{queue}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}", report.as_json())
    if dry_run:
        console.print(f"dry run: nothing moved; report {path}", markup=False, soft_wrap=True)
        return
    console.print(
        f"{report.status}: {report.moved}/{report.to_move} moved"
        f"{'; ' + report.failure_reason if report.failure_reason else ''}; report {path}",
        markup=False,
        soft_wrap=True,
    )
    if not report.ok:
        raise redrive.RedriveError(
            f"redrive of {plan.dlq_name} ended {report.status}: {report.failure_reason or 'no reason given'}"
        )
