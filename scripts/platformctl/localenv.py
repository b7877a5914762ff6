"""`make local`: the whole platform planned in full and applied to the embedded emulator.

Two plans of the same root: the reference plan (everything, exactly as dev/staging/prod would
plan it) and the emulator plan (`emulator_apply_subset = true`), which leaves out what moto cannot
run. Only the second is applied. The difference between the two is printed with the reason for
each left-out resource, so nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.errors import PlatformError
from platformctl.fsutil import read_json_object, write_atomic
from platformctl.planjson import Plan
from platformctl.tfrun import EnvRunner


@contextmanager
def step(console: Console, title: str, *, live: bool = True) -> Iterator[None]:
    """One step of `make local`, with its elapsed time.

    On a terminal a step that prints little (`live`) shows a status line with a spinner and the time so
    far while it runs; a step that streams Terraform's own output (apply) gets a heading instead, as does
    every step in a pipe or CI log. Either way the step ends with one line: done or failed, and its time."""
    started = time.monotonic()
    if live and console.is_terminal:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        # redirect_*: what the step prints (e.g. Terraform's plan summary) goes above the status line.
        with Progress(*columns, console=console, transient=True, redirect_stdout=True, redirect_stderr=True) as bar:
            bar.add_task(Text(title).plain, total=None)
            try:
                yield
            except BaseException:
                console.print(Text.assemble(("FAILED ", "red"), f"{title} after {time.monotonic() - started:.1f} s"))
                raise
    else:
        console.rule(Text(title))
        try:
            yield
        except BaseException:
            console.print(Text.assemble(("FAILED ", "red"), f"{title} after {time.monotonic() - started:.1f} s"))
            raise
    console.print(Text.assemble(("done ", "green"), f"{title} in {time.monotonic() - started:.1f} s"))

# Why each kind of resource is planned but never applied in `local` (measured against moto 5.2.5; details in
# docs/local-emulator.md). Matched on the resource type.
LEFT_OUT_REASONS: dict[str, str] = {
    "aws_redshiftserverless_": "moto has no Redshift Serverless and the provider retries forever",
    "aws_apigatewayv2_domain_name": "moto never reports a v2 domain as AVAILABLE",
    "aws_apigatewayv2_api_mapping": "moto cannot map a REST API through the v2 mapping API (404)",
    "aws_lakeformation_": "moto applies Lake Formation grants but cannot destroy them",
    "aws_lambda_permission": "the authorizer Lambda is owned outside this repo and does not exist in the emulator",
    "aws_cloudformation_stack_set": "moto deploys nothing for OU targets and auto_deployment drifts",
}
# Part of a left-out concern even though moto could create it on its own (e.g. the warehouse's
# security group): matched on the module path.
LEFT_OUT_MODULES: dict[str, str] = {
    "module.platform.module.warehouse": "part of the Redshift Serverless warehouse, which local never applies",
    # Single resources: the lakehouse's Lake Formation registration role exists only for its location registration.
    **dict.fromkeys(
        (
            "module.platform.module.lakehouse.aws_iam_role.lake_formation_location",
            "module.platform.module.lakehouse.aws_iam_role_policy.lake_formation_location",
            "module.platform.module.lakehouse.aws_iam_role_policy.lake_formation_location_key",
        ),
        "the Lake Formation registration role of the warehouse location, used only by aws_lakeformation_resource",
    ),
}
# A trail (per source account, or the organization trail) and everything it owns, wherever the module is called:
# left out because the catalog says so, with the reason in event_sources.cloudtrail.emulator_skip_reason.
TRAIL_MODULE = re.compile(r"(^|\.)module\.(trail|organization_trail)\[0\]\.")
TRAIL_REASON = (
    "a CloudTrail trail, which the emulator apply leaves out: see event_sources.cloudtrail.emulator_skip_reason "
    "in config/environments/local.yaml"
)
# Gaps that do not remove resources but limit what local can prove; checked elsewhere instead.
KNOWN_GAPS = (
    "API Gateway: moto ignores authorizers in the imported spec (asserted in plan JSON instead)",
    "API Gateway: an imported OpenAPI body needs info.description (the linter requires it)",
    "Firehose: delivery into Iceberg is the emulator's own engine (pyiceberg), not the service: see "
    "docs/local-emulator.md for its fidelity and differences",
    "EventBridge: bus policies are not enforced (the policy is asserted in plan JSON and by `make policy`)",
    "EventBridge: an SQS target ARN in another account resolves in the rule's own account, so cross-account "
    "delivery is tested bus -> bus -> SQS",
)


@dataclass(frozen=True)
class PlanSummary:
    creates: Counter[str]
    updates: Counter[str]
    deletes: Counter[str]
    left_out: dict[str, str]
    # Applied, but with settings the reference plan would change (e.g. the execute-api endpoint
    # stays enabled locally because there is no custom domain to front the API).
    differs: list[str]

    @property
    def changes(self) -> int:
        return sum(self.creates.values()) + sum(self.updates.values()) + sum(self.deletes.values())


def planned_addresses(plan: dict[str, Any]) -> set[str]:
    return Plan(plan).kept_addresses()


def left_out_reason(address: str, resource_type: str) -> str:
    for prefix, reason in LEFT_OUT_MODULES.items():
        if address.startswith(prefix + ".") or address.startswith(prefix + "["):
            return reason
    if TRAIL_MODULE.search(address):
        return TRAIL_REASON
    for prefix, reason in LEFT_OUT_REASONS.items():
        if resource_type.startswith(prefix):
            return reason
    return "not in the emulator subset (no reason recorded: add one to LEFT_OUT_REASONS)"


def summarise(reference: dict[str, Any], emulator: dict[str, Any],
              basis: dict[str, Any] | None = None) -> PlanSummary:
    """What the emulator plan does, and how the emulator subset differs from the reference plan.

    The difference is only meaningful between two plans made from the same state: `basis` is the
    emulator plan made beside `reference` (default: `emulator` itself); a reused reference plan
    is compared with the emulator plan of its own run, not with today's."""
    basis = emulator if basis is None else basis
    creates: Counter[str] = Counter()
    updates: Counter[str] = Counter()
    deletes: Counter[str] = Counter()
    for change in Plan(emulator).managed(kept=False):
        if "create" in change.actions:
            creates[change.type] += 1
        if "update" in change.actions:
            updates[change.type] += 1
        if "delete" in change.actions:
            deletes[change.type] += 1
    types = {c.address: c.type for c in Plan(reference).changes}
    missing = planned_addresses(reference) - planned_addresses(basis)
    left_out = {address: left_out_reason(address, types[address]) for address in sorted(missing)}
    return PlanSummary(creates, updates, deletes, left_out, _differing(reference, basis))


