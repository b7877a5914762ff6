"""The streaming catalog (config/streams/<table>.yaml): one Iceberg table and the Firehose stream that feeds it.

An entry either owns a stream (`stream:` with source, buffering, retry, error prefix and alarm thresholds) or
joins the stream of another entry (`route:`): Firehose then routes each record whose JQ path `field` equals
`equals` to this table, and every other record to the owner's table. So one stream can fill several tables,
while each table stays one reviewable file.

The resolver groups the entries into the `tables` and `streams` inputs of modules/firehose-iceberg.
The rules mirror the module's validations (which stay as a second line of defence), and go further where
Terraform cannot: the Glue/Iceberg type grammar is parsed, so nested `struct`, `array` and `map` types are
checked field by field and written back in Glue's canonical form (lower case, no spaces) so they never drift.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platformctl.catalog.base import ENV_NAMES, CatalogModel, SnakeName, pattern_str, repeated

EnvName = Literal["local", "dev", "staging", "prod"]
Operation = Literal["insert", "update", "delete"]

# Firehose limits for Iceberg destinations (BufferingHints, RetryOptions).
BUFFER_MIB_MIN, BUFFER_MIB_MAX = 1, 128
BUFFER_SECONDS_MIN, BUFFER_SECONDS_MAX = 0, 900
RETRY_SECONDS_MAX = 7200
ALARM_PERIODS = (60, 120, 180, 300, 600, 900, 1800, 3600)

StreamName = pattern_str(
    r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$",
    "2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
)
ColumnName = pattern_str(
    r"^[a-z_][a-z0-9_]{0,254}$", "lower-case letters, digits and underscores, not starting with a digit"
)
# Plain-key JQ path such as `.type.event`: no pipes, functions or string interpolation can sneak into the
# routing query the module builds from it.
JqPath = pattern_str(r"^(\.[A-Za-z_][A-Za-z0-9_]*)+$", "a plain JQ path such as .type.event (dots and names only)")
ErrorPrefix = pattern_str(
    r"^[a-z0-9][a-z0-9_.=/-]{0,200}/$", "an S3 prefix of lower-case letters, digits and _ . = / - ending in '/'"
)
KinesisStreamArn = pattern_str(
    r"^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}$",
    "a Kinesis stream ARN: arn:aws:kinesis:<region>:<account>:stream/<name>",
)
KmsKeyArn = pattern_str(
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]{36}$",
    "a KMS key ARN: arn:aws:kms:<region>:<account>:key/<uuid>",
)

# --------------------------------------------------------------------------------------------------------------
# Glue / Iceberg type grammar
# --------------------------------------------------------------------------------------------------------------

# Glue type names that map onto Iceberg types (Hive-only types such as tinyint, char or varchar do not).
PRIMITIVE_TYPES = ("boolean", "int", "bigint", "float", "double", "date", "timestamp", "string", "binary")
_ALIASES = {"integer": "int", "long": "bigint", "bool": "boolean", "varchar": "string", "char": "string"}
MAX_TYPE_DEPTH = 10
DECIMAL_MAX_PRECISION = 38
_TOKEN = re.compile(r"\s*(?:(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>[0-9]+)|(?P<punct>[<>(),:]))")


@dataclass(frozen=True)
class IcebergType:
    """A parsed column type. `kind` is a primitive name, "decimal", "struct", "array" or "map"."""

    kind: str
    fields: tuple[tuple[str, IcebergType], ...] = ()  # struct fields
    element: IcebergType | None = None  # array element
    key: IcebergType | None = None  # map key
    value: IcebergType | None = None  # map value
    precision: int = 0
    scale: int = 0

    @property
    def is_primitive(self) -> bool:
        return self.kind in PRIMITIVE_TYPES or self.kind == "decimal"

    def canonical(self) -> str:
        """Glue's spelling: lower case without spaces, e.g. struct<device:string,event:string>."""
        if self.kind == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.kind == "struct":
            return "struct<" + ",".join(f"{name}:{t.canonical()}" for name, t in self.fields) + ">"
        if self.kind == "array":
            assert self.element is not None
            return f"array<{self.element.canonical()}>"
        if self.kind == "map":
            assert self.key is not None and self.value is not None
            return f"map<{self.key.canonical()},{self.value.canonical()}>"
        return self.kind

    def field_path(self, path: Sequence[str]) -> IcebergType | None:
        """The type at a dotted path into nested structs (arrays and maps cannot be traversed)."""
        current: IcebergType = self
        for part in path:
            if current.kind != "struct":
                return None
            match = dict(current.fields).get(part)
            if match is None:
                return None
            current = match
        return current


