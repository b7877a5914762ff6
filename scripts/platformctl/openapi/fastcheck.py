"""The fast verdict on OAS001: is a document certainly what openapi-spec-validator accepts?

openapi-spec-validator does two things: it validates the document against the OpenAPI 3.0 (or
2.0) JSON Schema it ships, then walks it for semantic checks (operationIds unique, parameters not
duplicated, path parameters declared, each schema valid against JSON Schema draft 4, defaults valid
against their schema, required properties defined under allOf, tag names unique). Here:

- the same JSON Schemas (read from openapi-spec-validator's own files) are compiled once by
  jsonschema-rs, about a thousand times faster than the pure-Python jsonschema;
- the semantic checks are re-stated over plain data, conservatively: anything this module does not
  fully mirror (a `default`, `allOf` next to `required`, a $ref in a path item, integral floats
  that the two JSON Schema engines may type differently, ...) answers "not sure".

Only VALID is final; otherwise validity.py runs openapi-spec-validator itself, which decides and
writes the messages. So the fast path can make linting faster, never different.
"""

from __future__ import annotations

import importlib.util
import json
import re
import string
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Verdict(Enum):
    VALID = "valid"
    CHECK_SEMANTICS = "structurally valid; semantic checks needed"
    CHECK_ALL = "not known to be valid"


def _package_file(package: str, *parts: str) -> Path:
    # find_spec locates the package without importing it (openapi_spec_validator takes ~0.3 s).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@cache
def oas_schema(is_v2: bool) -> dict[str, Any]:
    """The JSON Schema of OpenAPI 2.0 / 3.0 exactly as openapi-spec-validator validates with it."""
    version = "2.0" if is_v2 else "3.0"
    path = _package_file("openapi_spec_validator", "resources", "schemas", f"v{version}", "schema.json")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _draft4_metaschema() -> dict[str, Any]:
    path = _package_file("jsonschema_specifications", "schemas", "draft4", "metaschema.json")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _structural(is_v2: bool) -> Any:
    import jsonschema_rs

    # Formats are not asserted: openapi-spec-validator's schema validator has no format checker.
    return jsonschema_rs.Draft4Validator(oas_schema(is_v2), validate_formats=False)


@cache
def _metaschema() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft4Validator(_draft4_metaschema(), validate_formats=False)


@cache
def _ecma_regex() -> bool:
    # openapi-schema-validator checks `pattern` with the regress package when it is installed.
    return importlib.util.find_spec("regress") is not None


def _valid_regex(pattern: str) -> bool:
    """openapi_schema_validator._regex.is_valid_regex, which the draft 4 meta-check applies."""
    if _ecma_regex():
        import regress

        try:
            regress.Regex(pattern)
        except regress.RegressError:
            return False
        return True
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


class _Unsure(Exception):
    pass


def verdict(data: Any, *, is_v2: bool, semantic: bool) -> Verdict:
    try:
        _scan_scalars(data)
        if not _structural(is_v2).is_valid(data):
            return Verdict.CHECK_ALL
    except (_Unsure, ValueError, TypeError, OverflowError):
        return Verdict.CHECK_ALL
    if not semantic:
        return Verdict.VALID
    try:
        _check_semantics(data, is_v2)
    except (_Unsure, ValueError, TypeError, KeyError, AttributeError):
        return Verdict.CHECK_SEMANTICS
    return Verdict.VALID


def _scan_scalars(data: Any) -> None:
    """Refuse values on which jsonschema (Python) and jsonschema-rs may disagree: under draft 4,
    Python does not count 1.0 as an integer; NaN and infinities are not JSON."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float) and (
            value != value or value in (float("inf"), float("-inf")) or value.is_integer()
        ):
            raise _Unsure


# -- semantic checks (openapi_spec_validator/validation/keywords.py, restated) ---------------------
def _deref(root: dict[str, Any], obj: Any) -> Any:
    for _ in range(32):
        if not (isinstance(obj, dict) and "$ref" in obj):
            return obj
        ref = obj["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise _Unsure
        node: Any = root
        for raw in ref[1:].split("/")[1:] if ref not in ("#", "#/") else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise _Unsure
        obj = node
    raise _Unsure


def is_greedy_noise(name: str, path: str) -> bool:
    """openapi-spec-validator reports both halves of API Gateway's greedy {proxy+} as unresolved."""
    return f"{{{name.removesuffix('+')}+}}" in path


