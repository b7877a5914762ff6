"""A wall-clock budget for the benchmark, and repeated measurements interleaved in rounds.

Plans cost tens of seconds to minutes each on a shared 2-core machine, so the number of runs a
benchmark can afford depends on the machine's load. Tasks run in rounds (every task once, then
every task again...), which spreads load changes over all tasks instead of biasing one, and a task
whose next run is predicted not to fit in the remaining budget is skipped and recorded as such.
Results always say how many runs each median is made of.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from platformctl.bench.planrun import RunSample


@dataclass
class Budget:
    """`limit_seconds` None means unlimited."""

    limit_seconds: float | None
    clock: Callable[[], float] = time.monotonic
    start: float = -1.0

    def __post_init__(self) -> None:
        if self.start < 0:
            self.start = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.start

    def remaining(self) -> float | None:
        return None if self.limit_seconds is None else self.limit_seconds - self.elapsed()

    def allows(self, seconds: float) -> bool:
        remaining = self.remaining()
        return remaining is None or seconds <= remaining


@dataclass
class Task:
    """One measured thing (a plan of a case, a flat baseline, an apply...), run up to `max_runs` times."""

    key: str
    run: Callable[[], RunSample]
    first_estimate: Callable[[], float]
    max_runs: int
    # A reason the task cannot run now (e.g. its case has no plan JSON yet), or None.
    blocked: Callable[[], str | None] = lambda: None
    samples: list[RunSample] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    def estimate(self) -> float:
        if self.samples:
            return statistics.median(sample.wall_seconds for sample in self.samples)
        return self.first_estimate()

    def status(self) -> dict[str, Any]:
        return {"runs": len(self.samples), "requested": self.max_runs, "skipped": self.skipped, "errors": self.errors}


def run_rounds(
    tasks: list[Task],
    rounds: int,
    budget: Budget,
    log: Callable[[str], None] = print,
    loadavg: Callable[[], float] = lambda: os.getloadavg()[0],
) -> None:
    """Run every task once per round, in list order, while the budget allows."""
    quiet_skips = 0
    for round_number in range(rounds):
        for task in tasks:
            if round_number >= task.max_runs or task.errors:
                continue
            reason = task.blocked()
            if reason:
                task.skipped.append(reason)
                log(f"skip  {task.key}: {reason}")
                continue
            estimate = task.estimate()
            if not budget.allows(estimate):
                remaining = max(0.0, budget.remaining() or 0.0)
                task.skipped.append(f"budget: needs ~{estimate:.0f}s, {remaining:.0f}s left")
                # Once nothing fits any more, one line says so instead of one per remaining run.
                if remaining < min(t.estimate() for t in tasks):
                    quiet_skips += 1
                    continue
                log(
                    f"skip  {task.key} (round {round_number + 1}): ~{estimate:.0f}s does not fit the "
                    f"{remaining:.0f}s left"
                )
                continue
            load = loadavg()
            log(f"run   {task.key} (round {round_number + 1}, load {load:.1f}, ~{estimate:.0f}s)")
            try:
                sample = task.run()
            except Exception as exc:  # a failed measurement is recorded; the benchmark goes on
                task.errors.append(f"{type(exc).__name__}: {exc}")
                log(f"FAIL  {task.key}: {exc}")
                continue
            task.samples.append(sample)
            task.loads.append(load)
            log(f"done  {task.key}: {sample.wall_seconds:.1f}s wall, {sample.cpu_seconds:.1f}s CPU")
    if quiet_skips:
        log(f"budget exhausted: {quiet_skips} further run(s) skipped (see the results' skipped list)")