class _TypeParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if match is None or match.end() == position:
                raise ValueError(f"unexpected character {stripped[position : position + 1]!r} at offset {position}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind), match.start(kind)))
            position = match.end()
        self.index = 0

    def _peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _next(self, expected: str | None = None) -> tuple[str, str, int]:
        token = self._peek()
        if token is None:
            raise ValueError(f"ends too early{f', expected {expected!r}' if expected else ''}")
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r} at offset {token[2]}, found {token[1]!r}")
        self.index += 1
        return token

    def parse(self) -> IcebergType:
        result = self._type(depth=1)
        extra = self._peek()
        if extra is not None:
            raise ValueError(f"unexpected {extra[1]!r} at offset {extra[2]} after a complete type")
        return result

    def _type(self, depth: int) -> IcebergType:
        if depth > MAX_TYPE_DEPTH:
            raise ValueError(f"nests deeper than {MAX_TYPE_DEPTH} levels")
        kind, word, offset = self._next()
        if kind != "word":
            raise ValueError(f"expected a type name at offset {offset}, found {word!r}")
        name = word.lower()
        if name == "struct":
            return self._struct(depth)
        if name == "array":
            self._next("<")
            element = self._type(depth + 1)
            self._next(">")
            return IcebergType("array", element=element)
        if name == "map":
            self._next("<")
            key = self._type(depth + 1)
            if not key.is_primitive:
                raise ValueError(f"map keys must be a primitive type, not {key.canonical()}")
            self._next(",")
            value = self._type(depth + 1)
            self._next(">")
            return IcebergType("map", key=key, value=value)
        if name == "decimal":
            return self._decimal()
        if name in PRIMITIVE_TYPES:
            return IcebergType(name)
        hint = f" (use {_ALIASES[name]!r})" if name in _ALIASES else ""
        raise ValueError(
            f"unknown type {word!r}{hint}; allowed: {', '.join(PRIMITIVE_TYPES)}, decimal(p,s), "
            "struct<...>, array<...>, map<...>"
        )

    def _struct(self, depth: int) -> IcebergType:
        self._next("<")
        fields: list[tuple[str, IcebergType]] = []
        while True:
            kind, word, offset = self._next()
            if kind != "word" or not re.fullmatch(r"[a-z_][a-z0-9_]*", word):
                raise ValueError(
                    f"struct field name {word!r} at offset {offset} must be lower-case letters, digits and "
                    "underscores (Glue folds names to lower case)"
                )
            if word in dict(fields):
                raise ValueError(f"struct field {word!r} appears twice")
            self._next(":")
            fields.append((word, self._type(depth + 1)))
            _, punct, _ = self._next()
            if punct == ">":
                break
            if punct != ",":
                raise ValueError(f"expected ',' or '>' after struct field {word!r}")
        return IcebergType("struct", fields=tuple(fields))

    def _decimal(self) -> IcebergType:
        self._next("(")
        kind, precision, offset = self._next()
        if kind != "number":
            raise ValueError(f"decimal precision must be a number (offset {offset})")
        self._next(",")
        kind, scale, offset = self._next()
        if kind != "number":
            raise ValueError(f"decimal scale must be a number (offset {offset})")
        self._next(")")
        p, s = int(precision), int(scale)
        if not 1 <= p <= DECIMAL_MAX_PRECISION or not 0 <= s <= p:
            raise ValueError(
                f"decimal({p},{s}) needs 1 <= precision <= {DECIMAL_MAX_PRECISION} and 0 <= scale <= precision"
            )
        return IcebergType("decimal", precision=p, scale=s)


def parse_type(text: str) -> IcebergType:
    """Parse a Glue/Iceberg column type; raise ValueError naming what is wrong and where."""
    if not text or not text.strip():
        raise ValueError("type is empty")
    return _TypeParser(text).parse()


# --------------------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------------------

_TRANSFORM = re.compile(
    r"^(identity|year|month|day|hour|bucket\[(?P<n>[1-9][0-9]{0,5})\]|truncate\[(?P<w>[1-9][0-9]{0,5})\])$"
)
_TRANSFORM_SOURCES = {
    "identity": (*PRIMITIVE_TYPES, "decimal"),
    "year": ("date", "timestamp"),
    "month": ("date", "timestamp"),
    "day": ("date", "timestamp"),
    "hour": ("timestamp",),
    "bucket": ("int", "bigint", "decimal", "date", "timestamp", "string", "binary"),
    "truncate": ("int", "bigint", "decimal", "string", "binary"),
}


class Column(CatalogModel):
    name: ColumnName = Field(description="Column name: lower-case letters, digits, underscores.")
    type: str = Field(description="Glue/Iceberg type, e.g. string, timestamp, struct<device:string,event:string>.")
    comment: str | None = Field(default=None, max_length=255)

    @field_validator("type")
    @classmethod
    def _canonical_type(cls, value: str) -> str:
        return parse_type(value).canonical()

    @property
    def parsed_type(self) -> IcebergType:
        return parse_type(self.type)


