"""Median and spread."""

from __future__ import annotations

import pytest

from platformctl.bench.stats import linear_fit, maybe_summarize, summarize


def test_odd_number_of_runs() -> None:
    summary = summarize([12.0, 10.0, 30.0])
    assert (summary.n, summary.median, summary.minimum, summary.maximum) == (3, 12.0, 10.0, 30.0)
    assert summary.spread == 20.0
    assert (summary.q1, summary.q3) == (11.0, 21.0) and summary.iqr == 10.0
    assert summary.text() == "12.0 (10.0-30.0)"


def test_even_number_of_runs_and_single_run() -> None:
    assert summarize([1, 2, 3, 4]).median == 2.5
    single = summarize([7.25])
    assert (single.median, single.spread, single.iqr) == (7.25, 0.0, None)
    assert single.text(2) == "7.25 (n=1)"
    two = summarize([1.0, 3.0])
    assert two.q1 is None and two.spread == 2.0


def test_summary_dict_has_spread_and_iqr() -> None:
    data = summarize([1.0, 2.0, 3.0]).to_dict()
    assert data["spread"] == 2.0 and data["iqr"] == 1.0 and data["n"] == 3


def test_empty_and_missing_values() -> None:
    with pytest.raises(ValueError):
        summarize([])
    assert maybe_summarize([None, None]) is None
    assert maybe_summarize([None, 4.0]).median == 4.0  # type: ignore[union-attr]


def test_linear_fit() -> None:
    assert linear_fit([(1, 10.0), (11, 30.0)]) == pytest.approx((8.0, 2.0))
    assert linear_fit([(5, 42.0)]) == (42.0, 0.0)
