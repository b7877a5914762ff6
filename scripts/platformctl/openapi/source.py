"""Read, decode and parse a spec once into plain data, keeping a way back to source lines.

YAML goes through libyaml's composer (PyYAML's C extension): the node tree carries line marks
and is turned into plain dicts/lists here. ruamel.yaml's round-trip loader gives the same
line information but is ~30x slower (112 ms against 3.5 ms for the 400-line orders spec on this
machine), which would blow the linter's budget of 100 specs per second. JSON is parsed with the
json module; its node tree (for lines) is only composed when a finding needs a line.

Untrusted input is bounded here, so that every later stage sees plain, finite, shallow data:

- bytes are decoded as UTF-8, or UTF-16/32 when a BOM (or the NUL pattern of UTF-16) says so;
  anything else is refused with the byte offset of the first invalid byte;
- a source larger than MAX_SOURCE_BYTES is refused before it is parsed;
- YAML aliases may not refer to themselves and may not expand the document beyond
  MAX_EXPANDED_NODES nodes (a few hundred bytes of nested aliases otherwise take gigabytes);
- nesting deeper than MAX_DEPTH is refused (the schema validators recurse per level);
- duplicate mapping keys are kept last-one-wins, as YAML and JSON parsers do, and reported
  with the line of the duplicate (rule OAS002).

Line numbers are those of the template text: rendering never adds or removes newlines.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is part of the PyYAML wheels; fall back to the pure-Python loader if missing.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# API Gateway imports at most 6 MB (APIGW013); a source several times that is not a spec.
MAX_SOURCE_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
# Aliases may repeat parts of a document, but not blow it up to many times its written size.
MAX_ALIAS_GROWTH = 10
_ALIAS_FREE_NODES = 50_000
# Real specs nest 10-30 levels; the recursive schema validators need ~10 frames per level.
MAX_DEPTH = 80

_STR = "tag:yaml.org,2002:str"
_DEFAULT_SEQ = "tag:yaml.org,2002:seq"
_DEFAULT_MAP = "tag:yaml.org,2002:map"
# First characters for which some implicit resolver (int, float, bool, null, ...) may apply.
_TYPED_FIRST_CHARS = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """SafeLoader with a short-cut tag resolver: a sixth of the linter's time went to resolving tags
    of scalars that can only be strings (quoted, or starting with a letter no resolver matches).
    Results are identical: the full resolver still decides every scalar it could type."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in _TYPED_FIRST_CHARS):
                return super().resolve(kind, value, implicit)
            return _STR
        return _DEFAULT_SEQ if kind is yaml.SequenceNode else _DEFAULT_MAP

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass  # no path resolvers are registered

    def ascend_resolver(self) -> None:
        pass


Pointer = tuple[str | int, ...]

_MERGE = "tag:yaml.org,2002:merge"
# Scalars that stay strings although YAML 1.1 would type them: API Gateway's importer reads
# e.g. `version: 2024-01-01` as text, so validating it as a date would be a false finding.
_AS_TEXT = frozenset({"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"})
_SCALARS = yaml.constructor.SafeConstructor()