class PartitionField(CatalogModel):
    column: str = Field(description="Top-level column, or struct.field for a nested field.")
    transform: str = Field(default="identity", description="identity, year, month, day, hour, bucket[N], truncate[W].")

    @field_validator("transform")
    @classmethod
    def _known_transform(cls, value: str) -> str:
        if not _TRANSFORM.match(value):
            raise ValueError(
                f"unknown transform {value!r}; use identity, year, month, day, hour, bucket[N] or truncate[W]"
            )
        return value

    @property
    def transform_name(self) -> str:
        return self.transform.split("[", 1)[0]


class Buffering(CatalogModel):
    size_mib: int = Field(default=1, ge=BUFFER_MIB_MIN, le=BUFFER_MIB_MAX, description="1-128 MiB (article: 1).")
    interval_seconds: int = Field(
        default=60, ge=BUFFER_SECONDS_MIN, le=BUFFER_SECONDS_MAX, description="0-900 s (article: 60)."
    )


class Source(CatalogModel):
    type: Literal["direct_put", "kinesis"] = "direct_put"
    # Per environment, because a Kinesis stream lives in each environment's account.
    stream_arns: dict[EnvName, KinesisStreamArn] = Field(default={})
    kms_key_arns: dict[EnvName, KmsKeyArn] = Field(
        default={}, description="The Kinesis stream's CMK per environment, when it uses one."
    )

    @model_validator(mode="after")
    def _arns_match_type(self) -> Source:
        if self.type == "direct_put" and (self.stream_arns or self.kms_key_arns):
            raise ValueError("stream_arns and kms_key_arns are only for type: kinesis")
        if self.type == "kinesis" and not self.stream_arns:
            raise ValueError("type: kinesis needs stream_arns (the source stream ARN per environment)")
        stray = sorted(set(self.kms_key_arns) - set(self.stream_arns))
        if stray:
            raise ValueError(f"kms_key_arns has environments without a stream ARN: {', '.join(stray)}")
        return self


class StreamAlarms(CatalogModel):
    freshness_seconds: int = Field(
        default=900, ge=60, le=86400, description="Alarm when the oldest undelivered record is older than this."
    )
    throttled_records_threshold: int = Field(default=0, ge=0)
    period_seconds: int = 300
    evaluation_periods: int = Field(default=3, ge=1, le=24)

    @field_validator("period_seconds")
    @classmethod
    def _cloudwatch_period(cls, value: int) -> int:
        if value not in ALARM_PERIODS:
            raise ValueError(f"must be one of {', '.join(map(str, ALARM_PERIODS))}")
        return value


class Stream(CatalogModel):
    """A Firehose stream owned by this entry; its table is the default destination."""

    name: StreamName = Field(description="Stream key; deployed as <env>-<name>.")
    source: Source = Field(default=Source())
    buffering: Buffering = Field(default=Buffering())
    retry_seconds: int = Field(default=300, ge=0, le=RETRY_SECONDS_MAX)
    error_prefix: ErrorPrefix | None = Field(
        default=None, description="Static prefix for failed records, e.g. error/events-1/ (default error/<name>/)."
    )
    alarms: StreamAlarms = Field(default=StreamAlarms())

    @model_validator(mode="after")
    def _freshness_above_buffering(self) -> Stream:
        if self.alarms.freshness_seconds <= self.buffering.interval_seconds:
            raise ValueError(
                f"alarms.freshness_seconds ({self.alarms.freshness_seconds}) must exceed "
                f"buffering.interval_seconds ({self.buffering.interval_seconds}): records wait that long by design"
            )
        return self

    @property
    def effective_error_prefix(self) -> str:
        return self.error_prefix or f"error/{self.name}/"


class Route(CatalogModel):
    """Join another entry's stream: records whose `field` equals `equals` land in this table.

    Joining a stream that is already deployed replaces it (hashicorp/aws 5.100, provider issue #48743) and
    drops its buffered records; PLAT_PLAN_11 fails that plan. docs/onboarding-tables.md says how to avoid it."""

    stream: StreamName = Field(
        description="The owner's stream. Joining a deployed stream replaces it and fails PLAT_PLAN_11: prefer a "
        "new stream per table group, or a drained switch-over (docs/onboarding-tables.md)."
    )
    field: JqPath = Field(description="JQ path into the record, e.g. .type.event")
    equals: str = Field(min_length=1, max_length=255)


