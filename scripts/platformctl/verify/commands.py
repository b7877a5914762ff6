"""`platformctl verify run ENV`: check a deployed environment against the catalog (`make verify ENV=...`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from platformctl import localenv
from platformctl.awssession import AccountAccess
from platformctl.catalog import load_inputs
from platformctl.errors import PlatformError, UsageError
from platformctl.fsutil import write_atomic
from platformctl.paths import BUILD_DIR, ROOT
from platformctl.tfrun import EnvRunner, check_env_name
from platformctl.toolchain import ensure_toolchain
from platformctl.verify.drift import run_drift_plan
from platformctl.verify.junit import to_junit_xml
from platformctl.verify.model import CheckResult, Status
from platformctl.verify.runner import VerifyOptions, output_values, verify_environment

console = Console(highlight=False, soft_wrap=True)
_STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.SKIP: "yellow"}


class VerificationFailed(PlatformError):
    """At least one check failed."""


@click.group(name="verify")
def group() -> None:
    """Post-apply verification: deployed reality against the catalog's intent."""


def print_result(result: CheckResult) -> None:
    style = _STYLE[result.status]
    console.print(
        f"[{style}]{result.status.value}[/] [dim]{result.group:9}[/] {escape(result.name)}: {escape(result.reason)}"
    )
    for line in result.details:
        console.print(f"       {escape(line)}")


def _read_outputs(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read Terraform outputs from {path}: {exc}") from exc
    if not isinstance(document, dict):
        raise UsageError(f"{path} is not the JSON object of `terraform output -json`")
    return output_values(document)


def _check_local_state(runner: EnvRunner) -> None:
    """Local verification only means something against the emulator that holds the applied state."""
    if not runner.emulator.is_ready():
        raise UsageError(f"no emulator answers on {runner.emulator.url}: run `make local` first")
    if not runner.state_path.is_file():
        raise UsageError("there is no local deployment (build/local/terraform.tfstate): run `make local` first")
    marker = runner.build / "state-boot-id"
    recorded = marker.read_text().strip() if marker.is_file() else None
    if recorded != runner.emulator.boot_id():
        raise UsageError(
            "the emulator restarted since the last `make local`, so it holds nothing of the local "
            "state: run `make local` again"
        )


@group.command("run")
@click.argument("env")
@click.option(
    "--outputs",
    "outputs_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="`terraform output -json` of the env root (default: read from the env's state).",
)
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JUnit XML report (default: build/verify/<env>/junit.xml).",
)
@click.option("--skip-drift", is_flag=True, help="Do not run `terraform plan -detailed-exitcode`.")
@click.option("--skip-delivery", is_flag=True, help="Do not put synthetic events through the central bus.")
@click.option(
    "--delivery-timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to wait for the synthetic events in the central queues.",
)
def run(
    env: str,
    outputs_path: Path | None,
    junit_path: Path | None,
    skip_drift: bool,
    skip_delivery: bool,
    delivery_timeout: float,
) -> None:
    """Check ENV's deployed APIs, streams, bus and warehouse against the catalog; then check for drift.

    Prints PASS, FAIL or SKIP with a reason per check, writes JUnit XML, and exits 1 on any FAIL.
    `local` checks the emulator that `make local` applied to; other environments need AWS credentials.
    """
    check_env_name(env)
    inputs = load_inputs(env)
    runner = EnvRunner(ensure_toolchain(), inputs)
    if inputs.emulator:
        _check_local_state(runner)
    elif not _have_credentials():
        raise UsageError(
            f"no AWS credentials for ENV={env}: set AWS_PROFILE, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE "
            "(GitLab OIDC); verify reads the deployed resources through the deploy role of each account"
        )
    options = VerifyOptions(delivery=not skip_delivery, delivery_timeout_seconds=delivery_timeout)
    junit = junit_path or BUILD_DIR / "verify" / env / "junit.xml"
    endpoint = runner.emulator.url if inputs.emulator else None
    access = AccountAccess.for_env(inputs, endpoint)
    console.rule(f"verify {env}" + (f" (emulator {endpoint})" if endpoint else ""))

    def verify(outputs: dict[str, Any], drift_runner: EnvRunner | None) -> Any:
        drift = None
        if drift_runner is not None:
            extra = localenv.EMULATOR_VARS if inputs.emulator else ()
            plan = BUILD_DIR / "verify" / env / "drift.tfplan"
            drift = lambda: run_drift_plan(drift_runner, plan, extra)  # noqa: E731
        return verify_environment(
            inputs, outputs, access, options=options, drift=drift, repo_root=ROOT, on_result=print_result
        )

    if outputs_path is not None and skip_drift:
        report = verify(_read_outputs(outputs_path), None)
    else:
        with runner.session():
            runner.init()
            outputs = _read_outputs(outputs_path) if outputs_path else output_values(runner.outputs_document())
            if not outputs:
                raise UsageError(
                    f"envs/{env} has no outputs: nothing is deployed (run `make apply ENV={env}` or `make local`)"
                )
            report = verify(outputs, None if skip_drift else runner)
    write_atomic(junit, to_junit_xml(report))
    style = "green" if report.ok else "red"
    console.print(f"[{style}]{report.summary()}[/]; JUnit report: {_shown(junit)}")
    if not report.ok:
        raise VerificationFailed(f"{report.count(Status.FAIL)} check(s) failed in {env}")


def _have_credentials() -> bool:
    import boto3

    try:
        return boto3.Session().get_credentials() is not None
    except Exception:  # a broken profile means no usable credentials; boto3 would say more later
        return False


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
