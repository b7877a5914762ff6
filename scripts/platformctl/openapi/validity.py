"""OAS001: the rendered document parses and is a valid OpenAPI 3.0 (or 2.0) document.

The document is validated after rendering with the module's variables replaced by stand-ins of the
same shape (see template.py), so what is checked is what API Gateway and moto would receive. moto
runs the same openapi-spec-validator when `fail_on_warnings` is set, so a document that passes here
also imports into the local emulator.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.openapi.document import HTTP_METHODS, SpecDocument
from platformctl.openapi.model import Hit, Pointer, rule

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_MAX_MESSAGE = 220
_QUOTED = re.compile(r"'([^']+)'")


@rule("OAS001", "the rendered document parses and is valid OpenAPI 3.0 / 2.0", suppressible=False)
def document_validity(doc: SpecDocument) -> Iterator[Hit]:
    if doc.parse_error is not None:
        yield Hit(doc.parse_error.message, line=doc.parse_error.line)
        return
    if not doc.is_mapping:
        yield Hit("the document must be a mapping (an OpenAPI object)", line=1)
        return
    version = doc.version
    if version is None:
        yield Hit('not an OpenAPI document: declare `openapi: 3.0.3` (or `swagger: "2.0"`)', line=1)
        return
    if version == "3.1":
        yield Hit(
            "OpenAPI 3.1 is not imported by API Gateway REST APIs; declare openapi: 3.0.x",
            ("openapi",),
        )
        return
    refs_ok = True
    for hit in _reference_problems(doc):
        refs_ok = False
        yield hit
    if doc.validate_document:
        yield from _cached_validator_hits(doc, semantic=refs_ok)


class ValidationCache:
    """Content-addressed results of openapi-spec-validator, which is ~95 % of the linter's time.

    The key covers the rendered document and the validator's version, so an entry can only be
    stale if the validator changes without a version bump. Entries are small JSON files.
    """

    # Bump when what is stored (hits of _validator_hits) changes meaning.
    FORMAT = "1"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._salt = f"{self.FORMAT}:{package_version('openapi-spec-validator')}:{package_version('jsonschema')}"

    def key(self, rendered: str, semantic: bool) -> str:
        digest = hashlib.sha256(f"{self._salt}:{semantic}:".encode())
        digest.update(rendered.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> list[Hit] | None:
        try:
            entries = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return [
            Hit(e["message"], tuple(e["pointer"]) if e["pointer"] is not None else None, e["line"]) for e in entries
        ]

    def put(self, key: str, hits: list[Hit]) -> None:
        entries = [{"message": h.message, "pointer": h.pointer, "line": h.line} for h in hits]
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{key}.tmp"
            tmp.write_text(json.dumps(entries), encoding="utf-8")
            tmp.replace(self.directory / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time


def _cached_validator_hits(doc: SpecDocument, *, semantic: bool) -> Iterator[Hit]:
    cache: ValidationCache | None = doc.cache.get("validation_cache")
    if cache is None or doc.parsed is None:
        yield from _validator_hits(doc, semantic=semantic)
        return
    key = cache.key(doc.parsed.rendered + ("\0v2" if doc.is_v2 else ""), semantic)
    hits = cache.get(key)
    if hits is None:
        hits = list(_validator_hits(doc, semantic=semantic))
        cache.put(key, hits)
    yield from hits


def _reference_problems(doc: SpecDocument) -> Iterator[Hit]:
    # AWS notes: "$ref cannot be used to reference other files." A dangling local $ref would
    # also make openapi-spec-validator raise instead of reporting.
    for pointer, ref in _refs(doc.data, ()):
        if not isinstance(ref, str):
            yield Hit("$ref must be a string", pointer)
        elif not ref.startswith("#"):
            yield Hit(f"$ref {ref!r} points to another file; API Gateway imports a single document", pointer)
        elif not _resolves(doc.data, ref):
            yield Hit(f"$ref {ref!r} does not resolve within the document", pointer)


def _refs(value: Any, pointer: Pointer) -> Iterator[tuple[Pointer, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield (*pointer, key), item
            elif isinstance(item, dict | list):
                yield from _refs(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                yield from _refs(item, (*pointer, index))


def _resolves(data: Any, ref: str) -> bool:
    node = data
    for raw in ref[1:].split("/")[1:] if ref not in ("#", "#/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _validator_hits(doc: SpecDocument, *, semantic: bool) -> Iterator[Hit]:
    # Imported here: it takes ~0.3 s and the catalog model imports this package for its constants.
    from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator

    cls = OpenAPIV2SpecValidator if doc.is_v2 else OpenAPIV30SpecValidator
    validator = cls(doc.data)
    errors = validator.schema_validator.iter_errors(doc.data)
    reported: set[tuple[Pointer, str]] = set()
    for error in errors:
        hit = _structural_hit(error)
        if (hit.pointer or (), hit.message) not in reported:
            reported.add((hit.pointer or (), hit.message))
            yield hit
    if reported or not semantic:
        return  # the semantic checks assume a structurally valid document
    try:
        for error in validator.root_validator(validator.schema_path):
            if not _greedy_parameter_noise(doc, error):
                yield _semantic_hit(doc, error)
    except Exception as exc:  # the validator raises on some broken documents instead of yielding
        yield Hit(f"openapi-spec-validator failed: {_short(str(exc))}", line=1)


_UNRESOLVED = re.compile(r"Path parameter '([^']+)' for '[^']+' operation in '([^']+)' was not resolved")


def _greedy_parameter_noise(doc: SpecDocument, error: Exception) -> bool:
    """openapi-spec-validator does not know API Gateway's greedy path parameter {proxy+}: it reports
    both 'proxy' and 'proxy+' as unresolved although the operation declares `proxy`. Drop those two
    reports (APIGW002 checks the greedy segment itself)."""
    match = _UNRESOLVED.search(str(getattr(error, "message", error)))
    if match is None:
        return False
    name, path = match.group(1).removesuffix("+"), match.group(2)
    return f"{{{name}+}}" in path


def _deepest(error: ValidationError) -> ValidationError:
    """The most specific sub-error of a oneOf/anyOf failure (not the "'$ref' is required" branch)."""
    if not error.context:
        return error
    candidates = [_deepest(sub) for sub in error.context]
    candidates = [c for c in candidates if "'$ref' is a required property" not in c.message] or candidates
    return max(candidates, key=lambda c: len(c.absolute_path))


def _structural_hit(error: ValidationError) -> Hit:
    best = _deepest(error)
    pointer = tuple(best.absolute_path)
    return Hit(_short(best.message), pointer)


def _semantic_hit(doc: SpecDocument, error: Exception) -> Hit:
    message = _short(getattr(error, "message", None) or str(error))
    path = tuple(getattr(error, "absolute_path", ()) or ())
    if path and _resolves(doc.data, "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)):
        return Hit(message, path)
    return Hit(message, _pointer_from_message(doc, message))


def _pointer_from_message(doc: SpecDocument, message: str) -> Pointer:
    """Place errors the validator reports without a path (e.g. an unresolved path parameter of
    'get' in '/a/{id}') at the path and operation they quote."""
    quoted = _QUOTED.findall(message)
    paths = doc.data.get("paths") if isinstance(doc.data.get("paths"), dict) else {}
    for token in quoted:
        if token in paths:
            for method in quoted:
                if method in HTTP_METHODS and isinstance(paths[token], dict) and method in paths[token]:
                    return ("paths", token, method)
            return ("paths", token)
    return ()


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."
