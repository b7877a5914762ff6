"""Records shaped like the article's Kinesis Data Generator template.

    {"type": {"device": mobile|desktop|tablet, "event": firehose_events_1|firehose_events_2, "action": "update"},
     "customer_id": "1".."1500", "event_timestamp": "YYYY-MM-DDTHH:mm:ss.SSS", "region": pdx|nyc}

`customer_id` is a string, as in the template (the value is quoted there) and the table (customer_id string).
A seed makes the random fields reproducible; the timestamp comes from an injectable clock.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

DEVICES = ("mobile", "desktop", "tablet")
EVENTS = ("firehose_events_1", "firehose_events_2")
REGIONS = ("pdx", "nyc")
CUSTOMER_ID_MIN, CUSTOMER_ID_MAX = 1, 1500


def _utc_now() -> datetime:
    return datetime.now(UTC)


def format_timestamp(moment: datetime) -> str:
    """The template's `date.now("YYYY-MM-DDTHH:mm:ss.SSS")`: milliseconds, no zone."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


class RecordGenerator:
    def __init__(self, seed: int | None = None, clock: Callable[[], datetime] = _utc_now) -> None:
        self._random = random.Random(seed)
        self._clock = clock

    def record(self) -> dict[str, Any]:
        pick = self._random.choice
        return {
            "type": {"device": pick(DEVICES), "event": pick(EVENTS), "action": "update"},
            "customer_id": str(self._random.randint(CUSTOMER_ID_MIN, CUSTOMER_ID_MAX)),
            "event_timestamp": format_timestamp(self._clock()),
            "region": pick(REGIONS),
        }

    def records(self, count: int) -> Iterator[dict[str, Any]]:
        for _ in range(count):
            yield self.record()


def encode(record: dict[str, Any]) -> bytes:
    """One JSON object per Firehose record (compact; Firehose parses each record on its own)."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
