"""`platformctl bench run`: the platform benchmark (`make bench`). A benchmark, not a test: it
measures and reports, and only fails when it cannot measure at all."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from platformctl.bench import gates, report, throughput
from platformctl.bench.scaling import PlanScaling, Sizes
from platformctl.bench.schedule import Budget, run_rounds
from platformctl.bench.synthetic import CaseSize
from platformctl.emulator.control import Emulator
from platformctl.errors import UsageError
from platformctl.paths import BUILD_DIR, ENVS_DIR, ROOT
from platformctl.toolchain import ensure_toolchain

console = Console(highlight=False, soft_wrap=True)
DEFAULT_BUDGET_MINUTES = 13.5
DEFAULT_SIZES = Sizes()


@click.group(name="bench")
def group() -> None:
    """Benchmarks: plan scaling with the catalog, gate cost, tool throughput, policy sizes."""


def parse_sizes(values: tuple[str, ...], defaults: Sizes = DEFAULT_SIZES) -> Sizes:
    """`apis=1,10,50` `tables=1,50` `accounts=10,1000` (any subset; the rest keep their defaults)."""
    chosen: dict[str, tuple[int, ...]] = {}
    for value in values:
        for item in re.split(r"[\s;]+", value.strip()):
            if not item:
                continue
            name, _, numbers = item.partition("=")
            if name not in ("apis", "tables", "accounts") or not numbers:
                raise UsageError(f"--sizes {item!r}: expected apis=N,N..., tables=N,N... or accounts=N,N...")
            try:
                parsed = tuple(sorted({int(n) for n in numbers.split(",") if n}))
            except ValueError as exc:
                raise UsageError(f"--sizes {item!r}: sizes must be whole numbers") from exc
            chosen[name] = parsed
    sizes = Sizes(**{**vars(defaults), **chosen})
    try:
        for case in sizes.cases():
            CaseSize(case.apis, case.tables, case.accounts)
    except ValueError as exc:
        raise UsageError(f"--sizes: {exc}") from exc
    return sizes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _provider_version() -> str:
    lock = ENVS_DIR / "local" / ".terraform.lock.hcl"
    match = (
        re.search(
            r'provider "registry.terraform.io/hashicorp/aws" \{\s*version\s*=\s*"([^"]+)"',
            lock.read_text(encoding="utf-8"),
        )
        if lock.is_file()
        else None
    )
    return match[1] if match else "?"


@group.command("run")
@click.option(
    "--sizes",
    "size_args",
    multiple=True,
    metavar="DIM=N,N...",
    help="Catalog sizes, e.g. --sizes apis=1,10,50 --sizes tables=1,10,50 --sizes accounts=10,100,1000 "
    f"(default: {DEFAULT_SIZES.text()}).",
)
@click.option(
    "--repeats",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="Runs per measurement (median and spread are reported).",
)
@click.option(
    "--budget-minutes",
    type=click.FloatRange(0),
    default=DEFAULT_BUDGET_MINUTES,
    show_default=True,
    help="Wall-clock budget of the whole command (without --gates); runs that do not fit are skipped "
    "and reported. 0: no limit.",
)
@click.option(
    "--gates",
    "all_gates",
    is_flag=True,
    help="Also time the expensive `make test` stages (validate, tf-test, policy, unit, e2e; "
    "several minutes each, outside the budget).",
)
@click.option("--no-plans", is_flag=True, help="Skip plan scaling, flat baseline and refresh (quick run).")
@click.option("--no-flat", is_flag=True, help="Skip the flat baselines.")
@click.option("--no-refresh", is_flag=True, help="Skip the refresh measurement (it applies the base case once).")
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=BUILD_DIR / "bench",
    show_default=True,
    help="Where results.json, results.md and plan_scaling.png go.",
)
def run(
    size_args: tuple[str, ...],
    repeats: int,
    budget_minutes: float,
    all_gates: bool,
    no_plans: bool,
    no_flat: bool,
    no_refresh: bool,
    output_dir: Path,
) -> None:
    """Measure plan scaling (with a flat baseline and refresh), gate cost, tool throughput and policy sizes.

    Writes results.json, results.md and plan_scaling.png to build/bench/. Plans run against a private
    emulator on a free port; the developer's `make local` emulator and state are never touched.
    """
    sizes = parse_sizes(size_args)
    toolchain = ensure_toolchain()
    budget = Budget(budget_minutes * 60 if budget_minutes else None)
    started = datetime.now(UTC)
    load_start = os.getloadavg()[0]
    output_dir.mkdir(parents=True, exist_ok=True)
    work = output_dir / "work"
    results: dict[str, Any] = {}
    skipped: list[str] = []

    def log(message: str) -> None:
        console.print(f"[dim]{budget.elapsed():6.0f}s[/] {message}")

    log(
        f"benchmark: {repeats} run(s) per measurement, budget "
        f"{f'{budget_minutes:g} min' if budget_minutes else 'none'}, load {load_start:.1f}"
    )
    results["policy_bytes"] = throughput.policy_bytes()
    log("policy bytes: done")
    results["throughput"] = {
        "linter": throughput.linter_throughput(work / "linter", repeats=repeats),
        "tfvars": throughput.tfvars_throughput(ROOT, repeats=repeats),
    }
    log(
        f"tool throughput: linter cold {results['throughput']['linter']['cold']['wall_seconds']['median']:.2f}s, "
        f"warm {results['throughput']['linter']['warm']['wall_seconds']['median']:.2f}s, "
        f"new process {results['throughput']['linter']['cold_process']['wall_seconds']['median']:.2f}s"
    )
    results["gates"] = gates.gate_costs(ROOT, gates.CHEAP_GATES, output_dir / "gates", repeats=1, log=log)

    if not no_plans:
        emulator = Emulator("127.0.0.1", _free_port(), output_dir / "emulator")
        emulator.start()
        log(f"private emulator on {emulator.url}")
        try:
            flat_cases = [] if no_flat else _flat_cases(sizes)
            scaling = PlanScaling(
                ROOT, work, toolchain, emulator, sizes, repeats, flat_cases, refresh=not no_refresh, log=log
            )
            scaling.prepare()
            tasks = scaling.tasks()
            run_rounds(tasks, repeats, budget, log=log)
            results["plan_scaling"] = scaling.results()
            for task in tasks:
                if task.skipped:
                    skipped.append(f"{task.key}: {len(task.skipped)} run(s) skipped ({task.skipped[-1]})")
                for error in task.errors:
                    skipped.append(f"{task.key}: failed: {error}")
        finally:
            emulator.stop()
    duration_budgeted = budget.elapsed()

    if all_gates:
        expensive = [target for target in gates.ALL_GATES if target not in gates.CHEAP_GATES]
        results["gates"] += gates.gate_costs(ROOT, expensive, output_dir / "gates", repeats=1, log=log)
        results["make_test"] = gates.make_test_lanes(ROOT, output_dir / "gates")
        log(f"gate  make test (lanes): {results['make_test']['wall_seconds']:.1f}s "
            f"(exit {results['make_test']['exit_code']})")

    load_end = os.getloadavg()[0]
    results["meta"] = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "duration_seconds": round(budget.elapsed(), 1),
        "duration_within_budget_seconds": round(duration_budgeted, 1),
        "budget_text": f"{budget_minutes:g} min" if budget_minutes else "none",
        "cpus": os.cpu_count(),
        "load_start": load_start,
        "load_end": load_end,
        "repeats": repeats,
        "sizes": {"apis": list(sizes.apis), "tables": list(sizes.tables), "accounts": list(sizes.accounts)},
        "terraform_version": ".".join(map(str, toolchain.version)),
        "provider_version": _provider_version(),
        "command": " ".join(["platformctl", *sys.argv[1:]]),
        "skipped": skipped,
    }
    report.write_json(results, output_dir / "results.json")
    (output_dir / "results.md").write_text(report.render_markdown(results), encoding="utf-8")
    charted = report.plot_scaling(results, output_dir / "plan_scaling.png")
    shutil.rmtree(work / "linter", ignore_errors=True)
    console.print(report.render_markdown(results))
    console.print(
        f"wrote {_shown(output_dir / 'results.json')}, {_shown(output_dir / 'results.md')}"
        + (f", {_shown(output_dir / 'plan_scaling.png')}" if charted else "")
        + f" in {budget.elapsed() / 60:.1f} min"
    )


def _flat_cases(sizes: Sizes) -> list[CaseSize]:
    """Flat baselines for the base case and the largest API and table cases (the accounts series has
    the base case's resources, so its baseline is the base one)."""
    base = sizes.base
    cases = [
        base,
        CaseSize(max(sizes.apis), base.tables, base.accounts),
        CaseSize(base.apis, max(sizes.tables), base.accounts),
    ]
    return list(dict.fromkeys(cases))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