class SpecParseError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A mapping key given twice: `pointer` is the key's path, `line` the duplicate's line."""

    pointer: Pointer
    line: int
    first_line: int


# -- bytes to text -------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(raw: bytes) -> str:
    """The text of a spec file: UTF-8, or UTF-16/32 announced by a BOM (or UTF-16 without one,
    recognised by its NUL bytes). Raises SpecParseError naming the first invalid byte."""
    encoding, start = "utf-8", 0
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, start = name, len(bom)
            break
    else:
        if len(raw) >= 2 and raw[0] == 0 and raw[1] != 0:
            encoding = "utf-16-be"
        elif len(raw) >= 2 and raw[1] == 0 and raw[0] != 0:
            encoding = "utf-16-le"
    try:
        return raw[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = raw.count(b"\n", 0, offset) + 1
        byte = raw[offset : offset + 1].hex()
        hint = " (the file looks like Latin-1/Windows-1252: re-save it as UTF-8)" if encoding == "utf-8" else ""
        raise SpecParseError(
            line, f"the file is not valid {encoding.upper()}: byte 0x{byte} at offset {offset}{hint}"
        ) from exc


def read_spec(path: str | Path) -> str:
    """Read and decode a spec file, refusing oversized files before reading them whole."""
    file = Path(path)
    size = file.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise SpecParseError(1, f"the file is {size} bytes; specs larger than {MAX_SOURCE_BYTES} bytes are not read")
    return decode(file.read_bytes())


# -- parsed document -----------------------------------------------------------------------------
@dataclass
class ParsedSpec:
    data: Any
    is_json: bool
    rendered: str
    duplicates: list[Duplicate] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, repr=False)
    _root_failed: bool = field(default=False, repr=False)

    def line_of(self, pointer: Pointer) -> int:
        """1-based line of the deepest node on `pointer` (a key's line for mapping entries).

        With duplicate keys the last occurrence wins, as in the data, so lines point at the copy
        whose value is used."""
        node = self._node_tree()
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in pointer:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        found = key, value
                if found is None:
                    return line
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def _node_tree(self) -> yaml.Node | None:
        if self._root is None and not self._root_failed:
            try:
                self._root = yaml.compose(self.rendered, Loader=_Loader)
            except yaml.YAMLError:  # JSON that YAML 1.1 refuses (rare): lines degrade to 1
                self._root_failed = True
        return self._root


def parse(rendered: str, *, is_json: bool) -> ParsedSpec:
    if len(rendered) > MAX_SOURCE_BYTES:
        raise SpecParseError(1, f"the document has {len(rendered)} characters; at most {MAX_SOURCE_BYTES} are parsed")
    if is_json:
        return _parse_json(rendered)
    try:
        root = yaml.compose(rendered, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise SpecParseError(mark.line + 1 if mark else 1, f"invalid YAML: {reason}") from exc
    except yaml.YAMLError as exc:
        raise SpecParseError(1, f"invalid YAML: {exc}") from exc
    except RecursionError as exc:
        raise SpecParseError(1, f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from exc
    if root is None:
        return ParsedSpec(None, False, rendered, _root=root)
    builder = _Builder(record_duplicates=True)
    data = builder.build(root)
    return ParsedSpec(data, False, rendered, builder.duplicates, _root=root)


class _DuplicateSeen(Exception):
    pass


def _parse_json(rendered: str) -> ParsedSpec:
    duplicated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        result = dict(items)
        if len(result) != len(items):
            duplicated = True
        return result

    try:
        data = json.loads(rendered, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise SpecParseError(exc.lineno, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise SpecParseError(1, f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from exc
    depth = _depth(data)
    if depth > MAX_DEPTH:
        raise SpecParseError(1, f"the document is nested {depth} levels deep; at most {MAX_DEPTH} are supported")
    parsed = ParsedSpec(data, True, rendered)
    if duplicated:
        root = parsed._node_tree()
        if root is not None:
            builder = _Builder(record_duplicates=True)
            builder.build(root)
            parsed.duplicates = builder.duplicates
    return parsed


def _depth(data: Any) -> int:
    """Nesting depth of plain data, without recursion (the data may be deeper than the stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class _Builder:
    """Node tree to plain data, with the limits of the module docstring."""

    def __init__(self, *, record_duplicates: bool) -> None:
        self.record_duplicates = record_duplicates
        self.duplicates: list[Duplicate] = []
        self.nodes = 0
        self._seen: set[int] = set()
        self._active: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        return self._build(node, (), 0)

    def _build(self, node: yaml.Node, pointer: Pointer, depth: int) -> Any:
        self.nodes += 1
        self._seen.add(id(node))
        if self.nodes > MAX_EXPANDED_NODES or (
            self.nodes > _ALIAS_FREE_NODES and self.nodes > MAX_ALIAS_GROWTH * len(self._seen)
        ):
            raise SpecParseError(
                node.start_mark.line + 1,
                f"YAML aliases expand the document to more than {MAX_ALIAS_GROWTH} times its written size "
                "(an alias bomb?); write the repeated parts out or use $ref",
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR or node.tag in _AS_TEXT:
                return node.value
            constructor = _SCALARS.yaml_constructors.get(node.tag)
            if constructor is None:
                return node.value  # custom tags: keep the text
            try:
                return constructor(_SCALARS, node)
            except (yaml.YAMLError, ValueError, TypeError):
                return node.value  # e.g. `!!int abc`: keep the text, the validator judges it
        if depth >= MAX_DEPTH:
            raise SpecParseError(
                node.start_mark.line + 1, f"the document is nested deeper than {MAX_DEPTH} levels at this line"
            )
        if id(node) in self._active:
            raise SpecParseError(
                node.start_mark.line + 1, "a YAML alias refers to a node that contains it (an endless cycle)"
            )
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._build(item, (*pointer, index), depth + 1) for index, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, pointer, depth)
        finally:
            self._active.discard(id(node))
        raise SpecParseError(node.start_mark.line + 1, f"unsupported YAML node {node.tag}")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, pointer: Pointer, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key, value in node.value:
            if key.tag == _MERGE:
                merged = self._build(value, pointer, depth + 1)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            result.setdefault(k, v)
                continue
            # JSON semantics: keys are strings (YAML would make `200:` an int).
            if isinstance(key, yaml.ScalarNode):
                name = key.value
            else:
                name = json.dumps(self._build(key, pointer, depth + 1), default=str, sort_keys=True)
            line = key.start_mark.line + 1
            if name in lines and self.record_duplicates:
                self.duplicates.append(Duplicate((*pointer, name), line, lines[name]))
            lines[name] = line
            result[name] = self._build(value, (*pointer, name), depth + 1)
        return result
