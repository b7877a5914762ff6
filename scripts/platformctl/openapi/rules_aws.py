"""Rules from AWS's list of OpenAPI features that API Gateway REST APIs do not import as written.

Source: "Amazon API Gateway important notes for REST APIs",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html
("API Gateway supports most of the OpenAPI 2.0 specification and the OpenAPI 3.0 specification,
with the following exceptions: ..."), and the quotas in "Amazon API Gateway quotas for configuring
and running a REST API". Each rule's docstring quotes the sentence it enforces.

Severity (see model.Severity): error when API Gateway rejects the import or the deployed API
silently behaves otherwise than the spec says; warning when the construct is ignored or only
affects SDK generation. AWS does not list which constructs produce import *warnings*; where a
public import log shows one (model names), the rule is an error, because the module imports with
fail_on_warnings = true and a warning fails the apply. `Rule.aws` records what AWS does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from platformctl.openapi.document import SchemaSite, SpecDocument
from platformctl.openapi.model import AwsVerdict, Hit, Pointer, Severity, rule

KNOWN_ISSUES_URL = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html"
MAX_DEFINITION_BYTES = 6 * 1024 * 1024
DEFAULT_RESOURCE_LIMIT = 300

_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9_\-.,:{}+]")
_PARAM_SEGMENT = re.compile(r"^\{[A-Za-z0-9_.\-]+\+?\}$")
_MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")
_RESERVED_ROOTS = ("ping", "sping")
_PRIMITIVE_TYPES = ("string", "number", "integer", "boolean")
# Validation keywords that API Gateway does not apply to input parameters.
_PARAMETER_CONSTRAINTS = (
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)


def _segments(path: str) -> list[str]:
    return path.split("/")[1:] if path != "/" else []


def _is_variable(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 20] + " … " + text[-15:]


# -- paths ---------------------------------------------------------------------------------------
@rule("APIGW001", "path segments use only letters, digits, _ - . , : and { }", aws=AwsVerdict.FAILS)
def path_segment_characters(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Path segments can only contain alphanumeric characters, underscores, hyphens, periods,
    commas, colons, and curly braces." API Gateway refuses to create such a resource."""
    for path in doc.paths:
        pointer = ("paths", path)
        if not path.startswith("/"):
            yield Hit(f"path {_shown(path)} must start with '/'", pointer)
            continue
        segments = _segments(path)
        if any(segment == "" for segment in segments):
            yield Hit(f"path {_shown(path)} has an empty segment ('//' or a trailing '/')", pointer)
        bad = sorted({c for c in _SEGMENT_CHARS.findall(path) if c != "/"})
        if bad:
            shown = " ".join(repr(c) for c in bad[:10])
            yield Hit(
                f"path {_shown(path)} contains {shown}; API Gateway allows only letters, digits, "
                "'_', '-', '.', ',', ':' and '{}' in path segments",
                pointer,
            )


