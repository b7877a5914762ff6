"""Rules from AWS's list of OpenAPI features that API Gateway REST APIs do not import.

Source: "Amazon API Gateway important notes for REST APIs",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html
(section "Amazon API Gateway important notes for REST APIs": "API Gateway supports most of the
OpenAPI 2.0 specification and the OpenAPI 3.0 specification, with the following exceptions").
The 6 MB limit on an imported definition is in the API Gateway quotas for REST APIs.

Each rule quotes the note it enforces. With `fail_on_warnings = true` (as the module sets) most of
these reject the import; without it API Gateway silently drops the construct, which is worse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from platformctl.openapi.document import SpecDocument
from platformctl.openapi.model import Hit, rule

KNOWN_ISSUES_URL = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html"
MAX_DEFINITION_BYTES = 6 * 1024 * 1024

# "Path segments can only contain alphanumeric characters, underscores, hyphens, periods, commas,
# colons, and curly braces." ('+' only inside a greedy {proxy+} parameter, see APIGW002.)
_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9_\-.,:{}+]")
# "Path parameters must be separate path segments": {name} or greedy {name+}, nothing around it.
_PARAM_SEGMENT = re.compile(r"^\{[A-Za-z0-9_.\-]+\+?\}$")
# "Model names can only contain alphanumeric characters."
_MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")
_RESERVED_ROOTS = ("ping", "sping")


def _segments(path: str) -> list[str]:
    return path.split("/")[1:] if path != "/" else []


@rule("APIGW001", "path segments use only letters, digits, _ - . , : and { }")
def path_segment_characters(doc: SpecDocument) -> Iterator[Hit]:
    for path in doc.data.get("paths") or {}:
        pointer = ("paths", path)
        if not path.startswith("/"):
            yield Hit(f"path {path!r} must start with '/'", pointer)
            continue
        segments = _segments(path)
        if any(segment == "" for segment in segments):
            yield Hit(f"path {path!r} has an empty segment ('//' or a trailing '/')", pointer)
        bad = sorted({c for c in _SEGMENT_CHARS.findall(path) if c != "/"})
        if bad:
            shown = " ".join(repr(c) for c in bad)
            yield Hit(
                f"path {path!r} contains {shown}; API Gateway allows only letters, digits, "
                "'_', '-', '.', ',', ':' and '{}' in path segments",
                pointer,
            )


@rule("APIGW002", "path parameters are whole segments ({id}, greedy {proxy+} last)")
def path_parameters_whole_segments(doc: SpecDocument) -> Iterator[Hit]:
    for path in doc.data.get("paths") or {}:
        segments = _segments(path) if path.startswith("/") else []
        for index, segment in enumerate(segments):
            if "{" not in segment and "}" not in segment and "+" not in segment:
                continue
            if not _PARAM_SEGMENT.match(segment):
                yield Hit(
                    f"path {path!r}: segment {segment!r} mixes a parameter with other text; "
                    "path parameters must be whole segments such as /orders/{orderId}",
                    ("paths", path),
                )
            elif segment.endswith("+}") and index != len(segments) - 1:
                yield Hit(f"path {path!r}: greedy parameter {segment} must be the last segment", ("paths", path))


@rule("APIGW003", "model (schema) names are alphanumeric")
def model_names(doc: SpecDocument) -> Iterator[Hit]:
    for name, pointer in doc.models:
        if not _MODEL_NAME.match(name):
            suggestion = re.sub("[^A-Za-z0-9]", "", name)
            yield Hit(
                f"model name {name!r} must contain only letters and digits (API Gateway rejects it: "
                f"'Model name must be alphanumeric'); e.g. {suggestion!r}",
                pointer,
            )


@rule("APIGW004", "securitySchemes are of type apiKey (Lambda authorizers)")
def security_scheme_type(doc: SpecDocument) -> Iterator[Hit]:
    # "The securitySchemes type, if used, must be apiKey. However, OAuth 2 and HTTP Basic
    # authentication are supported via Lambda authorizers."
    for name, scheme, pointer in doc.security_schemes:
        if not isinstance(scheme, dict) or "$ref" in scheme:
            continue
        kind = scheme.get("type")
        if kind != "apiKey":
            where = (*pointer, "type") if "type" in scheme else pointer
            hint = (
                'use type: "${authorizer_type}" (the module renders apiKey)'
                if "x-amazon-apigateway-authorizer" in scheme
                else "model OAuth 2 / HTTP auth as a Lambda authorizer with type apiKey"
            )
            yield Hit(f"security scheme {name!r} has type {kind!r}; API Gateway imports only apiKey: {hint}", where)


def _schemas_with(doc: SpecDocument, keyword: str, *, models_only: bool = False) -> Iterator[Hit]:
    for site in doc.schemas:
        if keyword in site.obj and (site.in_model or not models_only):
            yield Hit("", (*site.pointer, keyword))


@rule("APIGW005", "no discriminator in schemas")
def discriminator(doc: SpecDocument) -> Iterator[Hit]:
    # "The discriminator parameter is not supported in any schema object."
    for hit in _schemas_with(doc, "discriminator"):
        yield Hit("'discriminator' is not supported by API Gateway in any schema object", hit.pointer)


@rule("APIGW006", "no oneOf/anyOf in models")
def one_of_any_of(doc: SpecDocument) -> Iterator[Hit]:
    # "The additionalProperties and anyOf keywords are not supported in Models." / "oneOf is not
    # supported for OpenAPI 2.0 or SDK generation." / 3.0: no oneOf/anyOf/allOf with $ref inside.
    for keyword in ("oneOf", "anyOf"):
        for hit in _schemas_with(doc, keyword, models_only=True):
            yield Hit(
                f"'{keyword}' in a model is not supported by API Gateway request validation and SDK generation; "
                "use a single object schema or split the operation",
                hit.pointer,
            )


@rule("APIGW007", "no additionalProperties in models")
def additional_properties(doc: SpecDocument) -> Iterator[Hit]:
    for hit in _schemas_with(doc, "additionalProperties", models_only=True):
        yield Hit("'additionalProperties' is not supported in API Gateway models", hit.pointer)


@rule("APIGW008", "no example in schemas")
def example(doc: SpecDocument) -> Iterator[Hit]:
    # "The example tag is not supported."
    for hit in _schemas_with(doc, "example"):
        yield Hit("'example' is not supported by API Gateway; move examples to the API documentation", hit.pointer)


@rule("APIGW009", "no exclusiveMinimum")
def exclusive_minimum(doc: SpecDocument) -> Iterator[Hit]:
    # "exclusiveMinimum is not supported by API Gateway."
    for hit in _schemas_with(doc, "exclusiveMinimum"):
        yield Hit("'exclusiveMinimum' is not supported by API Gateway; use 'minimum' with the next value", hit.pointer)


@rule("APIGW010", "no readOnly")
def read_only(doc: SpecDocument) -> Iterator[Hit]:
    # "The readOnly field is not supported."
    for hit in _schemas_with(doc, "readOnly"):
        yield Hit("'readOnly' is not supported by API Gateway; use separate request and response models", hit.pointer)


@rule("APIGW011", "no int32/int64 format on type number")
def integer_format_on_number(doc: SpecDocument) -> Iterator[Hit]:
    # "Numbers of the Int32 or Int64 type are not supported." (the AWS example: type number,
    # format int32)
    for site in doc.schemas:
        fmt = site.obj.get("format")
        if site.obj.get("type") == "number" and isinstance(fmt, str) and fmt.lower() in ("int32", "int64"):
            yield Hit(
                f"format {fmt} on type number is not supported by API Gateway; use type: integer",
                (*site.pointer, "format"),
            )


@rule("APIGW012", "no /ping or /sping resources at the root")
def reserved_paths(doc: SpecDocument) -> Iterator[Hit]:
    # "The paths /ping and /sping are reserved for the service health check."
    for path in doc.data.get("paths") or {}:
        segments = _segments(path) if path.startswith("/") else []
        if segments and segments[0] in _RESERVED_ROOTS:
            yield Hit(
                f"path {path!r}: /{segments[0]} at the API root is reserved by API Gateway for its health check",
                ("paths", path),
            )


@rule("APIGW013", "rendered definition at most 6 MB", suppressible=False)
def definition_size(doc: SpecDocument) -> Iterator[Hit]:
    size = doc.rendered_size
    if size > MAX_DEFINITION_BYTES:
        yield Hit(
            f"the rendered definition is {size / 1048576:.1f} MB ({size} bytes); API Gateway imports at most 6 MB "
            f"({MAX_DEFINITION_BYTES} bytes): split the API or move shared schemas out",
            line=1,
        )


@rule("APIGW014", "operation responses are inline, not $ref to root-level responses")
def response_references(doc: SpecDocument) -> Iterator[Hit]:
    # "Response definitions of the "500": {"$ref": "#/responses/UnexpectedError"} form is not
    # supported in the OpenAPI document root. To work around this, replace the reference by the
    # inline schema."
    for op in doc.operations:
        responses = op.obj.get("responses")
        if not isinstance(responses, dict):
            continue
        for code, response in responses.items():
            if isinstance(response, dict) and "$ref" in response:
                yield Hit(
                    f"response {code} of {op.method.upper()} {op.path} is a $ref to {response['$ref']!r}; "
                    "API Gateway does not import references to root-level responses: inline the response",
                    (*op.pointer, "responses", code, "$ref"),
                )
