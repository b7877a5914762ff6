"""Firehose `update`/`delete` operations as Iceberg row-level changes, applied in one pyiceberg transaction.

Firehose matches rows on the destination table's `UniqueKeys`: `delete` removes the matching rows, and
`update` is a delete of the matching rows followed by an insert of the record (so an update of a row
that does not exist inserts it). Records are applied in arrival order: consecutive records with the
same operation form one step (inserts are appended, updates overwrite the rows their keys match,
deletes delete them), and every step of a table's batch commits as one transaction. Within one step
of updates the last record per key wins, as it would when applied one by one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa
from pyiceberg.expressions import AlwaysFalse, And, BooleanExpression, EqualTo, In, Or
from pyiceberg.schema import Schema

from platformctl.emulator.iceberg_schema import convert_value

UNIQUE_KEYS_NOT_CONFIGURED = "Iceberg.UniqueKeysNotConfigured"
UNIQUE_KEY_MISSING = "Iceberg.UniqueKeyMissing"


class UniqueKeyError(ValueError):
    """A record cannot be matched on the table's unique keys; `code` is its error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Change:
    operation: str  # insert, update or delete
    row: dict[str, Any]  # full row for insert/update, the unique key values for delete


def key_values(record: dict[str, Any], schema: Schema, keys: Sequence[str]) -> dict[str, Any]:
    """The record's unique key values converted to their column types; raises UniqueKeyError or SchemaMismatch."""
    if not keys:
        raise UniqueKeyError(
            UNIQUE_KEYS_NOT_CONFIGURED, "update and delete need UniqueKeys in the destination table configuration"
        )
    values = {}
    for key in keys:
        try:
            field = schema.find_field(key)
        except ValueError as exc:  # a unique key that is not a column: this record cannot be keyed
            raise UniqueKeyError(UNIQUE_KEY_MISSING, f"{key}: unique key is not a column of the table") from exc
        value = convert_value(record.get(key), field.field_type, key)
        if value is None:
            raise UniqueKeyError(UNIQUE_KEY_MISSING, f"{key}: unique key is missing or null")
        values[key] = value
    return values


def _literal(value: Any) -> Any:
    # pyiceberg binds ISO strings to date/timestamp columns; it takes no datetime objects as literals.
    return value.isoformat() if isinstance(value, datetime | date) else value


def _balanced_or(terms: list[BooleanExpression]) -> BooleanExpression:
    """Or over many terms as a balanced tree, so binding it does not recurse once per term."""
    if not terms:
        return AlwaysFalse()
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return Or(_balanced_or(terms[:middle]), _balanced_or(terms[middle:]))


def key_filter(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> BooleanExpression:
    """Rows of the table whose unique keys equal those of any of `rows`."""
    if len(keys) == 1:
        return In(keys[0], {_literal(row[keys[0]]) for row in rows})
    terms: list[BooleanExpression] = []
    for values in {tuple(_literal(row[k]) for k in keys) for row in rows}:
        term: BooleanExpression = EqualTo(keys[0], values[0])
        for key, value in zip(keys[1:], values[1:], strict=True):
            term = And(term, EqualTo(key, value))
        terms.append(term)
    return _balanced_or(terms)


def last_per_key(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        latest.pop(key, None)
        latest[key] = row
    return list(latest.values())


def steps(changes: Sequence[Change]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Consecutive changes with the same operation, in arrival order."""
    return [(op, [c.row for c in group]) for op, group in itertools.groupby(changes, key=lambda c: c.operation)]


def apply_changes(table: Any, changes: Sequence[Change], keys: Sequence[str]) -> dict[str, int]:
    """Commit `changes` to the pyiceberg `table` in one transaction; returns records per operation."""
    arrow_schema = table.schema().as_arrow()
    applied: dict[str, int] = {}
    with table.transaction() as transaction:
        for operation, rows in steps(changes):
            applied[operation] = applied.get(operation, 0) + len(rows)
            if operation == "insert":
                transaction.append(pa.Table.from_pylist(rows, schema=arrow_schema))
            elif operation == "update":
                latest = last_per_key(rows, keys)
                transaction.overwrite(pa.Table.from_pylist(latest, schema=arrow_schema), key_filter(latest, keys))
            else:
                transaction.delete(key_filter(rows, keys))
    return applied
