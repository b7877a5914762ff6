"""The streaming catalog model: valid and invalid entries, the type grammar, cross-entry rules, tfvars."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from platformctl.catalog.resolve import lakehouse_inputs
from platformctl.catalog.streams import (
    StreamEntry,
    check_streams,
    parse_type,
)
from tests.catalog import helpers as catalogs


def to_tfvars(entries: list[StreamEntry], env: str) -> dict[str, Any]:
    """Inputs `tables` and `streams` of modules/firehose-iceberg, as the generator dumps them."""
    return lakehouse_inputs(entries, env).model_dump(mode="json")

STRUCT = "struct<device:string,event:string,action:string>"

OWNER: dict[str, Any] = {
    "table": "firehose_events",
    "columns": [
        {"name": "type", "type": "struct<device: string, event: string, action: string>"},
        {"name": "customer_id", "type": "string"},
        {"name": "event_timestamp", "type": "timestamp"},
        {"name": "region", "type": "string"},
    ],
    "stream": {"name": "firehose-iceberg-events", "error_prefix": "error/events-1/"},
}
ROUTED: dict[str, Any] = {
    "table": "firehose_events_2",
    "columns": copy.deepcopy(OWNER["columns"]),
    "route": {"stream": "firehose-iceberg-events", "field": ".type.event", "equals": "firehose_events_2"},
}


def entry(base: dict[str, Any], **changes: Any) -> StreamEntry:
    data = copy.deepcopy(base)
    data.update(changes)
    return StreamEntry.model_validate(data)


def error_text(base: dict[str, Any], **changes: Any) -> str:
    with pytest.raises(ValidationError) as error:
        entry(base, **changes)
    return str(error.value)


# ---- type grammar ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("string", "string"),
        ("TIMESTAMP", "timestamp"),
        ("struct<device: string, event: string, action: string>", STRUCT),
        ("decimal(10, 2)", "decimal(10,2)"),
        ("array<struct<k:string,v:bigint>>", "array<struct<k:string,v:bigint>>"),
        ("map<string, array<decimal(38,0)>>", "map<string,array<decimal(38,0)>>"),
        ("struct<a:struct<b:struct<c:int>>>", "struct<a:struct<b:struct<c:int>>>"),
    ],
)
def test_types_are_parsed_and_canonicalised(written: str, canonical: str) -> None:
    assert parse_type(written).canonical() == canonical


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("varchar(20)", "use 'string'"),
        ("tinyint", "unknown type 'tinyint'"),
        ("struct<device:string", "ends too early"),
        ("struct<Device:string>", "lower-case"),
        ("struct<a:string,a:int>", "appears twice"),
        ("map<struct<a:int>,string>", "map keys must be a primitive"),
        ("decimal(39,2)", "precision"),
        ("decimal(5,6)", "scale"),
        ("array<string>>", "after a complete type"),
        ("string;drop", "unexpected character"),
        ("", "empty"),
        ("array<" * 11 + "string" + ">" * 11, "deeper than 10"),
    ],
)
def test_invalid_types_say_why(written: str, reason: str) -> None:
    with pytest.raises(ValueError, match=None) as error:
        parse_type(written)
    assert reason in str(error.value)


# ---- entries -------------------------------------------------------------------------------------------


def test_article_entry_is_valid_with_defaults() -> None:
    owner = entry(OWNER)
    assert owner.columns[0].type == STRUCT  # spaces removed: Glue's spelling, no drift
    assert owner.stream is not None
    assert (owner.stream.buffering.size_mib, owner.stream.buffering.interval_seconds) == (1, 60)
    assert owner.stream.retry_seconds == 300
    assert owner.stream.source.type == "direct_put"
    assert owner.environments == ("local", "dev", "staging", "prod")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"stream": {"name": "events", "buffering": {"size_mib": 0}}}, "greater than or equal to 1"),
        ({"stream": {"name": "events", "buffering": {"size_mib": 129}}}, "less than or equal to 128"),
        ({"stream": {"name": "events", "buffering": {"interval_seconds": 901}}}, "less than or equal to 900"),
        ({"stream": {"name": "events", "retry_seconds": 7201}}, "less than or equal to 7200"),
        (
            {
                "stream": {
                    "name": "events",
                    "buffering": {"interval_seconds": 600},
                    "alarms": {"freshness_seconds": 300},
                }
            },
            "must exceed buffering.interval_seconds",
        ),
        ({"stream": {"name": "events", "alarms": {"period_seconds": 45}}}, "must be one of 60"),
        (
            {"stream": {"name": "events", "error_prefix": "error/!{firehose:error-output-type}/"}},
            "should match pattern",
        ),
        ({"stream": {"name": "Bad_Name"}}, "should match pattern"),
        ({"stream": {"name": "events", "source": {"type": "kinesis"}}}, "needs stream_arns"),
        (
            {
                "stream": {
                    "name": "events",
                    "source": {"stream_arns": {"dev": "arn:aws:kinesis:eu-west-1:123456789012:stream/x"}},
                }
            },
            "only for type: kinesis",
        ),
        (
            {
                "stream": {
                    "name": "events",
                    "source": {
                        "type": "kinesis",
                        "stream_arns": {"dev": "arn:aws:kinesis:eu-west-1:123456789012:stream/x"},
                    },
                }
            },
            "no ARN for environments: local, prod, staging",
        ),
        ({"stream": {"name": "events", "buferring": {}}}, "Extra inputs are not permitted"),
        ({"unique_keys": ["nope"], "operation": "update"}, "'nope' is not a column"),
        ({"unique_keys": ["type"], "operation": "update"}, "must have a primitive type"),
        ({"operation": "delete"}, "needs unique_keys"),
        ({"partition_spec": [{"column": "missing"}]}, "is not a column"),
        ({"partition_spec": [{"column": "region", "transform": "day"}]}, "cannot apply to string"),
        ({"partition_spec": [{"column": "event_timestamp", "transform": "weekly"}]}, "unknown transform"),
        ({"columns": [{"name": "a", "type": "string"}, {"name": "a", "type": "int"}]}, "duplicate column names: a"),
        ({"columns": [{"name": "Bad", "type": "string"}]}, "should match pattern"),
        ({"columns": []}, "at least 1 item"),
        ({"route": ROUTED["route"]}, "exactly one of stream"),
    ],
)
def test_invalid_entries_name_the_problem(changes: dict[str, Any], reason: str) -> None:
    assert reason in error_text(OWNER, **changes)


def test_entry_without_stream_or_route_is_invalid() -> None:
    data = copy.deepcopy(OWNER)
    del data["stream"]
    with pytest.raises(ValidationError, match="exactly one of stream"):
        StreamEntry.model_validate(data)


def test_route_field_must_be_a_plain_jq_path() -> None:
    assert "should match pattern" in error_text(ROUTED, route={**ROUTED["route"], "field": ".type.event | env"})


def test_nested_partition_fields_and_transforms() -> None:
    owner = entry(
        OWNER,
        partition_spec=[
            {"column": "event_timestamp", "transform": "hour"},
            {"column": "type.device"},
            {"column": "customer_id", "transform": "bucket[16]"},
            {"column": "region", "transform": "truncate[2]"},
        ],
    )
    assert [p.transform_name for p in owner.partition_spec] == ["hour", "identity", "bucket", "truncate"]


def test_kinesis_source_per_environment() -> None:
    arns = {env: f"arn:aws:kinesis:eu-west-1:123456789012:stream/{env}-clicks" for env in ("dev", "prod")}
    owner = entry(
        OWNER,
        environments=["dev", "prod"],
        stream={
            "name": "clicks",
            "source": {
                "type": "kinesis",
                "stream_arns": arns,
                "kms_key_arns": {"prod": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
            },
        },
    )
    prod = to_tfvars([owner], "prod")["streams"]["clicks"]["source"]
    assert prod == {
        "type": "kinesis",
        "kinesis_stream_arn": arns["prod"],
        "kinesis_kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }
    assert to_tfvars([owner], "dev")["streams"]["clicks"]["source"]["kinesis_kms_key_arn"] is None
    assert to_tfvars([owner], "local") == {"tables": {}, "streams": {}}


# ---- cross-entry rules ----------------------------------------------------------------------------------


def test_routes_need_an_owned_stream() -> None:
    problems = check_streams([entry(ROUTED)])
    assert [(p.table, p.key_path) for p in problems] == [("firehose_events_2", ("route", "stream"))]
    assert "no entry owns stream 'firehose-iceberg-events'" in problems[0].reason


def test_cross_entry_clashes_are_reported() -> None:
    problems = check_streams(
        [
            entry(OWNER),
            entry(OWNER, table="other", stream={"name": "firehose-iceberg-events"}),
            entry(ROUTED),
            entry(ROUTED, table="firehose_events_3"),
            entry(ROUTED, table="only_prod", environments=["prod"]),
            entry(OWNER, table="nested", stream={"name": "nested", "error_prefix": "error/events-1/nested/"}),
            entry(OWNER, table="narrow", environments=["dev"], stream={"name": "narrow"}),
            entry(ROUTED, table="wide", route={"stream": "narrow", "field": ".x", "equals": "y"}),
        ]
    )
    reasons = {(p.table, ".".join(map(str, p.key_path))): p.reason for p in problems}
    assert "already owned by firehose_events" in reasons[("other", "stream.name")]
    assert "already sends these records to firehose_events_2" in reasons[("firehose_events_3", "route")]
    assert "lies inside 'error/events-1/'" in reasons[("nested", "stream.error_prefix")]
    assert "does not exist in local, prod, staging" in reasons[("wide", "environments")]
    assert ("only_prod", "environments") not in reasons


def test_duplicate_tables_are_reported() -> None:
    problems = check_streams([entry(OWNER), entry(OWNER, stream={"name": "second"})])
    assert any("declared twice" in p.reason for p in problems)


# ---- tfvars shape ----------------------------------------------------------------------------------------


def test_tfvars_match_the_module_inputs() -> None:
    result = to_tfvars([entry(ROUTED), entry(OWNER, unique_keys=["customer_id"], operation="update")], "dev")
    assert list(result) == ["tables", "streams"]
    assert list(result["tables"]) == ["firehose_events", "firehose_events_2"]
    table = result["tables"]["firehose_events"]
    assert table["columns"][0] == {"name": "type", "type": STRUCT, "comment": None}
    assert table["partition_spec"] == []
    stream = result["streams"]["firehose-iceberg-events"]
    assert stream == {
        "source": {"type": "direct_put", "kinesis_stream_arn": None, "kinesis_kms_key_arn": None},
        "buffering_size_mib": 1,
        "buffering_interval_seconds": 60,
        "retry_duration_seconds": 300,
        "error_output_prefix": "error/events-1/",
        "destinations": [
            {"table": "firehose_events", "operation": "update", "unique_keys": ["customer_id"], "route": None},
            {
                "table": "firehose_events_2",
                "operation": "insert",
                "unique_keys": [],
                "route": {"field": ".type.event", "equals": "firehose_events_2"},
            },
        ],
        "alarms": {
            "freshness_seconds": 900,
            "throttled_records_threshold": 0,
            "period_seconds": 300,
            "evaluation_periods": 3,
        },
    }


def test_tfvars_are_deterministic() -> None:
    entries = [entry(OWNER), entry(ROUTED), entry(ROUTED, table="aaa", route={**ROUTED["route"], "equals": "a"})]
    first = to_tfvars(entries, "dev")
    assert first == to_tfvars(list(reversed(entries)), "dev")
    assert [d["table"] for d in first["streams"]["firehose-iceberg-events"]["destinations"]] == [
        "firehose_events",
        "aaa",
        "firehose_events_2",
    ]


def test_default_error_prefix_is_the_stream_name() -> None:
    owner = entry(OWNER, stream={"name": "clicks"})
    assert to_tfvars([owner], "dev")["streams"]["clicks"]["error_output_prefix"] == "error/clicks/"


# ---- the repository's catalog ---------------------------------------------------------------------------


def test_repository_examples_load_and_route_by_type_event(tmp_path: Path) -> None:
    entries = catalogs.load(catalogs.copy_catalog(tmp_path)).streams
    assert {e.table for e in entries} == {"firehose_events", "firehose_events_2"}
    result = to_tfvars(entries, "local")
    stream = result["streams"]["firehose-iceberg-events"]
    assert stream["buffering_size_mib"] == 1 and stream["buffering_interval_seconds"] == 60
    assert stream["error_output_prefix"] == "error/events-1/"
    assert stream["destinations"][1]["route"] == {"field": ".type.event", "equals": "firehose_events_2"}
    for table in result["tables"].values():
        assert [c["type"] for c in table["columns"]] == [STRUCT, "string", "timestamp", "string"]


def test_loading_reports_file_line_and_key(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    (config / "streams" / "firehose_events.yaml").write_text(
        "table: firehose_events\ncolumns:\n  - name: a\n    type: varchar(3)\nstream:\n  name: ev\n"
    )
    (config / "streams" / "wrong_name.yaml").write_text(
        "table: other\ncolumns:\n  - {name: a, type: string}\nstream:\n  name: other\n"
    )
    lines = catalogs.problems(config)
    assert any(
        line.startswith("config/streams/firehose_events.yaml:4: columns.0.type: unknown type 'varchar'")
        for line in lines
    ), lines
    wrong_name = "config/streams/wrong_name.yaml:1: table: must be 'wrong_name'"
    assert any(line.startswith(wrong_name) for line in lines), lines


def test_loading_reports_cross_entry_problems_against_the_file(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    (config / "streams" / "orphan.yaml").write_text(
        "table: orphan\ncolumns:\n  - {name: a, type: string}\nroute:\n  stream: nowhere\n  field: .a\n  equals: x\n"
    )
    lines = catalogs.problems(config)
    assert any(line.startswith("config/streams/orphan.yaml:5: route.stream: no entry owns stream") for line in lines)
