"""OAS001/OAS002: the rendered document parses, has no duplicate keys, and is valid OpenAPI 3.0 / 2.0.

The document is validated after rendering with the module's variables replaced by stand-ins of the
same shape (see template.py), so what is checked is what API Gateway and moto would receive. moto
runs the same openapi-spec-validator when `fail_on_warnings` is set, so a document that passes here
also imports into the local emulator.

Speed: openapi-spec-validator (pure-Python jsonschema) was ~95 % of the linter's time. The verdict
now comes from fastcheck.py (the same OpenAPI JSON Schema compiled by jsonschema-rs, plus the
validator's semantic checks re-stated over plain data); only a document that the fast path cannot
clear goes through openapi-spec-validator, which then also writes the messages. So findings are
those of openapi-spec-validator by construction; tests/openapi/test_fastcheck.py compares the two
verdicts on every fixture. Results are memoised per rendered digest (in process and, with a cache
directory, on disk).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.openapi import fastcheck
from platformctl.openapi.document import HTTP_METHODS, SpecDocument
from platformctl.openapi.model import AwsVerdict, Hit, Pointer, rule

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_QUOTED = re.compile(r"'([^']+)'")
_MAX_VALUE = 80


@rule("OAS001", "the document decodes, parses and is valid OpenAPI 3.0 / 2.0", suppressible=False, aws=AwsVerdict.FAILS)
def document_validity(doc: SpecDocument) -> Iterator[Hit]:
    """AWS ("Errors and warnings from importing your API into API Gateway"): "During the import,
    errors can be generated for major issues like an invalid OpenAPI document." and (important
    notes) "$ref cannot be used to reference other files." A missing model reference is an import
    warning ("warnings can be generated for minor issues like a missing model reference")."""
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
        yield Hit("OpenAPI 3.1 is not imported by API Gateway REST APIs; declare openapi: 3.0.x", ("openapi",))
        return
    refs_ok = True
    for hit in _reference_problems(doc):
        refs_ok = False
        yield hit
    if doc.validate_document:
        yield from _cached_validator_hits(doc, semantic=refs_ok)


@rule("OAS002", "no duplicate keys (the last one would silently win)", suppressible=False, aws=AwsVerdict.UNDOCUMENTED)
def duplicate_keys(doc: SpecDocument) -> Iterator[Hit]:
    """YAML 1.1 and JSON (RFC 8259: "The names within an object SHOULD be unique") leave duplicate
    keys to the parser; PyYAML, json and API Gateway's importer keep one copy silently, so half of
    what the author wrote is lost. Reported at the duplicate's line."""
    if doc.parsed is None:
        return
    for duplicate in doc.parsed.duplicates:
        key = duplicate.pointer[-1]
        yield Hit(
            f"key {_elide(repr(key))} is given twice in {_pointer_text(duplicate.pointer[:-1]) or 'the document root'} "
            f"(first at line {duplicate.first_line}); only this last copy is used: merge or remove one",
            duplicate.pointer,
            line=duplicate.line,
        )


