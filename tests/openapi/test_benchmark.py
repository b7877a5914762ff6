"""The benchmark's spec generator produces lint-clean specs, and a rules-only pass is quick."""

from __future__ import annotations

from pathlib import Path

from platformctl.openapi import lint_file
from platformctl.openapi.benchmark import measure, write_ordinary_specs


def test_generated_specs_are_clean_and_measured(tmp_path: Path) -> None:
    paths = write_ordinary_specs(tmp_path, count=20)
    assert len(paths) == 20
    assert lint_file(paths[0]) == []  # full validation on one of them
    result = measure(paths, validate_document=False)
    assert result.specs == 20 and result.findings == 0
    # Generous bound (shared CI cores); the benchmark reports the real figure.
    assert result.cpu_seconds < 5
