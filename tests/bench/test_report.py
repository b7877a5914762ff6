"""Results writers: JSON, the Markdown tables and the chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformctl.bench import report
from platformctl.bench.stats import summarize


def _measure(walls: list[float], cpu: float, **extra: Any) -> dict[str, Any]:
    return {
        "runs": len(walls),
        "requested": 3,
        "skipped": [],
        "errors": [],
        "wall_seconds": summarize(walls).to_dict(),
        "cpu_seconds": summarize([cpu]).to_dict(),
        "api_calls": summarize([16]).to_dict(),
        "provider_processes": 7,
        "exit_codes": [0],
        **extra,
    }


def results() -> dict[str, Any]:
    cases = []
    for apis, tables, accounts, resources, wall in [
        (1, 1, 10, 109, 50.0),
        (10, 1, 10, 271, 100.0),
        (1, 50, 10, 746, 60.0),
        (1, 1, 1000, 109, 52.0),
    ]:
        series = [
            d
            for d, v in (("apis", apis), ("tables", tables), ("accounts", accounts))
            if (apis, tables, accounts) == (1, 1, 10) or v != {"apis": 1, "tables": 1, "accounts": 10}[d]
        ]
        row = {
            "case": f"apis{apis}-tables{tables}-accounts{accounts}",
            "apis": apis,
            "tables": tables,
            "accounts": accounts,
            "series": series,
            "resources": resources,
            "data_sources": 32,
            "init_seconds": 2.0,
            "plan": _measure([wall, wall + 4, wall - 2], wall * 0.8),
        }
        if apis == 10:
            row["flat"] = _measure([wall / 2], wall / 3, resources=resources, standins=40)
        cases.append(row)
    return {
        "meta": {
            "started": "2026-11-27 14:00 UTC",
            "duration_seconds": 600.0,
            "budget_text": "14 min",
            "cpus": 2,
            "load_start": 5.5,
            "load_end": 6.1,
            "repeats": 3,
            "terraform_version": "1.11.4",
            "provider_version": "5.100.0",
            "skipped": ["plan x: 1 run(s) skipped (budget)"],
        },
        "plan_scaling": {
            "cases": cases,
            "refresh_case": "apis1-tables1-accounts10",
            "refresh": {
                "apply": _measure([120.0], 30.0, resources_in_state=90),
                "refresh": _measure([60.0, 61.0], 40.0),
                "norefresh": _measure([40.0, 42.0], 35.0),
            },
            "provider_startup": [
                {"aliases": 1, "plan": _measure([10.0], 12.0, provider_cpu_seconds=summarize([9.0]).to_dict())},
                {"aliases": 4, "plan": _measure([34.0], 39.0, provider_cpu_seconds=summarize([36.0]).to_dict())},
            ],
        },
        "throughput": {
            "linter": {
                "specs": 100,
                "paths_per_spec": 10,
                "findings": 0,
                "target_seconds": 1.0,
                **{
                    name: {
                        "wall_seconds": summarize([s]).to_dict(),
                        "cpu_seconds": summarize([s]).to_dict(),
                        "specs_per_second": 100 / s,
                        "meets_target": s < 1,
                    }
                    for name, s in (("cold", 4.0), ("warm", 0.5), ("rules_only", 0.4))
                },
            },
            "tfvars": {
                "apis": 100,
                "load_and_validate_seconds": summarize([0.4]).to_dict(),
                "render_all_seconds": summarize([0.01]).to_dict(),
                "rendered_files": 15,
                "rendered_bytes": 194362,
            },
        },
        "policy_bytes": {
            "limit_bytes": 10240,
            "max_accounts_in_accounts_mode": 303,
            "rows": [
                {
                    "source_accounts": 10,
                    "bytes": {"organization": 286, "organizational_units": 327, "accounts": 555},
                    "accounts_mode_fits": True,
                },
                {
                    "source_accounts": 1000,
                    "bytes": {"organization": 286, "organizational_units": 327, "accounts": 33225},
                    "accounts_mode_fits": False,
                },
            ],
        },
        "gates": [
            {
                "target": "lint",
                "available": True,
                "first_run_seconds": 1.2,
                "warm_seconds": summarize([1.0]).to_dict(),
                "exit_codes": [0],
                "passed": True,
            },
            {"target": "policy", "available": False, "note": "no such make target in this repository"},
        ],
    }


def test_markdown_has_every_section_and_the_numbers() -> None:
    text = report.render_markdown(results())
    for heading in (
        "## Plan scaling",
        "## Refresh",
        "## Provider start-up per alias",
        "## Tool throughput",
        "## Eventing policy bytes",
        "## Gate cost",
        "## Skipped",
    ):
        assert heading in text
    assert "| apis10-tables1-accounts10 | 10 | 1 | 10 | 271 | 32 | 100.0 (98.0-104.0) |" in text
    assert "| 369 |" in text  # 100 s / 271 resources in ms
    assert "2.00x" in text  # module overhead: 100 s plan / 50 s flat
    assert "| with refresh | 60.5 (60.0-61.0) |" in text and "90 resources in state" in text
    assert "33,225 (over the limit: the module refuses it)" in text
    assert "| 4 | 34.0 | 39.0 | 7 | 36.0 | 5.1 | 1/3 |" in text
    assert "Each additional alias: +8.0 s wall, +9.0 s CPU." in text
    assert "| `policy` | - | - | no such make target in this repository |" in text
    # Every table row has the header's number of columns.
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({row.count("|") for row in rows}) <= 1, block


def test_missing_sections_say_so() -> None:
    data = results()
    del data["plan_scaling"], data["gates"]
    text = report.render_markdown(data)
    assert "Plan scaling was not measured in this run." in text
    assert "Gate costs were not measured in this run." in text


def test_chart_and_json_are_written(tmp_path: Path) -> None:
    png = tmp_path / "plan_scaling.png"
    assert report.plot_scaling(results(), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report.write_json(results(), tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text())["meta"]["cpus"] == 2
    assert not report.plot_scaling({"meta": results()["meta"]}, tmp_path / "none.png")
