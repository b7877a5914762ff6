"""Rounds and the budget: interleaved runs, skips that are recorded, failures that do not stop the run."""

from __future__ import annotations

from platformctl.bench.planrun import RunSample
from platformctl.bench.schedule import Budget, Task, run_rounds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _task(name: str, seconds: float, clock: FakeClock, order: list[str], max_runs: int = 3, fail: bool = False) -> Task:
    def run() -> RunSample:
        order.append(name)
        clock.now += seconds
        if fail:
            raise RuntimeError("terraform plan failed")
        return RunSample(seconds, seconds / 2, None, None, 0)

    return Task(name, run, lambda: seconds, max_runs)


def test_rounds_interleave_tasks() -> None:
    clock, order = FakeClock(), []
    tasks = [_task("a", 1, clock, order), _task("b", 2, clock, order, max_runs=2)]
    run_rounds(tasks, 3, Budget(None, clock=clock), log=lambda _: None, loadavg=lambda: 1.5)
    assert order == ["a", "b", "a", "b", "a"]
    assert [len(t.samples) for t in tasks] == [3, 2] and tasks[0].loads == [1.5] * 3


def test_runs_that_do_not_fit_the_budget_are_skipped_and_recorded() -> None:
    clock, order = FakeClock(), []
    tasks = [_task("small", 10, clock, order), _task("big", 100, clock, order)]
    run_rounds(tasks, 3, Budget(125, clock=clock), log=lambda _: None, loadavg=lambda: 0.0)
    assert order == ["small", "big", "small"]
    assert tasks[1].skipped and tasks[1].skipped[0].startswith("budget: needs ~100s")
    assert tasks[1].status() == {"runs": 1, "requested": 3, "skipped": tasks[1].skipped, "errors": []}


def test_a_failing_task_is_recorded_once_and_the_rest_go_on() -> None:
    clock, order = FakeClock(), []
    tasks = [_task("broken", 1, clock, order, fail=True), _task("ok", 1, clock, order)]
    run_rounds(tasks, 2, Budget(None, clock=clock), log=lambda _: None, loadavg=lambda: 0.0)
    assert order == ["broken", "ok", "ok"]
    assert tasks[0].errors == ["RuntimeError: terraform plan failed"] and len(tasks[1].samples) == 2


def test_blocked_tasks_say_why() -> None:
    clock, order = FakeClock(), []
    task = _task("flat", 1, clock, order)
    task.blocked = lambda: "the case has no plan JSON"
    run_rounds([task], 1, Budget(None, clock=clock), log=lambda _: None, loadavg=lambda: 0.0)
    assert order == [] and task.skipped == ["the case has no plan JSON"]


def test_estimate_uses_measured_runs_once_there_are_some() -> None:
    clock, order = FakeClock(), []
    task = _task("a", 4, clock, order)
    task.first_estimate = lambda: 99.0
    assert task.estimate() == 99.0
    task.samples.append(RunSample(6.0, 1.0, None, None, 0))
    assert task.estimate() == 6.0


def test_an_exhausted_budget_is_logged_once() -> None:
    clock, order, lines = FakeClock(), [], []
    tasks = [_task("a", 50, clock, order), _task("b", 50, clock, order)]
    run_rounds(tasks, 3, Budget(60, clock=clock), log=lines.append, loadavg=lambda: 0.0)
    assert order == ["a"]
    assert sum("budget exhausted" in line for line in lines) == 1
    assert len(tasks[0].skipped) + len(tasks[1].skipped) == 5
