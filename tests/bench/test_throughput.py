"""The linter throughput benchmark measures the real linter, in-process and as a new CLI process."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.bench import throughput
from platformctl.openapi.benchmark import write_ordinary_specs


def test_new_process_lint_counts_the_findings_the_cli_reports(tmp_path: Path) -> None:
    specs = write_ordinary_specs(tmp_path / "specs", count=2, paths=2)
    broken = tmp_path / "specs" / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n", encoding="utf-8")
    seconds, clean = throughput.cli_lint_seconds(specs)
    _, with_broken = throughput.cli_lint_seconds([*specs, broken])
    assert seconds > 0 and clean == 0
    assert with_broken > 0


def test_new_process_lint_refuses_to_report_a_crash_as_a_time(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="exited 2"):
        throughput.cli_lint_seconds([tmp_path / "missing.yaml"])


def test_linter_throughput_reports_every_pass(tmp_path: Path) -> None:
    result = throughput.linter_throughput(tmp_path, specs=3, repeats=1)
    assert {"cold", "warm", "rules_only", "cold_process"} <= result.keys()
    assert result["cold_process"]["wall_seconds"]["n"] == 1
    assert result["findings"] == 0 and result["cold_process"]["findings"] == 0
