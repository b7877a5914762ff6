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
