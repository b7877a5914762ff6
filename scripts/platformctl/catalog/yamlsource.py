"""YAML reading that keeps line numbers and rejects duplicate keys, for precise catalog errors.

Parsing is libyaml's (PyYAML's C composer): the node tree keeps every line, and it is linear and
fast, so a file near the size limit loads in well under a second. Plain data is built from the
nodes here, which is where duplicate keys, merge keys, self-referencing aliases and alias bombs are
refused with a clear reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from platformctl.catalog.base import PATTERN_WORDS
from platformctl.errors import CatalogProblem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlDocument:
    """A parsed YAML file: plain Python data plus a way back to source lines."""

    def __init__(self, path: Path, display: str, node: MappingNode) -> None:
        self.path = path
        self.display = display
        self._node = node
        self.data = _to_plain(node)

    def line_of(self, key_path: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest existing node on `key_path`."""
        node: Node = self._node
        line = 1
        for part in key_path:
            if isinstance(node, MappingNode):
                match = next((pair for pair in node.value if _key(pair[0]) == str(part)), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def problem(self, key_path: tuple[str | int, ...], reason: str) -> CatalogProblem:
        line = self.line_of(key_path)
        where = f"{self.display}:{line}" if line else self.display
        return CatalogProblem(where, ".".join(str(p) for p in key_path), reason)


def _key(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else repr(node.value)


def validation_problems(document: YamlDocument, errors: list[Any]) -> list[CatalogProblem]:
    """pydantic ValidationError.errors() as `file:line: key.path: reason` problems."""
    return [document.problem(_clean_loc(error["loc"]), _reason(error)) for error in errors]


def _clean_loc(loc: Any) -> tuple[str | int, ...]:
    # pydantic adds discriminator tags and "function-after[...]" frames to loc; users never wrote those.
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def _reason(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see the catalog reference in README.md)"
    if error["type"] == "missing":
        return "required key is missing"
    if error["type"] == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        allowed = PATTERN_WORDS.get(pattern, "a value in the documented format")
        return f"{_shown(error.get('input'))} is not valid: expected {allowed}"
    return str(error["msg"]).removeprefix("Value error, ")


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-limit // 2 :]}"


# Catalog files are small and hand-written: anything larger is a mistake (or an attack on the
# runner), refused before parsing so no check can take minutes.
MAX_FILE_BYTES = 1024 * 1024
# Aliases share nodes in the composed tree; expanding them to plain data is what blows up. This bounds
# the expanded size (a "billion laughs" document stops here, in milliseconds).
MAX_EXPANDED_NODES = 200_000


def inside_problem(path: Path, root: Path, display: str) -> CatalogProblem | None:
    """Why `path` may not be read as part of the catalog under `root`, or None.

    A symlink is followed first: a link to anything outside config/ would put that file (any file
    on the runner) into plans and CI artifacts."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return CatalogProblem(display, "", "does not exist (or is a broken symlink)")
    if not resolved.is_relative_to(root.resolve()):
        return CatalogProblem(
            display, "", f"resolves to {resolved}, outside {root.name}/; keep catalog files inside it"
        )
    if not resolved.is_file():
        return CatalogProblem(display, "", "is not a regular file")
    return None


def read_yaml(path: Path, display: str, root: Path | None = None) -> YamlDocument:
    """Parse one catalog file: inside `root` (if given), UTF-8, at most MAX_FILE_BYTES, no duplicate
    keys and no alias bombs."""
    if root is not None:
        problem = inside_problem(path, root, display)
        if problem is not None:
            from platformctl.errors import CatalogError

            raise CatalogError([problem])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _single(display, "", f"cannot read: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise _single(display, "", f"file is {len(raw):,} bytes; catalog files may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _single(
            f"{display}:{line}",
            "",
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}; save the file as UTF-8",
        ) from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}" if mark else display
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise _single(where, "", f"invalid YAML: {reason}") from exc
    except yaml.YAMLError as exc:
        raise _single(display, "", f"invalid YAML: {exc}") from exc
    except RecursionError as exc:
        raise _single(display, "", "invalid YAML: nested too deeply") from exc
    if not isinstance(node, MappingNode):
        raise _single(display, "", "the document must be a mapping of keys to values")
    try:
        return YamlDocument(path, display, node)
    except _ExpansionError as exc:
        raise _single(f"{display}:{exc.line}" if exc.line else display, "", str(exc)) from exc


class _ExpansionError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _single(where: str, key_path: str, reason: str) -> Exception:
    from platformctl.errors import CatalogError

    return CatalogError([CatalogProblem(where, key_path, reason)])


_SCALARS = yaml.constructor.SafeConstructor()


def _to_plain(root: Node) -> Any:
    """The node tree as plain data, refusing duplicate and merge keys, self-referencing aliases and
    expansions beyond MAX_EXPANDED_NODES (aliases make nodes shared, so expansion is where it blows up)."""
    budget = [MAX_EXPANDED_NODES]
    active: set[int] = set()

    def plain(node: Node) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _ExpansionError(
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} values; write the values out instead"
            )
        if isinstance(node, ScalarNode):
            value = _SCALARS.construct_object(node)
            return value.isoformat() if hasattr(value, "isoformat") else value
        if id(node) in active:
            raise _ExpansionError(
                "an alias refers to a node that contains it (the document never ends)", node.start_mark.line + 1
            )
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [plain(item) for item in node.value]
            result: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _ExpansionError(
                        "merge keys (<<) are not supported in the catalog; write the keys out",
                        key_node.start_mark.line + 1,
                    )
                key = str(plain(key_node))
                if key in result:
                    raise _ExpansionError(
                        f"invalid YAML: duplicate key {key!r} (first at line {first_line[key]}); keep one",
                        key_node.start_mark.line + 1,
                    )
                first_line[key] = key_node.start_mark.line + 1
                result[key] = plain(value_node)
            return result
        finally:
            active.discard(id(node))

    return plain(root)
