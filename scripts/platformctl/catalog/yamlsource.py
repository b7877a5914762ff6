"""YAML reading that keeps line numbers and rejects duplicate keys, for precise catalog errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from platformctl.errors import CatalogProblem


class YamlDocument:
    """A parsed YAML file: plain Python data plus a way back to source lines."""

    def __init__(self, path: Path, display: str, node: Any) -> None:
        self.path = path
        self.display = display
        self._node = node
        self.data = _to_plain(node)

    def line_of(self, key_path: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest existing node on `key_path`."""
        node, line = self._node, 1
        for part in key_path:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        return line

    def problem(self, key_path: tuple[str | int, ...], reason: str) -> CatalogProblem:
        line = self.line_of(key_path)
        where = f"{self.display}:{line}" if line else self.display
        return CatalogProblem(where, ".".join(str(p) for p in key_path), reason)


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
    return str(error["msg"]).removeprefix("Value error, ")


def read_yaml(path: Path, display: str) -> YamlDocument:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _single(display, "", f"cannot read: {exc.strerror}") from exc
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}" if mark else display
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise _single(where, "", f"invalid YAML: {reason}") from exc
    except Exception as exc:  # ruamel raises a few non-marked errors (e.g. duplicate anchors)
        raise _single(display, "", f"invalid YAML: {exc}") from exc
    if not isinstance(node, CommentedMap):
        raise _single(display, "", "the document must be a mapping of keys to values")
    return YamlDocument(path, display, node)


def _single(where: str, key_path: str, reason: str) -> Exception:
    from platformctl.errors import CatalogError

    return CatalogError([CatalogProblem(where, key_path, reason)])


def _to_plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    if hasattr(node, "isoformat") and not isinstance(node, str):
        return node.isoformat()
    return node