def _path_parameter_names(root: dict[str, Any], parameters: list[Any]) -> list[str]:
    names = []
    for parameter in parameters:
        resolved = _deref(root, parameter)
        if resolved["in"] == "path":
            names.append(resolved["name"])
    return names


def _check_parameters(root: dict[str, Any], parameters: Any, is_v2: bool) -> list[Any]:
    if not isinstance(parameters, list):
        raise _Unsure
    seen = set()
    for parameter in parameters:
        resolved = _deref(root, parameter)
        if is_v2 and "default" in resolved:
            raise _Unsure  # validated against the parameter's type
        key = (resolved["name"], resolved["in"])
        if key in seen:
            raise _Unsure
        seen.add(key)
    return parameters


# Where a $ref may point for the schema enumeration below to cover what it resolves to.
_REF_TARGETS_V3 = ("#/components/", "#/paths/")
_REF_TARGETS_V2 = ("#/definitions/", "#/parameters/", "#/responses/", "#/paths/")


def _check_refs(data: Any, is_v2: bool) -> None:
    allowed = _REF_TARGETS_V2 if is_v2 else _REF_TARGETS_V3
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if ref is not None and not (isinstance(ref, str) and ref.startswith(allowed)):
                raise _Unsure
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))


def _check_semantics(data: dict[str, Any], is_v2: bool) -> None:
    _check_refs(data, is_v2)
    tags = data.get("tags")
    if isinstance(tags, list):
        names = [tag.get("name") for tag in tags if isinstance(tag, dict)]
        if len(names) != len(set(map(repr, names))):
            raise _Unsure
    operation_ids: set[Any] = set()
    paths = data.get("paths")
    for url, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict) or "$ref" in item:
            raise _Unsure
        path_parameters = _check_parameters(data, item["parameters"], is_v2) if "parameters" in item else None
        url_params = set(filter(None, (field[1] for field in string.Formatter().parse(url))))
        for method, operation in item.items():
            if method not in OPERATIONS:
                continue
            if "operationId" in operation and operation["operationId"] is not None:
                if operation["operationId"] in operation_ids:
                    raise _Unsure
                operation_ids.add(operation["operationId"])
            names = []
            if "parameters" in operation:
                names += _path_parameter_names(data, _check_parameters(data, operation["parameters"], is_v2))
            if path_parameters is not None:
                names += _path_parameter_names(data, path_parameters)
            declared = set(names)
            for name in (url_params - declared) | (declared - url_params):
                if not is_greedy_noise(name, url):
                    raise _Unsure
    for schema in _schemas(data, is_v2):
        _check_schema(schema)


def _check_schema(schema: dict[str, Any]) -> None:
    if "default" in schema or ("allOf" in schema and "required" in schema):
        raise _Unsure
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _valid_regex(pattern):
        raise _Unsure
    if not _metaschema().is_valid(schema):
        raise _Unsure


def _schemas(data: dict[str, Any], is_v2: bool) -> list[dict[str, Any]]:
    """Every schema object the validator's semantic walk can reach, nested ones included (a
    superset: checking more only means asking openapi-spec-validator more often)."""
    # Imported here: document.py imports the rule registry, which imports this module.
    from platformctl.openapi.document import SpecDocument

    doc = SpecDocument("", "", [], None, None, {}, frozenset())
    doc.data = data
    doc.is_mapping = True
    sites = []
    for site in doc.schemas:
        if is_v2 and site.pointer and site.pointer[-1] != "schema" and "in" in site.obj:
            continue  # a 2.0 non-body parameter: the validator only checks its default
        sites.append(site.obj)
    return sites
