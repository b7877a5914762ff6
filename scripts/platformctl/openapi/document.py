"""A parsed spec with the views rules need: operations, schema objects, security schemes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from platformctl.openapi.model import Pointer
from platformctl.openapi.source import ParsedSpec, SpecParseError
from platformctl.openapi.template import Placeholder

HTTP_METHODS = (
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
)
IGNORE_KEY = "x-platform-lint-ignore"
PUBLIC_KEY = "x-platform-public"
INTEGRATION_KEY = "x-amazon-apigateway-integration"
# Nesting deeper than this is not a real API model (and guards against YAML alias loops).
_MAX_SCHEMA_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Operation:
    path: str
    method: str
    obj: dict[str, Any]
    pointer: Pointer


@dataclass(frozen=True, slots=True)
class SchemaSite:
    """A schema object somewhere in the document.

    `in_model` is true for schemas API Gateway turns into models: components/definitions and
    request/response bodies (and everything nested in them); false for parameter and header schemas.
    """

    obj: dict[str, Any]
    pointer: Pointer
    in_model: bool


@dataclass(frozen=True, slots=True)
class CatalogVariable:
    """A template variable the catalog entry adds, with where it is defined (for findings)."""

    value: str
    file: str | None = None
    line: int | None = None


class SpecDocument:
    def __init__(
        self,
        file: str,
        text: str,
        placeholders: list[Placeholder],
        parsed: ParsedSpec | None,
        parse_error: SpecParseError | None,
        catalog_vars: Mapping[str, CatalogVariable],
        module_vars: frozenset[str],
        validate_document: bool = True,
        resource_limit: int = 300,
    ) -> None:
        self.file = file
        self.text = text
        self.placeholders = placeholders
        self.parsed = parsed
        self.parse_error = parse_error
        self.catalog_vars = catalog_vars
        self.module_vars = module_vars
        self.validate_document = validate_document
        self.resource_limit = resource_limit  # API Gateway's resources-per-API quota (APIGW023)
        data = parsed.data if parsed is not None else None
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.is_mapping = isinstance(data, dict)
        self.cache: dict[str, Any] = {}  # per-document results shared between rules

    # -- source ------------------------------------------------------------------------------
    @cached_property
    def rendered_size(self) -> int:
        rendered = self.parsed.rendered if self.parsed is not None else self.text
        return len(rendered.encode("utf-8"))

    def line_of(self, pointer: Pointer) -> int:
        return self.parsed.line_of(pointer) if self.parsed is not None else 1

    # -- versions ----------------------------------------------------------------------------
    @cached_property
    def version(self) -> str | None:
        """ "3.0", "3.1", "2.0" or None when the document declares neither."""
        openapi = self.data.get("openapi")
        if isinstance(openapi, str) and openapi[:3] in ("3.0", "3.1"):
            return openapi[:3]
        swagger = self.data.get("swagger")
        if str(swagger) == "2.0":
            return "2.0"
        return None

    @property
    def is_v2(self) -> bool:
        return self.version == "2.0"

    # -- views -------------------------------------------------------------------------------
    @cached_property
    def paths(self) -> dict[str, Any]:
        """The Paths object, or {} when it is missing or not a mapping (OAS001 reports that)."""
        paths = self.data.get("paths")
        return paths if isinstance(paths, dict) else {}

    @cached_property
    def operations(self) -> list[Operation]:
        result: list[Operation] = []
        for path, item in self.paths.items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    result.append(Operation(path, method, op, ("paths", path, method)))
        return result

    @cached_property
    def security_schemes(self) -> list[tuple[str, Any, Pointer]]:
        if self.is_v2:
            base: Pointer = ("securityDefinitions",)
            schemes = self.data.get("securityDefinitions")
        else:
            base = ("components", "securitySchemes")
            components = self.data.get("components")
            schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(schemes, dict):
            return []
        return [(name, scheme, (*base, name)) for name, scheme in schemes.items()]

    @cached_property
    def models(self) -> list[tuple[str, Pointer]]:
        """Named models: components/schemas (3.x) or definitions (2.0)."""
        container, base = self._model_container()
        return [(name, (*base, name)) for name in container]

    def _model_container(self) -> tuple[dict[str, Any], Pointer]:
        if self.is_v2:
            definitions = self.data.get("definitions")
            return (definitions if isinstance(definitions, dict) else {}), ("definitions",)
        components = self.data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return (schemas if isinstance(schemas, dict) else {}), ("components", "schemas")

    @cached_property
    def schemas(self) -> list[SchemaSite]:
        """Every schema object, nested ones included, each once per location."""
        sites: list[SchemaSite] = []
        for obj, pointer, in_model in self._schema_roots():
            _walk_schema(obj, pointer, in_model, sites, 0)
        return sites

    def _schema_roots(self) -> Iterator[tuple[Any, Pointer, bool]]:
        container, base = self._model_container()
        for name, schema in container.items():
            yield schema, (*base, name), True
        if self.is_v2:
            yield from self._v2_roots()
        else:
            yield from self._v3_roots()

    @cached_property
    def response_schemas(self) -> list[tuple[Any, Pointer]]:
        """The schema of every method response as written (a $ref or an inline schema)."""
        found: list[tuple[Any, Pointer]] = []
        for op in self.operations:
            for code, response in _items(op.obj.get("responses")):
                base = (*op.pointer, "responses", code)
                if self.is_v2:
                    found.extend((s, p) for s, p, _ in _schema_of(response, base, True))
                else:
                    found.extend((s, p) for s, p, _ in _content_schemas(response, base))
        return found

    def _v3_roots(self) -> Iterator[tuple[Any, Pointer, bool]]:
        components = self.data.get("components")
        if isinstance(components, dict):
            for section in ("parameters", "headers"):
                for name, obj in _items(components.get(section)):
                    yield from _schema_of(obj, ("components", section, name), False)
            for name, body in _items(components.get("requestBodies")):
                yield from _content_schemas(body, ("components", "requestBodies", name))
            for name, response in _items(components.get("responses")):
                yield from _response_schemas_v3(response, ("components", "responses", name))
        for path, item in _items(self.paths):
            for index, param in enumerate(_list(item.get("parameters"))):
                yield from _schema_of(param, ("paths", path, "parameters", index), False)
        for op in self.operations:
            for index, param in enumerate(_list(op.obj.get("parameters"))):
                yield from _schema_of(param, (*op.pointer, "parameters", index), False)
            body = op.obj.get("requestBody")
            if isinstance(body, dict):
                yield from _content_schemas(body, (*op.pointer, "requestBody"))
            for code, response in _items(op.obj.get("responses")):
                yield from _response_schemas_v3(response, (*op.pointer, "responses", code))

    def _v2_roots(self) -> Iterator[tuple[Any, Pointer, bool]]:
        for name, param in _items(self.data.get("parameters")):
            yield from _v2_parameter(param, ("parameters", name))
        for name, response in _items(self.data.get("responses")):
            yield from _schema_of(response, ("responses", name), True)
        for path, item in _items(self.paths):
            for index, param in enumerate(_list(item.get("parameters"))):
                yield from _v2_parameter(param, ("paths", path, "parameters", index))
        for op in self.operations:
            for index, param in enumerate(_list(op.obj.get("parameters"))):
                yield from _v2_parameter(param, (*op.pointer, "parameters", index))
            for code, response in _items(op.obj.get("responses")):
                yield from _schema_of(response, (*op.pointer, "responses", code), True)


def _items(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                yield key, item


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _schema_of(holder: Any, pointer: Pointer, in_model: bool) -> Iterator[tuple[Any, Pointer, bool]]:
    if isinstance(holder, dict) and "schema" in holder:
        yield holder["schema"], (*pointer, "schema"), in_model


def _content_schemas(holder: Any, pointer: Pointer) -> Iterator[tuple[Any, Pointer, bool]]:
    for media, media_obj in _items(holder.get("content") if isinstance(holder, dict) else None):
        yield from _schema_of(media_obj, (*pointer, "content", media), True)


def _response_schemas_v3(response: dict[str, Any], pointer: Pointer) -> Iterator[tuple[Any, Pointer, bool]]:
    yield from _content_schemas(response, pointer)
    for name, header in _items(response.get("headers")):
        yield from _schema_of(header, (*pointer, "headers", name), False)


def _v2_parameter(param: Any, pointer: Pointer) -> Iterator[tuple[Any, Pointer, bool]]:
    if not isinstance(param, dict):
        return
    if param.get("in") == "body":
        yield from _schema_of(param, pointer, True)
    else:  # 2.0 non-body parameters carry type/format/items themselves
        yield param, pointer, False


_NESTED_MAPS = ("properties", "patternProperties", "definitions")
_NESTED_LISTS = ("allOf", "oneOf", "anyOf")
_NESTED_ONE = ("not", "additionalProperties", "items")


def _walk_schema(obj: Any, pointer: Pointer, in_model: bool, out: list[SchemaSite], depth: int) -> None:
    if not isinstance(obj, dict) or depth > _MAX_SCHEMA_DEPTH or "$ref" in obj:
        return
    out.append(SchemaSite(obj, pointer, in_model))
    for key in _NESTED_MAPS:
        for name, sub in _items(obj.get(key)):
            _walk_schema(sub, (*pointer, key, name), in_model, out, depth + 1)
    for key in _NESTED_LISTS:
        for index, sub in enumerate(_list(obj.get(key))):
            _walk_schema(sub, (*pointer, key, index), in_model, out, depth + 1)
    for key in _NESTED_ONE:
        sub = obj.get(key)
        if isinstance(sub, dict):
            _walk_schema(sub, (*pointer, key), in_model, out, depth + 1)
        elif key == "items" and isinstance(sub, list):
            for index, item in enumerate(sub):
                _walk_schema(item, (*pointer, key, index), in_model, out, depth + 1)
