"""Median and spread of repeated measurements."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Summary:
    """n runs: median, min/max and, from 3 runs on, the inter-quartile range (inclusive quartiles)."""

    n: int
    median: float
    minimum: float
    maximum: float
    q1: float | None = None
    q3: float | None = None

    @property
    def spread(self) -> float:
        """max - min (0 for a single run)."""
        return self.maximum - self.minimum

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["spread"] = self.spread
        data["iqr"] = self.iqr
        return data

    def text(self, digits: int = 1, unit: str = "") -> str:
        """`12.3 (11.0-14.1)` or `12.3 (n=1)`."""
        value = f"{self.median:.{digits}f}{unit}"
        if self.n < 2:
            return f"{value} (n=1)"
        return f"{value} ({self.minimum:.{digits}f}-{self.maximum:.{digits}f})"


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("cannot summarise zero measurements")
    data = sorted(float(v) for v in values)
    q1 = q3 = None
    if len(data) >= 3:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Summary(len(data), statistics.median(data), data[0], data[-1], q1, q3)


def maybe_summarize(values: Sequence[float | None]) -> Summary | None:
    present = [v for v in values if v is not None]
    return summarize(present) if present else None


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (intercept, slope) through (x, y) points; one point gives slope 0."""
    if not points:
        raise ValueError("no points to fit")
    if len({x for x, _ in points}) < 2:
        return statistics.fmean(y for _, y in points), 0.0
    slope, intercept = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    return intercept, slope
