"""The `make test` lanes: gates side by side, the first failure stops the rest, times recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.gates.lanes import TEST_LANES, Lane, every_stage, make_command, select
from platformctl.gates.runner import LaneRunner, write_times
from platformctl.paths import ROOT


def _runner(tmp_path: Path, scripts: dict[str, str]) -> LaneRunner:
    return LaneRunner(lambda stage: ["sh", "-c", scripts[stage]], tmp_path, tmp_path / "logs")


def test_lanes_hold_every_gate_of_make_test_once_and_each_is_a_make_target() -> None:
    stages = every_stage(TEST_LANES)
    assert len(stages) == len(set(stages))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for stage in stages:
        command = make_command(stage)
        assert command[:2] == ["make", "--no-print-directory"] and f"\n{command[2]}:" in makefile, \
            f"{stage} is not a make target"
    assert {"fmt-check", "tfvars-check", "docs-check", "lint", "validate", "tf-test", "policy", "unit",
            "plan-tests", "e2e"} == set(stages), "make test drops no gate"
    # The two pytest halves together are the whole of `make unit`, as in the CI jobs.
    assert make_command("unit")[3:] == ["PYTEST_ARGS=--ignore=tests/plans"]
    assert make_command("plan-tests")[3:] == ["PYTEST_ARGS=tests/plans"]
    lane_of = {stage: lane.name for lane in TEST_LANES for stage in lane.stages}
    policy_lane = next(lane for lane in TEST_LANES if "policy" in lane.stages).stages
    assert policy_lane.index("plan-tests") > policy_lane.index("policy"), "the plan tests read the plans policy made"
    checks_lane = next(lane for lane in TEST_LANES if "validate" in lane.stages).stages
    assert checks_lane[-1] == "validate" and lane_of["validate"] != lane_of["e2e"], \
        "validate comes after the plans that validate the env roots"
    assert all(lane.stages[0] == "e2e" for lane in TEST_LANES if "e2e" in lane.stages), \
        "the wait-bound suite starts at once, so the most waiting overlaps the most work"
    assert lane_of["tf-test"] not in {lane_of["unit"], lane_of["e2e"], lane_of["policy"]}, \
        "terraform test (two modules at a time) runs beside the single-threaded unit suite, not after it"


def test_select_keeps_lane_order_and_refuses_unknown_gates() -> None:
    lanes = (Lane("a", ("x", "y", "z")), Lane("b", ("w",)))
    assert select(lanes, ("z", "x")) == (Lane("a", ("x", "z")),)
    assert select(lanes, ()) == lanes
    with pytest.raises(ValueError, match="no gate named nope"):
        select(lanes, ("nope",))


def test_lanes_run_at_the_same_time(tmp_path: Path) -> None:
    # Each stage announces itself, then waits for the other lane's stage: only concurrent lanes pass.
    wait_for = "i=0; while [ ! -f {other} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; [ -f {other} ]"
    scripts = {
        "left": f"touch left.started; {wait_for.format(other='right.started')}",
        "right": f"touch right.started; {wait_for.format(other='left.started')}",
    }
    report = _runner(tmp_path, scripts).run((Lane("one", ("left",)), Lane("two", ("right",))), lambda *_: None)
    assert report.passed, [(s.stage, s.status) for s in report.stages]


def test_the_first_failure_interrupts_the_other_lane_and_later_gates_never_start(tmp_path: Path) -> None:
    scripts = {
        "broken": "while [ ! -f long.started ]; do sleep 0.05; done; echo boom; exit 3",
        "after-broken": "touch never.ran",
        "long": "trap 'touch long.interrupted; exit 130' INT; touch long.started; "
                "i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done",
        "after-long": "touch never.ran",
    }
    events: list[tuple[str, str]] = []
    report = _runner(tmp_path, scripts).run(
        (Lane("one", ("broken", "after-broken")), Lane("two", ("long", "after-long"))),
        lambda kind, result: events.append((kind, result.stage)))
    status = {stage.stage: stage.status for stage in report.stages}
    assert status == {"broken": "failed", "after-broken": "not run", "long": "interrupted", "after-long": "not run"}
    assert (tmp_path / "long.interrupted").is_file(), "SIGINT reached the stage, so its cleanup ran"
    assert not (tmp_path / "never.ran").exists()
    broken = next(stage for stage in report.stages if stage.stage == "broken")
    assert broken.returncode == 3 and "boom" in Path(broken.log).read_text()
    assert ("end", "broken") in events and ("start", "after-long") not in events
    assert not report.passed


def test_times_are_written_for_the_benchmark(tmp_path: Path) -> None:
    report = _runner(tmp_path, {"a": "true", "b": "true"}).run((Lane("one", ("a", "b")),), lambda *_: None)
    write_times(report, tmp_path / "times.json")
    written = json.loads((tmp_path / "times.json").read_text())
    assert written["passed"] is True
    assert [stage["stage"] for stage in written["stages"]] == ["a", "b"]
    assert written["serial_seconds"] >= 0 and written["wall_seconds"] >= 0


def test_a_gate_is_charged_the_cpu_of_the_processes_it_waited_for(tmp_path: Path) -> None:
    # The busy loop runs in a grandchild (as terraform runs under make and pytest): its CPU counts.
    busy = "python3 -c 'import time; end = time.process_time() + 0.5\nwhile time.process_time() < end: pass'"
    report = _runner(tmp_path, {"busy": f"sh -c \"{busy}\"", "idle": "sleep 0.5"}).run(
        (Lane("one", ("busy", "idle")),), lambda *_: None)
    cpu = {stage.stage: stage.cpu_seconds for stage in report.stages}
    assert cpu["busy"] >= 0.4, cpu
    assert cpu["idle"] < 0.2, cpu
    assert report.to_dict()["cpu_seconds"] == pytest.approx(cpu["busy"] + cpu["idle"], abs=0.11)
