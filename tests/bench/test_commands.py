"""`platformctl bench run` options and a quick run with the measurements stubbed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from platformctl.bench import commands
from platformctl.bench.scaling import Sizes
from platformctl.bench.synthetic import CaseSize
from platformctl.errors import UsageError


def test_parse_sizes() -> None:
    sizes = commands.parse_sizes(("apis=50,1,10", "tables=1;accounts=10,1000"))
    assert sizes == Sizes(apis=(1, 10, 50), tables=(1,), accounts=(10, 1000))
    assert commands.parse_sizes(()) == Sizes()
    for bad in ("apis", "lambdas=1", "apis=x", "apis=0"):
        with pytest.raises(UsageError):
            commands.parse_sizes((bad,))


def test_cases_share_the_base_and_vary_one_dimension() -> None:
    sizes = Sizes(apis=(1, 10), tables=(1, 50), accounts=(10, 1000))
    assert sizes.cases() == [CaseSize(1, 1, 10), CaseSize(1, 1, 1000), CaseSize(1, 50, 10), CaseSize(10, 1, 10)]
    assert sizes.series(CaseSize(1, 1, 10)) == ["apis", "tables", "accounts"]
    assert sizes.series(CaseSize(10, 1, 10)) == ["apis"]
    assert commands._flat_cases(sizes) == [CaseSize(1, 1, 10), CaseSize(10, 1, 10), CaseSize(1, 50, 10)]


def test_quick_run_writes_results_table_and_no_chart_without_plans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands.throughput, "linter_throughput", lambda work, repeats: _linter())
    monkeypatch.setattr(commands.throughput, "tfvars_throughput", lambda root, repeats: _tfvars())
    monkeypatch.setattr(commands.gates, "gate_costs", lambda *args, **kwargs: [])
    result = CliRunner().invoke(commands.group, ["run", "--no-plans", "--repeats", "1", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["meta"]["repeats"] == 1 and data["meta"]["cpus"] >= 1
    assert "load_start" in data["meta"] and "plan_scaling" not in data
    assert "## Eventing policy bytes" in (tmp_path / "results.md").read_text()
    assert not (tmp_path / "plan_scaling.png").exists()


def _linter() -> dict[str, Any]:
    one = {
        "wall_seconds": {"n": 1, "median": 0.5, "minimum": 0.5, "maximum": 0.5},
        "cpu_seconds": {"n": 1, "median": 0.5, "minimum": 0.5, "maximum": 0.5},
        "specs_per_second": 200,
        "meets_target": True,
    }
    return {
        "specs": 100,
        "paths_per_spec": 10,
        "findings": 0,
        "target_seconds": 1.0,
        "cold": one,
        "warm": one,
        "rules_only": one,
        "cold_process": {key: one[key] for key in ("wall_seconds", "specs_per_second", "meets_target")}
        | {"findings": 0},
    }


def _tfvars() -> dict[str, Any]:
    one = {"n": 1, "median": 0.1, "minimum": 0.1, "maximum": 0.1}
    return {
        "apis": 100,
        "load_and_validate_seconds": one,
        "render_all_seconds": one,
        "rendered_files": 15,
        "rendered_bytes": 1,
    }


def test_first_estimates_extrapolate_along_the_series_and_never_drop_below_measured(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from platformctl.bench.planrun import RunSample
    from platformctl.bench.scaling import PlanScaling
    from platformctl.bench.schedule import Task

    sizes = Sizes(apis=(1, 10, 50), tables=(1,), accounts=(10, 100, 1000))
    scaling = PlanScaling(tmp_path, tmp_path, None, None, sizes, 1, [], refresh=False)  # type: ignore[arg-type]

    def measured(size: CaseSize, wall: float | None) -> None:
        task = Task(size.name, lambda: RunSample(0, 0, None, None, 0), lambda: 90.0, 1)
        if wall is not None:
            task.samples.append(RunSample(wall, wall, None, None, 0))
        scaling.cases[size] = SimpleNamespace(tasks={"plan": task})  # type: ignore[assignment]

    measured(CaseSize(1, 1, 10), 50.0)
    measured(CaseSize(10, 1, 10), 100.0)
    measured(CaseSize(1, 1, 100), 40.0)
    assert scaling._estimate(CaseSize(50, 1, 10)) == pytest.approx(50.0 + 49 * 50.0 / 9)
    # Load noise made the 100-account plan faster than the base: do not predict 1000 accounts as free.
    assert scaling._estimate(CaseSize(1, 1, 1000)) == 50.0