def _differing(reference: dict[str, Any], emulator: dict[str, Any]) -> list[str]:
    """Resources in both plans whose intended settings differ (values known at plan time only)."""
    def afters(plan: dict[str, Any]) -> dict[str, Any]:
        return {c.address: c.after for c in Plan(plan).managed()}

    wanted, applied = afters(reference), afters(emulator)
    return sorted(address for address in wanted.keys() & applied.keys() if wanted[address] != applied[address])


def load(path: Path) -> dict[str, Any]:
    return dict(Plan.load(path).document)


def discard_stale_state(runner: EnvRunner) -> bool:
    """Local state describes one emulator boot; after a restart it describes nothing that exists."""
    marker = runner.build / "state-boot-id"
    current = runner.emulator.boot_id()
    recorded = marker.read_text().strip() if marker.is_file() else None
    if runner.state_path.is_file() and recorded != current:
        for path in runner.build.glob("terraform.tfstate*"):
            path.unlink()
        marker.unlink(missing_ok=True)
        return True
    return False


def record_state_boot(runner: EnvRunner) -> None:
    boot = runner.emulator.boot_id()
    if boot:
        (runner.build / "state-boot-id").write_text(boot + "\n")


APPLIED_MARKER = "applied.json"
# The emulator plan made in the same run as the reference plan (same state): what the summary's
# "left out" and "applied differently" compare when the reference plan is reused.
COMPARED_PLAN = "emulator-compared.json"


def applied_fingerprint(runner: EnvRunner, inputs_digest: str) -> dict[str, str] | None:
    """What the last `make local` applied: the digest of its inputs (config/, modules/, envs/local),
    the emulator boot it applied to and the state it left. None when any of them is missing."""
    boot = runner.emulator.boot_id()
    if not boot or not runner.state_path.is_file():
        return None
    state = hashlib.sha256(runner.state_path.read_bytes()).hexdigest()[:16]
    return {"inputs": inputs_digest, "emulator_boot": boot, "state": state}


def unchanged_since_apply(runner: EnvRunner, inputs_digest: str) -> bool:
    """True when the inputs, the emulator boot and the state are exactly those of the last apply,
    and that run's reference plan is still on disk: then the reference plan cannot differ and is
    reused; only the emulator plan runs (it still refreshes, so changes made by hand show)."""
    if not (runner.build / "plan.json").is_file() or not (runner.build / COMPARED_PLAN).is_file():
        return False
    return read_json_object(runner.build / APPLIED_MARKER) == applied_fingerprint(runner, inputs_digest)


