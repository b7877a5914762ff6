"""Parse a rendered spec once into plain data, keeping a way back to source lines.

YAML goes through libyaml's composer (PyYAML's C extension): the node tree carries line marks
and is turned into plain dicts/lists here. ruamel.yaml's round-trip loader gives the same
line information but is ~30x slower (112 ms against 3.5 ms for the 400-line orders spec on this
machine), which would blow the linter's budget of 100 specs per second. JSON is parsed with the
json module; its node tree (for lines) is only composed when a finding needs a line.

Line numbers are those of the template text: rendering never adds or removes newlines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is part of the PyYAML wheels; fall back to the pure-Python loader if missing.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

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


@dataclass
class ParsedSpec:
    data: Any
    is_json: bool
    rendered: str
    _root: yaml.Node | None = field(default=None, repr=False)
    _root_failed: bool = field(default=False, repr=False)

    def line_of(self, pointer: Pointer) -> int:
        """1-based line of the deepest node on `pointer` (a key's line for mapping entries)."""
        node = self._node_tree()
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in pointer:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        line, node = key.start_mark.line + 1, value
                        break
                else:
                    return line
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
    if is_json:
        try:
            return ParsedSpec(json.loads(rendered), True, rendered)
        except json.JSONDecodeError as exc:
            raise SpecParseError(exc.lineno, f"invalid JSON: {exc.msg}") from exc
    try:
        root = yaml.compose(rendered, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise SpecParseError(mark.line + 1 if mark else 1, f"invalid YAML: {reason}") from exc
    except yaml.YAMLError as exc:
        raise SpecParseError(1, f"invalid YAML: {exc}") from exc
    return ParsedSpec(_construct(root) if root is not None else None, False, rendered, _root=root)


def _construct(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR or node.tag in _AS_TEXT:
            return node.value
        constructor = _SCALARS.yaml_constructors.get(node.tag)
        return constructor(_SCALARS, node) if constructor else node.value  # custom tags: keep the text
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key, value in node.value:
            if key.tag == _MERGE:
                merged = _construct(value)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            result.setdefault(k, v)
                continue
            # JSON semantics: keys are strings (YAML would make `200:` an int).
            result[str(_construct(key)) if not isinstance(key, yaml.ScalarNode) else key.value] = _construct(value)
        return result
    raise SpecParseError(node.start_mark.line + 1, f"unsupported YAML node {node.tag}")  # pragma: no cover