class StreamEntry(CatalogModel):
    """One Iceberg table and the stream that feeds it (its own, or another entry's through `route`)."""

    table: SnakeName = Field(description="Iceberg table name; also the file name (config/streams/<table>.yaml).")
    description: str = Field(default="", max_length=2048)
    environments: tuple[EnvName, ...] = Field(default=ENV_NAMES, min_length=1)  # type: ignore[assignment]
    columns: tuple[Column, ...] = Field(min_length=1)
    partition_spec: tuple[PartitionField, ...] = ()
    unique_keys: tuple[ColumnName, ...] = ()
    operation: Operation = "insert"
    stream: Stream | None = None
    route: Route | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StreamEntry:
        if (self.stream is None) == (self.route is None):
            raise ValueError("declare exactly one of stream (this table owns a stream) or route (join another one)")
        if len(set(self.environments)) != len(self.environments):
            raise ValueError("environments lists an environment twice")
        names = [c.name for c in self.columns]
        duplicates = repeated(names)
        if duplicates:
            raise ValueError(f"duplicate column names: {', '.join(duplicates)}")
        columns = {c.name: c.parsed_type for c in self.columns}
        for key in self.unique_keys:
            if key not in columns:
                raise ValueError(f"unique_keys: {key!r} is not a column of {self.table}")
            if not columns[key].is_primitive:
                raise ValueError(f"unique_keys: {key!r} must have a primitive type, not {columns[key].canonical()}")
        if self.operation != "insert" and not self.unique_keys:
            raise ValueError(f"operation {self.operation!r} needs unique_keys: Firehose matches rows on them")
        for number, field in enumerate(self.partition_spec):
            self._check_partition_field(number, field, columns)
        if self.stream is not None and self.stream.source.type == "kinesis":
            missing = sorted(set(self.environments) - set(self.stream.source.stream_arns))
            if missing:
                raise ValueError(f"stream.source.stream_arns has no ARN for environments: {', '.join(missing)}")
        return self

    def _check_partition_field(self, number: int, field: PartitionField, columns: dict[str, IcebergType]) -> None:
        head, *rest = field.column.split(".")
        source = columns[head].field_path(rest) if head in columns else None
        where = f"partition_spec[{number}]"
        if source is None:
            raise ValueError(f"{where}: {field.column!r} is not a column (or struct field) of {self.table}")
        allowed = _TRANSFORM_SOURCES[field.transform_name]
        if source.kind not in allowed:
            raise ValueError(
                f"{where}: transform {field.transform} cannot apply to {source.canonical()}; "
                f"it needs {', '.join(allowed)}"
            )

    @property
    def stream_name(self) -> str:
        if self.stream is not None:
            return self.stream.name
        assert self.route is not None
        return self.route.stream


# --------------------------------------------------------------------------------------------------------------
# Cross-entry rules and tfvars
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamProblem:
    """A rule that spans entries, reported against one entry's key path."""

    table: str
    key_path: tuple[str | int, ...]
    reason: str


def check_streams(entries: Sequence[StreamEntry]) -> list[StreamProblem]:
    """Rules no single file can check: unique tables and streams, routes to existing streams, no clashes."""
    problems: list[StreamProblem] = []
    seen_tables: set[str] = set()
    owners: dict[str, StreamEntry] = {}
    for entry in entries:
        if entry.table in seen_tables:
            problems.append(StreamProblem(entry.table, ("table",), f"table {entry.table!r} is declared twice"))
        seen_tables.add(entry.table)
        if entry.stream is not None:
            if entry.stream.name in owners:
                other = owners[entry.stream.name].table
                problems.append(
                    StreamProblem(
                        entry.table,
                        ("stream", "name"),
                        f"stream {entry.stream.name!r} is already owned by {other}; join it with route: instead",
                    )
                )
            else:
                owners[entry.stream.name] = entry

    routes: dict[tuple[str, str, str], str] = {}
    for entry in entries:
        if entry.route is None:
            continue
        owner = owners.get(entry.route.stream)
        if owner is None:
            known = ", ".join(sorted(owners)) or "none"
            problems.append(
                StreamProblem(
                    entry.table, ("route", "stream"), f"no entry owns stream {entry.route.stream!r} (known: {known})"
                )
            )
            continue
        outside = sorted(set(entry.environments) - set(owner.environments))
        if outside:
            problems.append(
                StreamProblem(
                    entry.table,
                    ("environments",),
                    f"stream {entry.route.stream!r} does not exist in {', '.join(outside)} (see {owner.table})",
                )
            )
        rule = (entry.route.stream, entry.route.field, entry.route.equals)
        if rule in routes:
            problems.append(
                StreamProblem(entry.table, ("route",), f"the same route already sends these records to {routes[rule]}")
            )
        routes.setdefault(rule, entry.table)

    prefixes = sorted((o.stream.effective_error_prefix, name) for name, o in owners.items() if o.stream)
    for (prefix, name), (other_prefix, other) in itertools.pairwise(prefixes):
        if other_prefix.startswith(prefix):
            problems.append(
                StreamProblem(
                    owners[other].table,
                    ("stream", "error_prefix"),
                    f"error prefix {other_prefix!r} lies inside {prefix!r} of stream {name}: each stream needs its own",
                )
            )
    return problems