def record_applied(runner: EnvRunner, inputs_digest: str) -> None:
    fingerprint = applied_fingerprint(runner, inputs_digest)
    marker = runner.build / APPLIED_MARKER
    if fingerprint is None:
        marker.unlink(missing_ok=True)
    else:
        write_atomic(marker, json.dumps(fingerprint, indent=1) + "\n")


REFERENCE_PLAN = "plan.tfplan"
EMULATOR_PLAN = "emulator.tfplan"
EMULATOR_VARS = ("-var", "emulator_apply_subset=true")


# -- delivery demo (the end of `make local`) ------------------------------------------------------
DEMO_RECORDS = 300
DEMO_SEED = 15
DEMO_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class DemoResult:
    sent: int
    seconds: float
    rows: dict[str, int]  # db.table -> rows of the current snapshot
    delivered: dict[str, int]  # db.table -> records the emulator committed since it started
    failed: int
    error_objects: int


def delivery_demo(
    inputs: EnvironmentInputs, endpoint_url: str, count: int = DEMO_RECORDS, timeout: float = DEMO_TIMEOUT_SECONDS
) -> DemoResult:
    """Send `count` generator records to every local stream, flush, wait for the commits, count the rows."""
    from platformctl.streaming.delivery import deliver
    from platformctl.streaming.emulator_delivery import status, wait_delivered
    from platformctl.streaming.lakehouse import open_env
    from platformctl.streaming.records import RecordGenerator, encode

    started = time.monotonic()
    target = open_env(inputs, endpoint_url, "demo")
    before = status(endpoint_url)
    firehose = target.client("firehose")
    sent = 0
    for stream in target.lakehouse.streams:
        payloads = (encode(r) for r in RecordGenerator(seed=DEMO_SEED).records(count))
        report = deliver(firehose, stream, payloads, rng=random.Random(DEMO_SEED), total=count)
        if report.undelivered:
            codes = ", ".join(f"{code} x{n}" for code, n in report.error_counts().items())
            raise PlatformError(f"{report.undelivered} of {count} records were not accepted by {stream}: {codes}")
        sent += report.delivered
    final = wait_delivered(endpoint_url, timeout)
    failed = int(final["failed"]) - int(before["failed"])
    if failed:
        raise PlatformError(
            f"{failed} of {sent} demo records were not committed to Iceberg (generator records always fit the "
            "catalog's tables), see the error output and the emulator log"
        )
    rows = {f"{c.table.database}.{c.table.table}": c.files.total for c in target.counts()}
    return DemoResult(
        sent, time.monotonic() - started, rows, dict(final["delivered"]), int(final["failed"]), target.error_objects()
    )


def run_delivery_demo(console: Console, inputs: EnvironmentInputs, endpoint_url: str) -> DemoResult:
    """The demo with its report; a failure is one clear message (the apply itself has succeeded)."""
    console.rule("delivery demo (Firehose -> Iceberg on the emulator)")
    try:
        result = delivery_demo(inputs, endpoint_url)
    except Exception as exc:  # any failure here is the engine's or the deployment's: say which step, not a trace
        raise PlatformError(
            f"the local environment is applied, but the delivery demo failed: {type(exc).__name__}: {exc}\n"
            f"the emulator's log: build/emulator/moto-{endpoint_url.rsplit(':', 1)[-1]}.log; "
            "retry with `make produce ENV=local COUNT=300`"
        ) from exc
    console.print(
        f"sent {result.sent:,} records in {result.seconds:.1f} s; the emulator has committed "
        f"{sum(result.delivered.values()):,} and failed {result.failed:,} since it started"
    )
    for table, rows in sorted(result.rows.items()):
        console.print(Text(f"  {table}: {rows:,} rows"))
    console.print(Text(f"  error output: {result.error_objects:,} object(s)"))
    console.print("  rows: platformctl streaming query --env local --table <table>")
    return result


def empty_delivered_data(inputs: EnvironmentInputs, endpoint_url: str) -> int:
    """Before a local destroy: remove what delivery wrote to the lakehouse buckets (objects removed).

    Terraform manages the buckets, not their objects, and cannot delete a bucket that holds any; real
    environments keep that protection (force_destroy stays off). Nothing deployed: nothing to do."""
    from platformctl.streaming.lakehouse import delivered_buckets, empty_buckets, open_env

    try:
        target = open_env(inputs, endpoint_url, "destroy")
    except PlatformError:
        return 0
    return empty_buckets(target.client("s3"), delivered_buckets(target))