@rule("APIGW002", "path parameters are whole segments ({id}, greedy {proxy+} last)", aws=AwsVerdict.FAILS)
def path_parameters_whole_segments(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Path parameters must be separate path segments. For example,
    "resource/{path_parameter_name}" is valid; "resource{path_parameter_name}" is not." A greedy
    {name+} matches the rest of the path, so it can only be the last segment."""
    for path in doc.paths:
        segments = _segments(path) if path.startswith("/") else []
        for index, segment in enumerate(segments):
            if "{" not in segment and "}" not in segment and "+" not in segment:
                continue
            if not _PARAM_SEGMENT.match(segment):
                yield Hit(
                    f"path {_shown(path)}: segment {_shown(segment)} mixes a parameter with other text; "
                    "path parameters must be whole segments such as /orders/{orderId}",
                    ("paths", path),
                )
            elif segment.endswith("+}") and index != len(segments) - 1:
                yield Hit(f"path {_shown(path)}: greedy parameter {segment} must be the last segment", ("paths", path))


@rule("APIGW012", "no /ping or /sping resources at the root", aws=AwsVerdict.UNDOCUMENTED)
def reserved_paths(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The /ping and /sping paths are reserved for the service health check. Use of these for
    API root-level resources with custom domains will fail to produce the expected result." The
    platform serves every API on a custom domain, so such a path silently answers something else."""
    for path in doc.paths:
        segments = _segments(path) if path.startswith("/") else []
        if segments and segments[0] in _RESERVED_ROOTS:
            yield Hit(
                f"path {_shown(path)}: /{segments[0]} at the API root is reserved by API Gateway for its health check",
                ("paths", path),
            )


@rule("APIGW023", "the API has at most 300 resources (the quota; configurable)", aws=AwsVerdict.FAILS)
def resource_quota(doc: SpecDocument) -> Iterator[Hit]:
    """AWS quotas for REST APIs: "Resources per API: 300" (can be increased on request). Every path
    segment is a resource (/a/b/c makes /a, /a/b and /a/b/c) and so is the root; an import beyond
    the quota fails. Pass the account's raised quota with --max-resources."""
    resources = {"/"}
    for path in doc.paths:
        if path.startswith("/"):
            segments = _segments(path)
            for end in range(1, len(segments) + 1):
                resources.add("/" + "/".join(segments[:end]))
    limit = doc.resource_limit
    if len(resources) > limit:
        yield Hit(
            f"the paths make {len(resources)} API Gateway resources (every path segment is one, plus the root); "
            f"the quota is {limit} resources per API: split the API, use a greedy {{proxy+}} path, or raise "
            "the quota and pass --max-resources",
            ("paths",),
        )


@rule("APIGW024", "sibling path variables share one name (/pets/{id} beside /pets/{id}/toys)", aws=AwsVerdict.FAILS)
def sibling_path_variables(doc: SpecDocument) -> Iterator[Hit]:
    """AWS (the CreateResource error that imports and CloudFormation stacks report): "A sibling ({id})
    of this resource already has a variable path part -- only one is allowed". A resource has at most
    one variable child, so /pets/{petId}/toys beside /pets/{id} is refused."""
    first: dict[str, tuple[str, str]] = {}  # parent resource -> (variable segment, path that set it)
    reported: set[tuple[str, str]] = set()
    for path in doc.paths:
        if not path.startswith("/"):
            continue
        segments = _segments(path)
        for index, segment in enumerate(segments):
            if not _is_variable(segment):
                continue
            parent = "/" + "/".join(segments[:index])
            if parent not in first:
                first[parent] = (segment, path)
            elif first[parent][0] != segment and (parent, segment) not in reported:
                reported.add((parent, segment))
                yield Hit(
                    f"path {_shown(path)}: {segment} under {parent} conflicts with {first[parent][0]} of "
                    f"{_shown(first[parent][1])}; API Gateway allows one variable per position: use the same name",
                    ("paths", path),
                )


# -- models and security schemes -------------------------------------------------------------------
@rule("APIGW003", "model (schema) names are alphanumeric", aws=AwsVerdict.WARNS)
def model_names(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Model names can only contain alphanumeric characters." The import reports "Model name
    must be alphanumeric" as a warning and skips the model, which fails under fail_on_warnings."""
    for name, pointer in doc.models:
        if not _MODEL_NAME.match(name):
            suggestion = re.sub("[^A-Za-z0-9]", "", name)
            yield Hit(
                f"model name {_shown(name)} must contain only letters and digits (API Gateway reports "
                f"'Model name must be alphanumeric'); e.g. {suggestion!r}",
                pointer,
            )


@rule("APIGW004", "securitySchemes are of type apiKey (Lambda authorizers)", aws=AwsVerdict.UNDOCUMENTED)
def security_scheme_type(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The securitySchemes type, if used, must be apiKey. However, OAuth 2 and HTTP Basic
    authentication are supported via Lambda authorizers; the OpenAPI configuration is achieved via
    vendor extensions." Another type leaves the operations that use it without an authorizer."""
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
            yield Hit(
                f"security scheme {_shown(name)} has type {_shown(kind)}; API Gateway imports only apiKey: {hint}",
                where,
            )


def _keyword_hits(
    doc: SpecDocument, keyword: str, *, models_only: bool = False
) -> Iterator[tuple[SchemaSite, Pointer]]:
    for site in doc.schemas:
        if keyword in site.obj and (site.in_model or not models_only):
            yield site, (*site.pointer, keyword)


@rule("APIGW005", "no discriminator in schemas", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def discriminator(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The discriminator parameter is not supported in any schema object." Models are JSON
    Schema draft 4, which has no discriminator: it is dropped, validation does not change."""
    for _, pointer in _keyword_hits(doc, "discriminator"):
        yield Hit("'discriminator' is not supported by API Gateway in any schema object and is ignored", pointer)


def _combinator_refs(obj: dict[str, Any]) -> Iterator[tuple[str, int]]:
    for keyword in ("oneOf", "anyOf", "allOf"):
        items = obj.get(keyword)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and "$ref" in item:
                yield keyword, index


@rule("APIGW006", "no $ref inside oneOf/anyOf/allOf (3.0) and no oneOf (2.0) in models", aws=AwsVerdict.UNDOCUMENTED)
def combinators(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "For OpenAPI 3.0, you can't have a oneOf, anyOf, or allOf that uses $ref to a definition
    within the same schema. You can either directly input your schema or define a separate API
    Gateway model resource." and "oneOf is not supported for OpenAPI 2.0 or SDK generation." """
    for site in doc.schemas:
        if not site.in_model:
            continue
        if doc.is_v2:
            if "oneOf" in site.obj:
                yield Hit(
                    "'oneOf' is not supported by API Gateway for OpenAPI 2.0; use OpenAPI 3.0 or a single schema",
                    (*site.pointer, "oneOf"),
                )
            continue
        for keyword, index in _combinator_refs(site.obj):
            yield Hit(
                f"'{keyword}' with a $ref is not imported by API Gateway for OpenAPI 3.0; write the referenced "
                "schema inline here",
                (*site.pointer, keyword, index, "$ref"),
            )


@rule("APIGW015", "no oneOf in OpenAPI 3.0 models (SDK generation)", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def one_of_sdk(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "oneOf is not supported for OpenAPI 2.0 or SDK generation." In 3.0 the model imports and
    validates; only the SDKs API Gateway generates cannot express it."""
    if doc.is_v2:
        return
    for _, pointer in _keyword_hits(doc, "oneOf", models_only=True):
        yield Hit(
            "'oneOf' is not supported by API Gateway's SDK generation (the import and validation keep it)", pointer
        )


@rule("APIGW008", "no example in schemas", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def example(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The example tag is not supported." An annotation: dropped, validation does not change."""
    for _, pointer in _keyword_hits(doc, "example"):
        yield Hit("'example' is not supported by API Gateway and is dropped; keep examples in the API docs", pointer)


@rule("APIGW009", "no exclusiveMinimum in models", aws=AwsVerdict.UNDOCUMENTED)
def exclusive_minimum(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "exclusiveMinimum is not supported by API Gateway." Without it, request validation
    accepts the boundary value the spec forbids: a silent change of behaviour."""
    for _, pointer in _keyword_hits(doc, "exclusiveMinimum", models_only=True):
        yield Hit(
            "'exclusiveMinimum' is not supported by API Gateway, so validation would accept the minimum itself; "
            "use 'minimum' with the next allowed value",
            pointer,
        )


@rule("APIGW010", "no readOnly", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def read_only(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The readOnly field is not supported." Draft 4 has no readOnly: it is dropped, so a
    client may send the property; use separate request and response models."""
    for _, pointer in _keyword_hits(doc, "readOnly"):
        yield Hit("'readOnly' is not supported by API Gateway; use separate request and response models", pointer)


def _format_is(site: SchemaSite, *formats: str) -> str | None:
    fmt = site.obj.get("format")
    return fmt if isinstance(fmt, str) and fmt.lower() in formats else None


@rule("APIGW011", "no int32/int64 format on type number", severity=Severity.WARNING, aws=AwsVerdict.UNDOCUMENTED)
def integer_format_on_number(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Numbers of the Int32 or Int64 type are not supported." (its example: type number, format
    int32). Draft 4 does not validate formats, so 1.5 passes: say integer with type: integer."""
    for site in doc.schemas:
        fmt = _format_is(site, "int32", "int64")
        if fmt and site.obj.get("type") == "number":
            yield Hit(
                f"format {fmt} on type number is not supported by API Gateway; use type: integer",
                (*site.pointer, "format"),
            )


@rule("APIGW016", "no format: decimal", severity=Severity.WARNING, aws=AwsVerdict.UNDOCUMENTED)
def decimal_format(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Decimal number format type ("format": "decimal") is not supported in a schema
    definition." """
    for site in doc.schemas:
        if _format_is(site, "decimal"):
            yield Hit(
                "format decimal is not supported by API Gateway; use type: number (with multipleOf for a scale)",
                (*site.pointer, "format"),
            )


@rule("APIGW019", "no deprecated (dropped on import)", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def deprecated(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The deprecated field is not supported and is dropped in exported APIs." """
    for op in doc.operations:
        if op.obj.get("deprecated") is True:
            yield Hit(
                f"{op.method.upper()} {op.path}: 'deprecated' is not supported by API Gateway and is dropped; "
                "announce deprecation in the API docs",
                (*op.pointer, "deprecated"),
            )
    for site in doc.schemas:
        if site.obj.get("deprecated") is True:
            yield Hit("'deprecated' is not supported by API Gateway and is dropped", (*site.pointer, "deprecated"))


@rule("APIGW020", "no minItems/maxItems in models (not validated)", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def item_counts(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The maxItems and minItems tags are not included in simple request validation. To work
    around this, update the model after import before doing validation." """
    for site in doc.schemas:
        if site.in_model:
            for keyword in ("minItems", "maxItems"):
                if keyword in site.obj:
                    yield Hit(
                        f"'{keyword}' is not applied by API Gateway's request validation; the backend must check it",
                        (*site.pointer, keyword),
                    )


@rule("APIGW021", "no nullable in models", aws=AwsVerdict.UNDOCUMENTED)
def nullable(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The nullable field is not supported." Models are draft 4, so a request whose value is
    null, which the spec allows, fails validation with 400: a silent change of behaviour."""
    for _, pointer in _keyword_hits(doc, "nullable", models_only=True):
        if _get(doc.data, pointer) is True:
            yield Hit(
                "'nullable' is not supported by API Gateway: request validation rejects null here although "
                "the spec allows it; make the property optional instead",
                pointer,
            )


@rule("APIGW022", "no default in schemas", severity=Severity.WARNING, aws=AwsVerdict.IGNORES)
def default(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "The default keyword is not supported." API Gateway never fills in defaults; the
    backend has to."""
    for _, pointer in _keyword_hits(doc, "default"):
        yield Hit("'default' is not supported by API Gateway; the backend must apply the default", pointer)


@rule(
    "APIGW018",
    "input parameters carry no validation keywords (ignored)",
    severity=Severity.WARNING,
    aws=AwsVerdict.IGNORES,
)
def parameter_constraints(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "For input parameters, only the following attributes are supported: name, in, required,
    type, description. Other attributes are ignored." Request validation only checks that
    required parameters are present; constraints on their values are not applied."""
    for site in doc.schemas:
        if site.in_model or "parameters" not in site.pointer:
            continue
        used = [k for k in _PARAMETER_CONSTRAINTS if k in site.obj]
        if used:
            yield Hit(
                f"{', '.join(used)} on an input parameter {'is' if len(used) == 1 else 'are'} ignored by API Gateway "
                "(it only checks that required parameters are present); the backend must validate the value",
                (*site.pointer, used[0]),
            )


# -- responses -----------------------------------------------------------------------------------
@rule("APIGW014", "operation responses are inline, not $ref to root-level responses", aws=AwsVerdict.UNDOCUMENTED)
def response_references(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "Response definitions of the "500": {"$ref": "#/responses/UnexpectedError"} form is not
    supported in the OpenAPI document root. To work around this, replace the reference by the
    inline schema." """
    for op in doc.operations:
        responses = op.obj.get("responses")
        if not isinstance(responses, dict):
            continue
        for code, response in responses.items():
            if isinstance(response, dict) and "$ref" in response:
                yield Hit(
                    f"response {code} of {op.method.upper()} {op.path} is a $ref to {_shown(response['$ref'])}; "
                    "API Gateway does not import references to root-level responses: inline the response",
                    (*op.pointer, "responses", code, "$ref"),
                )


@rule("APIGW017", "method response schemas are objects or $ref, not inline primitives", aws=AwsVerdict.UNDOCUMENTED)
def primitive_response_schemas(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "In method responses, schema definition must be of an object type and cannot be of
    primitive types. For example, "schema": { "type": "string"} is not supported. However, you can
    work around this using the following object type: "schema": {"$ref": "#/definitions/StringResponse"}"."""
    for schema, pointer in doc.response_schemas:
        if isinstance(schema, dict) and "$ref" not in schema and schema.get("type") in _PRIMITIVE_TYPES:
            yield Hit(
                f"an inline response schema of type {schema['type']} is not supported by API Gateway; "
                "move it to a named model and reference it with $ref",
                (*pointer, "type"),
            )


# -- document ------------------------------------------------------------------------------------
@rule("APIGW013", "rendered definition at most 6 MB", suppressible=False, aws=AwsVerdict.FAILS)
def definition_size(doc: SpecDocument) -> Iterator[Hit]:
    """AWS quotas for REST APIs: an imported OpenAPI definition is at most 6 MB ("API definition
    file size when you import"); larger bodies are refused."""
    size = doc.rendered_size
    if size > MAX_DEFINITION_BYTES:
        yield Hit(
            f"the rendered definition is {size / 1048576:.1f} MB ({size} bytes); API Gateway imports at most 6 MB "
            f"({MAX_DEFINITION_BYTES} bytes): split the API or move shared schemas out",
            line=1,
        )


@rule(
    "APIGW025",
    "no root-level security (API Gateway ignores it)",
    severity=Severity.WARNING,
    suppressible=False,
    aws=AwsVerdict.IGNORES,
)
def root_security(doc: SpecDocument) -> Iterator[Hit]:
    """AWS: "API Gateway doesn't use root level security defined in the OpenAPI specification.
    Hence security needs to be defined at an operation level to be appropriately applied." An
    operation that relies on it is public; PLAT003 reports each such operation as an error."""
    if "security" not in doc.data:
        return
    relying = [op for op in doc.operations if "security" not in op.obj]
    detail = (
        f"; {len(relying)} operation(s) rely on it and are unauthenticated"
        if relying
        else "; every operation sets its own"
    )
    yield Hit(f"root-level 'security' is ignored by API Gateway{detail}: set security on each operation", ("security",))


def _get(data: Any, pointer: Pointer) -> Any:
    for part in pointer:
        data = data[part]
    return data
