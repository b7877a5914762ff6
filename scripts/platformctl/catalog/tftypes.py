"""Terraform type constraints: rendered from the input models' JSON Schema, parsed from variables.tf.

Rendering lets the generated boundary of modules/platform and the env roots carry exact types
(never `any`) that follow the models by construction. Parsing lets a test compare each model with
the module it feeds: same attribute names, compatible types, and the same idea of what is optional.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# -- JSON Schema -> type expression -----------------------------------------------------------------


def render(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> str:
    """The type expression of a pydantic serialization schema; every object attribute is required
    because the generator dumps every field (null where unset)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return render(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if "anyOf" in schema:
        if len(options) != 1:
            raise ValueError(f"cannot express a union of {len(options)} types in Terraform: {schema}")
        return render(options[0], defs)
    kind = schema.get("type")
    if kind is None and ("enum" in schema or "const" in schema):
        values = schema.get("enum", [schema.get("const")])
        kind = {str: "string", int: "integer", bool: "boolean"}[type(values[0])]
    if kind == "string":
        return "string"
    if kind in ("integer", "number"):
        return "number"
    if kind == "boolean":
        return "bool"
    if kind == "array":
        return f"list({render(schema['items'], defs)})"
    if kind == "object":
        if "properties" in schema:
            inner = ", ".join(f"{name} = {render(sub, defs)}" for name, sub in schema["properties"].items())
            return f"object({{{inner}}})"
        values = schema.get("additionalProperties")
        patterns = list(schema.get("patternProperties", {}).values())
        if values is None and len(patterns) == 1:  # dict with constrained keys
            values = patterns[0]
        if isinstance(values, dict):
            return f"map({render(values, defs)})"
    raise ValueError(f"no Terraform type for schema {schema}")


# -- type expression -> structure --------------------------------------------------------------------


@dataclass(frozen=True)
class TfType:
    """A parsed type constraint. `kind`: string, number, bool, any, list, set, map, object, tuple."""

    kind: str
    element: TfType | None = None
    attributes: dict[str, Attribute] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribute:
    type: TfType
    optional: bool = False
    default: Any = None
    has_default: bool = False


_TOKEN = re.compile(
    r'\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<punct>[(){}\[\],=:])|(?P<literal>"(?:[^"\\]|\\.)*"|-?[0-9.]+))'
)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise ValueError(f"cannot parse type at offset {position}: {text[position : position + 30]!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        _, value = self.tokens[self.index]
        if expected is not None and value != expected:
            raise ValueError(f"expected {expected!r}, found {value!r}")
        self.index += 1
        return value

    def type(self) -> TfType:
        name = self.take()
        if name in ("string", "number", "bool", "any"):
            return TfType(name)
        self.take("(")
        if name in ("list", "set", "map"):
            element = self.type()
            self.take(")")
            return TfType(name, element=element)
        if name == "object":
            self.take("{")
            attributes: dict[str, Attribute] = {}
            while self.peek() and self.peek()[1] != "}":  # type: ignore[index]
                key = self.take()
                self.take("=")
                attributes[key] = self.attribute()
                if self.peek() and self.peek()[1] == ",":  # type: ignore[index]
                    self.take(",")
            self.take("}")
            self.take(")")
            return TfType("object", attributes=attributes)
        raise ValueError(f"unsupported type constructor {name}")

    def attribute(self) -> Attribute:
        token = self.peek()
        if token and token[1] == "optional":
            self.take()
            self.take("(")
            inner = self.type()
            if self.peek() and self.peek()[1] == ",":  # type: ignore[index]
                self.take(",")
                default = self.literal()
                self.take(")")
                return Attribute(inner, optional=True, default=default, has_default=True)
            self.take(")")
            return Attribute(inner, optional=True)
        return Attribute(self.type())

    def literal(self) -> Any:
        kind, value = self.tokens[self.index]
        if value in ("[", "{"):
            closing = "]" if value == "[" else "}"
            self.take()
            items: list[Any] = []
            while self.peek() and self.peek()[1] != closing:  # type: ignore[index]
                items.append(self.literal())
                if self.peek() and self.peek()[1] in (",", "=", ":"):  # type: ignore[index]
                    self.take()
            self.take(closing)
            return items if closing == "]" else dict(zip(items[::2], items[1::2], strict=False))
        self.take()
        if kind == "literal":
            return json.loads(value)
        return {"true": True, "false": False, "null": None}.get(value, value)


def parse(text: str) -> TfType:
    """Parse a type constraint as python-hcl2 gives it (`${object({...})}` or a bare name)."""
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    parser = _Parser(text)
    result = parser.type()
    if parser.peek() is not None:
        raise ValueError(f"unexpected {parser.peek()} after a complete type")
    return result