class ValidationCache:
    """Content-addressed validator results: in memory (a digest is validated once per run) and on
    disk. The key covers the rendered document and the validators' versions, so an entry can only
    be stale if a validator changes without a version bump. Entries are small JSON files."""

    # Bump when what is stored (hits of _validator_hits) changes meaning.
    FORMAT = "2"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.memory: dict[str, list[Hit]] = {}

    def get(self, key: str) -> list[Hit] | None:
        if key in self.memory:
            return self.memory[key]
        try:
            entries = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return [
            Hit(e["message"], tuple(e["pointer"]) if e["pointer"] is not None else None, e["line"]) for e in entries
        ]

    def put(self, key: str, hits: list[Hit]) -> None:
        self.memory[key] = hits
        entries = [{"message": h.message, "pointer": h.pointer, "line": h.line} for h in hits]
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{key}.tmp"
            tmp.write_text(json.dumps(entries), encoding="utf-8")
            tmp.replace(self.directory / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time


_SALT: str | None = None


def _key(doc: SpecDocument, semantic: bool) -> str:
    global _SALT
    if _SALT is None:
        _SALT = ":".join(
            [ValidationCache.FORMAT]
            + [package_version(p) for p in ("openapi-spec-validator", "jsonschema", "jsonschema-rs")]
        )
    digest = hashlib.sha256(f"{_SALT}:{semantic}:{doc.version}:".encode())
    digest.update((doc.parsed.rendered if doc.parsed is not None else "").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _cached_validator_hits(doc: SpecDocument, *, semantic: bool) -> Iterator[Hit]:
    cache: ValidationCache | None = doc.cache.get("validation_cache")
    if cache is None:
        yield from _validator_hits(doc, semantic=semantic)
        return
    key = _key(doc, semantic)
    hits = cache.get(key)
    if hits is None:
        hits = list(_validator_hits(doc, semantic=semantic))
        cache.put(key, hits)
    yield from hits


def validation_input(doc: SpecDocument) -> dict[str, Any]:
    """The document as the validators see it. AWS exports Swagger 2.0 with `host` holding a
    `{region}` variable, which the 2.0 schema's host pattern refuses; API Gateway imports it."""
    data = doc.data
    host = data.get("host")
    if doc.is_v2 and isinstance(host, str) and "{" in host:
        data = {**data, "host": re.sub(r"\{([^{}]*)\}", r"\1", host)}
    return data


def _reference_problems(doc: SpecDocument) -> Iterator[Hit]:
    # AWS notes: "$ref cannot be used to reference other files." A dangling local $ref would
    # also make openapi-spec-validator raise instead of reporting.
    for pointer, ref in _refs(doc.data, ()):
        if not isinstance(ref, str):
            yield Hit(f"{_pointer_text(pointer)}: $ref must be a string, not {_elide(repr(ref))}", pointer)
        elif not ref.startswith("#"):
            yield Hit(
                f"$ref {_elide(repr(ref))} points to another file; API Gateway imports a single document", pointer
            )
        elif not _resolves(doc.data, ref):
            yield Hit(f"$ref {_elide(repr(ref))} does not resolve within the document", pointer)


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
    data = validation_input(doc)
    verdict = fastcheck.verdict(data, is_v2=doc.is_v2, semantic=semantic)
    if verdict is fastcheck.Verdict.VALID:
        return
    yield from reference_hits(
        doc, data, semantic=semantic, structural_known_valid=verdict is fastcheck.Verdict.CHECK_SEMANTICS
    )


def reference_hits(
    doc: SpecDocument, data: dict[str, Any], *, semantic: bool, structural_known_valid: bool = False
) -> Iterator[Hit]:
    """openapi-spec-validator's findings (pure-Python jsonschema): the reference the fast path is
    held to, and the source of every OAS001 message."""
    # Imported here: it takes ~0.3 s and ordinary specs never need it.
    from jsonschema.validators import validator_for
    from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator

    cls = OpenAPIV2SpecValidator if doc.is_v2 else OpenAPIV30SpecValidator
    try:
        validator = cls(data)
        reported: set[tuple[Pointer, str]] = set()
        if not structural_known_valid:
            # The Python backend explicitly: with jsonschema-rs installed the package would pick it,
            # and its errors carry no sub-errors to explain a oneOf failure.
            schema = fastcheck.oas_schema(doc.is_v2)
            structural = validator_for(schema)(schema)
            for error in structural.iter_errors(data):
                hit = _structural_hit(doc, error)
                if (hit.pointer or (), hit.message) not in reported:
                    reported.add((hit.pointer or (), hit.message))
                    yield hit
        if reported or not semantic:
            return  # the semantic checks assume a structurally valid document
        for error in validator.root_validator(validator.schema_path):
            if not _greedy_parameter_noise(error):
                yield _semantic_hit(doc, error)
    except RecursionError:
        yield Hit("the document is nested too deeply for openapi-spec-validator", line=1)
    except Exception as exc:  # the validator raises on some broken documents instead of yielding
        yield Hit(f"openapi-spec-validator could not check the document: {_elide(str(exc), 200)}", line=1)


_UNRESOLVED = re.compile(r"Path parameter '([^']+)' for '[^']+' operation in '([^']+)' was not resolved")


def _greedy_parameter_noise(error: Exception) -> bool:
    """openapi-spec-validator does not know API Gateway's greedy path parameter {proxy+}: it reports
    both 'proxy' and 'proxy+' as unresolved although the operation declares `proxy`. Drop those two
    reports (APIGW002 checks the greedy segment itself)."""
    match = _UNRESOLVED.search(str(getattr(error, "message", error)))
    return match is not None and fastcheck.is_greedy_noise(match.group(1), match.group(2))


# -- messages ------------------------------------------------------------------------------------
def _is_reference_branch(errors: list[ValidationError], instance: Any) -> bool:
    """The `Reference` alternative of a Schema|Reference oneOf: it fails with "'$ref' is a required
    property" on anything that is not a reference, which is never the reason worth showing."""
    return not (isinstance(instance, dict) and "$ref" in instance) and any(
        e.validator == "required" and "'$ref'" in e.message for e in errors
    )


def best_error(error: ValidationError) -> ValidationError:
    """The shortest true reason of a failure: for a oneOf/anyOf, the alternative the value was
    evidently meant to be (not the $ref one, not one whose type does not even match), then the
    deepest error inside it."""
    if not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)
    candidates = [errs for errs in branches.values() if not _is_reference_branch(errs, error.instance)]
    candidates = candidates or list(branches.values())

    def mismatch(errs: list[ValidationError]) -> tuple[bool, int, int]:
        wrong_type = any(e.validator == "type" and not e.relative_path for e in errs)
        return wrong_type, len(errs), -max(len(e.absolute_path) for e in errs)

    chosen = min(candidates, key=mismatch)
    return best_error(max(chosen, key=lambda e: len(e.absolute_path)))


def _structural_hit(doc: SpecDocument, error: ValidationError) -> Hit:
    best = best_error(error)
    pointer = tuple(best.absolute_path)
    return Hit(f"{_pointer_text(pointer) or '/'}: {_reason(best)}", pointer)


def _reason(error: ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unexpected = _unexpected_keys(error)
        if unexpected:
            allowed = sorted(error.schema.get("properties") or {})
            extensions = " and x- extensions" if "^x-" in (error.schema.get("patternProperties") or {}) else ""
            listed = ", ".join(allowed[:15]) + (", ..." if len(allowed) > 15 else "")
            return _elide(
                f"unexpected key {', '.join(_elide(repr(k), 40) for k in unexpected[:5])}; "
                f"allowed here: {listed or 'nothing'}{extensions}",
                400,
            )
    message = " ".join(str(error.message).split())
    shown = repr(error.instance)
    if len(shown) > _MAX_VALUE and shown in message:
        message = message.replace(shown, _elide(shown))
    return _elide(message, 400)


def _unexpected_keys(error: ValidationError) -> list[str]:
    properties = error.schema.get("properties") or {}
    patterns = list((error.schema.get("patternProperties") or {}).keys())
    return [
        key
        for key in error.instance
        if key not in properties and not any(re.search(pattern, str(key)) for pattern in patterns)
    ]


def _semantic_hit(doc: SpecDocument, error: Exception) -> Hit:
    message = _elide(" ".join(str(getattr(error, "message", None) or error).split()), 400)
    path = tuple(getattr(error, "absolute_path", ()) or ())
    if path and _resolves(doc.data, "#" + _pointer_text(path)):
        return Hit(f"{_pointer_text(path)}: {message}", path)
    pointer = _pointer_from_message(doc, message)
    return Hit(f"{_pointer_text(pointer)}: {message}" if pointer else message, pointer)


def _pointer_from_message(doc: SpecDocument, message: str) -> Pointer:
    """Place errors the validator reports without a path (e.g. an unresolved path parameter of
    'get' in '/a/{id}') at the path and operation they quote."""
    quoted = _QUOTED.findall(message)
    paths = doc.paths
    for token in quoted:
        if token in paths:
            for method in quoted:
                if method in HTTP_METHODS and isinstance(paths[token], dict) and method in paths[token]:
                    return ("paths", token, method)
            return ("paths", token)
    return ()


def _pointer_text(pointer: Pointer) -> str:
    """RFC 6901 JSON pointer, e.g. /paths/~1orders~1{id}/get."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in pointer)


def _elide(text: str, limit: int = _MAX_VALUE) -> str:
    """Long values are cut in the middle, so both their start and the reason after them stay."""
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep]} … {text[-keep:]}"
