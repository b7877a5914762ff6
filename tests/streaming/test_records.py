from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from platformctl.streaming.records import DEVICES, EVENTS, REGIONS, RecordGenerator, encode, format_timestamp

FIXED = datetime(2025, 3, 4, 5, 6, 7, 891234, tzinfo=UTC)


def test_records_follow_the_generator_template() -> None:
    generator = RecordGenerator(seed=7, clock=lambda: FIXED)
    for record in generator.records(300):
        assert set(record) == {"type", "customer_id", "event_timestamp", "region"}
        assert set(record["type"]) == {"device", "event", "action"}
        assert record["type"]["device"] in DEVICES
        assert record["type"]["event"] in EVENTS
        assert record["type"]["action"] == "update"
        assert isinstance(record["customer_id"], str)
        assert 1 <= int(record["customer_id"]) <= 1500
        assert record["region"] in REGIONS
        assert record["event_timestamp"] == "2025-03-04T05:06:07.891"


def test_all_template_values_appear() -> None:
    records = list(RecordGenerator(seed=1, clock=lambda: FIXED).records(500))
    assert {r["type"]["device"] for r in records} == set(DEVICES)
    assert {r["type"]["event"] for r in records} == set(EVENTS)
    assert {r["region"] for r in records} == set(REGIONS)


def test_seed_makes_runs_reproducible() -> None:
    first = list(RecordGenerator(seed=42, clock=lambda: FIXED).records(50))
    second = list(RecordGenerator(seed=42, clock=lambda: FIXED).records(50))
    other = list(RecordGenerator(seed=43, clock=lambda: FIXED).records(50))
    assert first == second
    assert first != other


def test_timestamp_format_has_milliseconds_and_no_zone() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}", format_timestamp(datetime.now(UTC)))
    assert format_timestamp(datetime(2025, 1, 2, 3, 4, 5, 9000, tzinfo=UTC)) == "2025-01-02T03:04:05.009"


def test_encode_is_compact_json() -> None:
    record = RecordGenerator(seed=3, clock=lambda: FIXED).record()
    data = encode(record)
    assert json.loads(data) == record
    assert b" " not in data and not data.endswith(b"\n")
