"""`platformctl gates run`: what `make test` runs, lanes side by side, a line per gate, times."""

from __future__ import annotations

import threading
import time

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from platformctl.errors import PlatformError, UsageError
from platformctl.gates.lanes import TEST_LANES, Lane, every_stage, make_command, select
from platformctl.gates.runner import LaneRunner, RunReport, StageResult, log_tail, write_times
from platformctl.paths import BUILD_DIR, ROOT

console = Console(highlight=False, soft_wrap=True)
GATES_DIR = BUILD_DIR / "gates"
FAILED_LOG_LINES = 400


@click.group(name="gates")
def group() -> None:
    """Run the gates of `make test`."""


@group.command("run")
@click.option("--only", multiple=True, metavar="GATE", help="Run only these gates (repeatable).")
@click.option("--serial", is_flag=True, help="One gate at a time, in order (to compare with the lanes).")
def run(only: tuple[str, ...], serial: bool) -> None:
    """Every gate of `make test`: the checks in order, the e2e suite beside them.

    Each gate is `make <gate>` with its output in build/gates/<gate>.log; the first failure stops
    the run and prints that gate's log. Times: build/gates/times.json."""
    try:
        lanes = select(TEST_LANES, only)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if serial:
        lanes = (Lane("serial", tuple(every_stage(lanes))),)
    runner = LaneRunner(make_command, ROOT, GATES_DIR)
    report = _run_with_status(runner, lanes)
    write_times(report, GATES_DIR / "times.json")
    _print_summary(report)
    failed = [stage for stage in report.stages if stage.status == "failed"]
    for stage in failed:
        console.rule(f"{stage.stage} failed: last lines of {stage.log}")
        console.print(Text(log_tail(stage.log, FAILED_LOG_LINES)))
    if not report.passed:
        names = ", ".join(stage.stage for stage in failed) or "a gate"
        raise PlatformError(f"make test failed at {names} (logs in {GATES_DIR.relative_to(ROOT)}/)")


def _run_with_status(runner: LaneRunner, lanes: tuple[Lane, ...]) -> RunReport:
    started: dict[str, float] = {}
    lock = threading.Lock()

    def on_event(kind: str, result: StageResult) -> None:
        with lock:
            if kind == "start":
                started[result.stage] = time.monotonic()
                if not console.is_terminal:
                    console.print(Text(f"[{result.lane}] {result.stage}: started"))
                return
            started.pop(result.stage, None)
            style = {"passed": "green", "failed": "red"}.get(result.status, "yellow")
            console.print(Text.assemble(f"[{result.lane}] {result.stage}: ", (result.status, style),
                                        f" in {result.seconds:.1f} s"))

    if not console.is_terminal:
        return runner.run(lanes, on_event)
    done = threading.Event()
    with console.status("starting gates") as status:
        def tick() -> None:
            while not done.wait(1.0):
                with lock:
                    now = time.monotonic()
                    running = ", ".join(f"{name} {now - begun:.0f}s" for name, begun in started.items())
                status.update(f"running: {running}" if running else "…")

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            return runner.run(lanes, on_event)
        finally:
            done.set()
            ticker.join()


def _print_summary(report: RunReport) -> None:
    table = Table(title="make test", title_justify="left")
    for column, justify in (("gate", "left"), ("lane", "left"), ("result", "left"), ("seconds", "right"),
                            ("CPU s", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for stage in report.stages:
        table.add_row(stage.stage, stage.lane, stage.status, f"{stage.seconds:.1f}", f"{stage.cpu_seconds:.1f}")
    table.add_row("total (wall)", "", "passed" if report.passed else "failed", f"{report.wall_seconds:.1f}", "")
    table.add_row("sum of gates", "", "", f"{report.serial_seconds:.1f}", f"{report.cpu_seconds:.1f}")
    console.print(table)
