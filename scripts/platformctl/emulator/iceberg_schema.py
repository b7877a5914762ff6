"""Glue/Hive column types to an Iceberg schema, and JSON records checked against it.

Firehose takes the first level of a record's JSON as columns and expects names and types to match the
table; nested values must match struct/array/map columns, up to 16 levels deep. A record that does not
fit is a schema mismatch, reported with the column path and the reason, never coerced silently.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import count
from typing import Any

from pyiceberg.schema import Schema
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IcebergType,
    IntegerType,
    ListType,
    LongType,
    MapType,
    NestedField,
    StringType,
    StructType,
    TimestampType,
)

MAX_NESTING = 16
_PRIMITIVES: dict[str, IcebergType] = {
    "boolean": BooleanType(),
    "int": IntegerType(),
    "integer": IntegerType(),
    "bigint": LongType(),
    "float": FloatType(),
    "double": DoubleType(),
    "date": DateType(),
    "timestamp": TimestampType(),
    "string": StringType(),
    "binary": BinaryType(),
}


class SchemaMismatch(ValueError):
    """A record value that does not fit its column; the message names the column path."""


def _split_top_level(text: str) -> Iterator[str]:
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in "<(":
            depth += 1
        elif char in ">)":
            depth -= 1
        elif char == "," and depth == 0:
            yield text[start:i]
            start = i + 1
    yield text[start:]


def parse_type(text: str, ids: Iterator[int]) -> IcebergType:
    """Parse a Glue type string such as `struct<a:string,b:array<int>>` (field ids from `ids`)."""
    text = text.strip().lower()
    if text in _PRIMITIVES:
        return _PRIMITIVES[text]
    if text.startswith("decimal(") and text.endswith(")"):
        precision, scale = (int(part) for part in text[8:-1].split(","))
        return DecimalType(precision, scale)
    if text.startswith("struct<") and text.endswith(">"):
        fields = []
        for part in _split_top_level(text[7:-1]):
            name, _, inner = part.partition(":")
            fields.append(NestedField(next(ids), name.strip(), parse_type(inner, ids), required=False))
        return StructType(*fields)
    if text.startswith("array<") and text.endswith(">"):
        element_id = next(ids)
        return ListType(element_id, parse_type(text[6:-1], ids), element_required=False)
    if text.startswith("map<") and text.endswith(">"):
        key, value = list(_split_top_level(text[4:-1]))
        key_id, value_id = next(ids), next(ids)
        return MapType(key_id, parse_type(key, ids), value_id, parse_type(value, ids), value_required=False)
    raise ValueError(f"unsupported Glue column type {text!r}")


def schema_from_glue_columns(columns: list[dict[str, Any]]) -> Schema:
    """The Iceberg schema of a Glue table's columns (all optional, as Glue creates them)."""
    top_ids = count(1)
    nested_ids = count(len(columns) + 1)
    fields = [
        NestedField(next(top_ids), column["Name"], parse_type(column["Type"], nested_ids), required=False)
        for column in columns
    ]
    return Schema(*fields)


def _parse_timestamp(value: str) -> datetime:
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1]
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)


def convert_value(value: Any, kind: IcebergType, path: str, depth: int = 1) -> Any:
    """The Python value pyarrow stores for `value` in a column of `kind`; raises SchemaMismatch."""
    if value is None:
        return None
    if depth > MAX_NESTING:
        raise SchemaMismatch(f"{path}: nested deeper than {MAX_NESTING} levels (Firehose limit)")
    got = type(value).__name__
    if isinstance(kind, StringType):
        if not isinstance(value, str):
            raise SchemaMismatch(f"{path}: expected a string, got {got}")
        return value
    if isinstance(kind, BooleanType):
        if not isinstance(value, bool):
            raise SchemaMismatch(f"{path}: expected true or false, got {got}")
        return value
    if isinstance(kind, IntegerType | LongType):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaMismatch(f"{path}: expected an integer, got {got}")
        bits = 31 if isinstance(kind, IntegerType) else 63
        if not -(2**bits) <= value < 2**bits:
            raise SchemaMismatch(f"{path}: {value} does not fit a {bits + 1}-bit integer")
        return value
    if isinstance(kind, FloatType | DoubleType):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SchemaMismatch(f"{path}: expected a number, got {got}")
        return float(value)
    if isinstance(kind, DecimalType):
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None:
            raise SchemaMismatch(f"{path}: expected a decimal number, got {value!r}")
        return number.quantize(Decimal(1).scaleb(-kind.scale))
    if isinstance(kind, TimestampType | DateType):
        if not isinstance(value, str):
            raise SchemaMismatch(f"{path}: expected an ISO-8601 string, got {got}")
        try:
            moment = _parse_timestamp(value)
        except ValueError as exc:
            raise SchemaMismatch(f"{path}: {value!r} is not an ISO-8601 timestamp ({exc})") from exc
        return moment.date() if isinstance(kind, DateType) else moment
    if isinstance(kind, BinaryType):
        if not isinstance(value, str):
            raise SchemaMismatch(f"{path}: expected base64 text, got {got}")
        return base64.b64decode(value)
    if isinstance(kind, StructType):
        if not isinstance(value, dict):
            raise SchemaMismatch(f"{path}: expected an object for a struct, got {got}")
        return {
            f.name: convert_value(value.get(f.name), f.field_type, f"{path}.{f.name}", depth + 1) for f in kind.fields
        }
    if isinstance(kind, ListType):
        if not isinstance(value, list):
            raise SchemaMismatch(f"{path}: expected an array, got {got}")
        return [convert_value(v, kind.element_type, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(kind, MapType):
        if not isinstance(value, dict):
            raise SchemaMismatch(f"{path}: expected an object for a map, got {got}")
        return [(k, convert_value(v, kind.value_type, f"{path}.{k}", depth + 1)) for k, v in value.items()]
    raise SchemaMismatch(f"{path}: column type {kind} is not supported by the emulator")


def record_to_row(record: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """A table row from a record's first-level fields; fields the table lacks are ignored, missing ones are null."""
    return {f.name: convert_value(record.get(f.name), f.field_type, f.name) for f in schema.fields}
