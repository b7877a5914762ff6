"""Glue column types become an Iceberg schema; records that do not fit it are schema mismatches."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from platformctl.emulator.iceberg_schema import SchemaMismatch, record_to_row, schema_from_glue_columns

COLUMNS = [
    {"Name": "type", "Type": "struct<device:string,event:string,action:string>"},
    {"Name": "customer_id", "Type": "string"},
    {"Name": "event_timestamp", "Type": "timestamp"},
    {"Name": "tags", "Type": "array<string>"},
    {"Name": "score", "Type": "decimal(10,2)"},
]


def test_glue_columns_become_an_iceberg_schema_with_unique_field_ids() -> None:
    schema = schema_from_glue_columns(COLUMNS)
    assert [f.name for f in schema.fields] == ["type", "customer_id", "event_timestamp", "tags", "score"]
    assert [f.name for f in schema.find_field("type").field_type.fields] == ["device", "event", "action"]
    ids = [schema.find_field(name).field_id for name in ("type", "type.device", "type.action", "tags", "score")]
    assert len(set(ids)) == len(ids)


def test_a_matching_record_becomes_an_arrow_row() -> None:
    schema = schema_from_glue_columns(COLUMNS)
    record = {
        "type": {"device": "mobile", "event": "firehose_events_1", "action": "update"},
        "customer_id": "42",
        "event_timestamp": "2026-12-03T23:59:58.123",
        "extra": "ignored",
    }
    row = record_to_row(record, schema)
    assert row["event_timestamp"] == datetime(2026, 12, 3, 23, 59, 58, 123000)
    assert row["tags"] is None
    table = pa.Table.from_pylist([row], schema=schema.as_arrow())
    assert table.column("type").to_pylist()[0]["device"] == "mobile"


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"customer_id": 42}, "customer_id: expected a string, got int"),
        ({"type": "mobile"}, "type: expected an object for a struct"),
        ({"type": {"device": 1}}, "type.device: expected a string"),
        ({"event_timestamp": "yesterday"}, "event_timestamp: 'yesterday' is not an ISO-8601 timestamp"),
        ({"tags": ["a", 2]}, "tags[1]: expected a string"),
    ],
)
def test_values_of_the_wrong_type_are_schema_mismatches(record: dict, words: str) -> None:
    with pytest.raises(SchemaMismatch, match=words.replace("[", r"\[").replace("]", r"\]")):
        record_to_row(record, schema_from_glue_columns(COLUMNS))


def test_nesting_beyond_sixteen_levels_is_refused() -> None:
    deep_type = "string"
    for _ in range(17):
        deep_type = f"array<{deep_type}>"
    schema = schema_from_glue_columns([{"Name": "deep", "Type": deep_type}])
    value: object = "x"
    for _ in range(17):
        value = [value]
    with pytest.raises(SchemaMismatch, match="nested deeper than 16 levels"):
        record_to_row({"deep": value}, schema)
