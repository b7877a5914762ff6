"""update/delete records applied as Iceberg row-level changes on the table's unique keys."""

from __future__ import annotations

import json

import pytest
from pyiceberg.expressions import And, EqualTo, In, Or

from platformctl.emulator.control import Emulator
from platformctl.emulator.firehose_rowops import Change, key_filter, last_per_key, steps
from platformctl.streaming import emulator_delivery
from tests.emulator.test_firehose_iceberg_delivery import DB, REGION, _client

# The operation comes from the record, as a catalog route with `operation: update` or `delete` makes the
# module's query return it; `customers` matches rows on customer_id, `no_keys` has no UniqueKeys.
QUERY = (
    f'{{destinationDatabaseName: "{DB}", destinationTableName: (.table // "customers"), operation: (.op // "insert")}}'
)


def test_steps_keep_arrival_order_and_group_runs_of_one_operation() -> None:
    changes = [Change("insert", {"k": 1}), Change("insert", {"k": 2}), Change("delete", {"k": 1})]
    changes.append(Change("insert", {"k": 3}))
    assert steps(changes) == [("insert", [{"k": 1}, {"k": 2}]), ("delete", [{"k": 1}]), ("insert", [{"k": 3}])]


def test_the_last_update_per_key_wins() -> None:
    rows = [{"k": 1, "v": "a"}, {"k": 2, "v": "b"}, {"k": 1, "v": "c"}]
    assert last_per_key(rows, ["k"]) == [{"k": 2, "v": "b"}, {"k": 1, "v": "c"}]


def test_key_filters_match_single_and_composite_keys() -> None:
    assert key_filter([{"k": "a"}, {"k": "b"}], ["k"]) == In("k", {"a", "b"})
    composite = key_filter([{"a": 1, "b": "x"}], ["a", "b"])
    assert composite == And(EqualTo("a", 1), EqualTo("b", "x"))
    many = key_filter([{"a": i, "b": "x"} for i in range(2000)], ["a", "b"])
    assert isinstance(many, Or)  # balanced: binding 2,000 terms must not hit the recursion limit


@pytest.fixture
def keyed(private_emulator: Emulator) -> Emulator:
    from tests.emulator.test_firehose_iceberg_delivery import create_stream_and_tables

    private_emulator.reset()
    return create_stream_and_tables(
        private_emulator,
        tables=("customers", "no_keys"),
        query=QUERY,
        unique_keys={"customers": ["customer_id"]},
    )


def _put(emulator: Emulator, records: list[dict]) -> None:
    entries = [{"Data": json.dumps(r).encode()} for r in records]
    _client("firehose", emulator).put_record_batch(DeliveryStreamName="s", Records=entries)


def _rows(emulator: Emulator, table: str) -> list[dict]:
    from platformctl.streaming.query import read_table

    properties = {
        "s3.endpoint": emulator.url,
        "s3.access-key-id": "test",
        "s3.secret-access-key": "test",
        "s3.region": REGION,
    }
    rows = read_table(_client("glue", emulator), DB, table, 1000, properties).rows
    return sorted(rows, key=lambda r: r["customer_id"])


def _record(customer: str, day: str, **extra: str) -> dict:
    when = f"2026-12-{day}T10:00:00.000"
    return {
        "type": {"device": "mobile", "event": "e", "action": "a"},
        "customer_id": customer,
        "event_timestamp": when,
        **extra,
    }


def test_updates_and_deletes_change_rows_by_unique_key(keyed: Emulator) -> None:
    _put(keyed, [_record(c, "01") for c in ("1", "2", "3")])
    emulator_delivery.wait_delivered(keyed.url, timeout=60)
    _put(
        keyed,
        [
            _record("2", "02", op="update"),
            _record("4", "02", op="update"),  # no such row: an update inserts it
            {"customer_id": "3", "op": "delete"},
            _record("2", "03", op="update"),  # later in the same flush: this one wins
        ],
    )
    final = emulator_delivery.wait_delivered(keyed.url, timeout=60)
    assert final["failed"] == 0
    assert [(r["customer_id"], r["event_timestamp"].day) for r in _rows(keyed, "customers")] == [
        ("1", 1),
        ("2", 3),
        ("4", 2),
    ]


def test_operations_without_unique_keys_go_to_the_error_prefix_with_a_named_limit(keyed: Emulator) -> None:
    _put(
        keyed,
        [
            _record("1", "01", table="no_keys", op="update"),
            {"op": "delete"},  # no customer_id to match on
            _record("2", "01", table="no_keys"),
        ],
    )
    final = emulator_delivery.wait_delivered(keyed.url, timeout=60)
    assert final["failed"] == 2 and final["delivered"] == {f"{DB}.no_keys": 1}
    s3 = _client("s3", keyed)
    documents = [
        json.loads(line)
        for o in s3.list_objects_v2(Bucket="errors")["Contents"]
        for line in s3.get_object(Bucket="errors", Key=o["Key"])["Body"].read().decode().splitlines()
    ]
    assert sorted(d["errorCode"] for d in documents) == ["Iceberg.UniqueKeyMissing", "Iceberg.UniqueKeysNotConfigured"]
    assert all("unique" in d["errorMessage"].lower() for d in documents)
