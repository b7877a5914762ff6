"""Gate timing through make, with the make call stubbed."""

from __future__ import annotations

from pathlib import Path

from platformctl.bench.gates import CHEAP_GATES, gate_costs, make_targets
from platformctl.paths import ROOT


def test_make_targets_are_read_from_the_makefile(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text("VAR := 1\nfmt-check: toolchain ## x\n\t$(CLI) tf fmt --check\n.PHONY: lint\nlint: venv\n")
    assert make_targets(makefile) == {"fmt-check", "lint"}


def test_the_repository_has_the_cheap_gate_targets() -> None:
    assert set(CHEAP_GATES) <= make_targets(ROOT / "Makefile")


def test_gate_costs_warm_up_then_measure(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("lint:\n\ttrue\nunit:\n\ttrue\n")
    calls: list[str] = []
    times = iter([5.0, 1.0, 1.5, 2.0, 2.5])

    def runner(root: Path, target: str, log_dir: Path) -> tuple[float, int]:
        calls.append(target)
        return next(times), 1 if target == "unit" else 0

    rows = gate_costs(
        tmp_path, ["lint", "unit", "policy"], tmp_path / "logs", repeats=1, log=lambda _: None, runner=runner
    )
    assert calls == ["lint", "lint", "unit", "unit"]
    lint, unit, policy = rows
    assert lint["first_run_seconds"] == 5.0 and lint["warm_seconds"]["median"] == 1.0 and lint["passed"]
    assert unit["passed"] is False and unit["exit_codes"] == [1]
    assert policy == {"target": "policy", "available": False, "note": "no such make target in this repository"}


def test_make_test_lanes_report_the_wall_time_and_each_gate_inside(tmp_path: Path) -> None:
    from platformctl.bench.gates import make_test_lanes
    from platformctl.bench.report import make_test_lines

    def runner(root: Path, target: str, log_dir: Path) -> tuple[float, int]:
        assert target == "test"
        (root / "build" / "gates").mkdir(parents=True)
        (root / "build" / "gates" / "times.json").write_text(
            '{"wall_seconds": 400.0, "serial_seconds": 700.0, "cpu_seconds": 410.5, "passed": true, "stages": ['
            '{"stage": "unit", "lane": "checks", "status": "passed", "seconds": 250.0, "cpu_seconds": 330.5},'
            '{"stage": "e2e", "lane": "e2e", "status": "passed", "seconds": 280.0, "cpu_seconds": 80.0}]}')
        return 401.2, 0

    measured = make_test_lanes(tmp_path, tmp_path / "logs", runner=runner)
    assert measured["wall_seconds"] == 401.2 and measured["exit_code"] == 0
    lines = make_test_lines({"make_test": measured})
    assert "| `e2e` | e2e | passed | 280.0 | 80.0 |" in lines
    assert "| sum of gates | | | 700.0 | 410.5 |" in lines
    assert make_test_lines({}) == []
