"""Platform rules: what the api-gateway-openapi module and the platform's security baseline need.

Also the two vendor extensions that make exceptions explicit and reviewed:

- `x-platform-lint-ignore: [{rule: APIGW006, reason: "..."}]` on an operation, a path item (for
  path rules) or a named model silences that rule there;
- `x-platform-public: {reason: "..."}` on an operation allows it without `security`.

Both need a non-empty reason: an exception nobody explained is itself an error (PLAT006).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from platformctl.openapi.document import IGNORE_KEY, INTEGRATION_KEY, PUBLIC_KEY, SpecDocument
from platformctl.openapi.model import RETIRED_RULES, RULES, Hit, Pointer, Severity, rule

_PROXY_TYPES = ("http_proxy", "http")


# -- integrations --------------------------------------------------------------------------------
@rule("PLAT001", "every operation has an x-amazon-apigateway-integration")
def integration_present(doc: SpecDocument) -> Iterator[Hit]:
    for op in doc.operations:
        if not isinstance(op.obj.get(INTEGRATION_KEY), dict):
            yield Hit(
                f"{op.method.upper()} {op.path} has no {INTEGRATION_KEY}; without it the import creates a method "
                "that answers 500 (add an http_proxy integration over the VPC link)",
                op.pointer,
            )


@rule("PLAT002", "http_proxy integrations with connectionId set connectionType VPC_LINK")
def vpc_link_connection_type(doc: SpecDocument) -> Iterator[Hit]:
    # AWS, "Set up API with private integrations using OpenAPI": connectionType must be set
    # explicitly to VPC_LINK next to connectionId, otherwise the integration goes to the internet.
    for op in doc.operations:
        integration = op.obj.get(INTEGRATION_KEY)
        if not isinstance(integration, dict):
            continue
        base = (*op.pointer, INTEGRATION_KEY)
        kind = str(integration.get("type", "")).lower()
        connection_type = integration.get("connectionType")
        if kind in _PROXY_TYPES and "connectionId" in integration and connection_type != "VPC_LINK":
            where = (*base, "connectionType") if "connectionType" in integration else (*base, "connectionId")
            yield Hit(
                f"{op.method.upper()} {op.path}: integration has connectionId but connectionType is "
                f"{'missing' if connection_type is None else repr(connection_type)}; "
                "set connectionType: VPC_LINK for a private integration",
                where,
            )
        elif connection_type == "VPC_LINK" and "connectionId" not in integration:
            yield Hit(
                f'{op.method.upper()} {op.path}: connectionType VPC_LINK needs connectionId: "${{vpc_link_id}}"',
                (*base, "connectionType"),
            )


# -- security ------------------------------------------------------------------------------------
def is_cors_preflight(method: str, operation: dict[str, Any]) -> bool:
    """An OPTIONS method answered by a mock integration: the CORS preflight. Browsers send it
    without credentials (Fetch standard: "a CORS-preflight request never includes credentials"),
    so it cannot carry an authorizer, and no client calls it by name."""
    integration = operation.get(INTEGRATION_KEY)
    return method == "options" and isinstance(integration, dict) and str(integration.get("type", "")).lower() == "mock"


def _public_reason(marker: Any) -> str | None:
    if isinstance(marker, dict) and isinstance(marker.get("reason"), str) and marker["reason"].strip():
        return marker["reason"]
    return None


@rule("PLAT003", "every operation has security unless marked x-platform-public with a reason")
def operation_security(doc: SpecDocument) -> Iterator[Hit]:
    """The platform's baseline: every method is authenticated by the Lambda authorizer unless the
    spec says why it is public. AWS: "API Gateway doesn't use root level security defined in the
    OpenAPI specification. Hence security needs to be defined at an operation level to be
    appropriately applied." """
    schemes = {name for name, _, _ in doc.security_schemes}
    root_note = " (the root-level security is ignored by API Gateway)" if "security" in doc.data else ""
    for op in doc.operations:
        if PUBLIC_KEY in op.obj or is_cors_preflight(op.method, op.obj):
            continue  # a valid marker exempts; an invalid one is PLAT006
        security = op.obj.get("security")
        label = f"{op.method.upper()} {op.path}"
        if security is None:
            yield Hit(
                f"{label} has no security{root_note}; add `security: [{{lambda-authorizer: []}}]` or mark it "
                f"`{PUBLIC_KEY}: {{reason: ...}}`",
                op.pointer,
            )
            continue
        pointer = (*op.pointer, "security")
        requirements = security if isinstance(security, list) else []
        if not any(isinstance(r, dict) and r for r in requirements):
            yield Hit(
                f"{label}: security is empty or allows anonymous access ({{}}); reference the authorizer or mark "
                f"the operation `{PUBLIC_KEY}: {{reason: ...}}`",
                pointer,
            )
            continue
        for requirement in requirements:
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in schemes:
                    yield Hit(f"{label}: security references unknown scheme {name!r}", pointer)


# -- template variables --------------------------------------------------------------------------
@rule("PLAT004", "every ${var} placeholder is supplied by the module or the catalog entry", suppressible=False)
def template_placeholders(doc: SpecDocument) -> Iterator[Hit]:
    supplied = doc.module_vars | set(doc.catalog_vars)
    for name, var in sorted(doc.catalog_vars.items()):
        if name in doc.module_vars:
            yield Hit(
                f"catalog variable {name!r} is owned by the platform module and cannot be set by the catalog",
                line=var.line or 1,
                file=var.file,
            )
    for p in doc.placeholders:
        if p.kind == "variable" and p.name not in supplied:
            yield Hit(
                f"template variable {p.text} is supplied neither by the platform module "
                f"({', '.join(sorted(doc.module_vars))}) nor by the catalog entry's template_vars"
                f"{' (' + ', '.join(sorted(doc.catalog_vars)) + ')' if doc.catalog_vars else ''}; "
                f"add it to template_vars or, for a literal that API Gateway must see, write $${p.text[1:]}",
                line=p.line,
            )
        elif p.kind == "expression":
            yield Hit(
                f"{p.text} is a template expression; specs may only use plain ${{name}} placeholders "
                f"(escape a runtime reference as $${p.text[1:]})",
                line=p.line,
            )
        elif p.kind == "directive":
            yield Hit(f"{p.text} is a template directive; escape a literal '%{{' as '%%{{'", line=p.line)
        elif p.kind == "unterminated":
            yield Hit(f"unterminated {p.text} on this line; templatefile() cannot render it", line=p.line)


@rule("PLAT005", "every catalog template variable is used by the spec", severity=Severity.WARNING, suppressible=False)
def unused_catalog_variables(doc: SpecDocument) -> Iterator[Hit]:
    used = {p.name for p in doc.placeholders if p.kind == "variable"}
    for name, var in sorted(doc.catalog_vars.items()):
        if name not in used and name not in doc.module_vars:
            yield Hit(
                f"catalog template variable {name!r} is never used by {doc.file}; remove it from template_vars",
                line=var.line or 1,
                file=var.file,
            )


# -- exceptions (suppressions and public operations) ---------------------------------------------
@dataclass(frozen=True, slots=True)
class Suppression:
    rule: str
    reason: str
    scope: Pointer  # the object carrying the extension; findings inside it are silenced
    pointer: Pointer  # the list item, for the line of PLAT007


def _allowed_ignore_scopes(doc: SpecDocument) -> set[Pointer]:
    scopes: set[Pointer] = {op.pointer for op in doc.operations}
    scopes.update(("paths", path) for path in doc.paths)
    scopes.update(pointer for _, pointer in doc.models)
    return scopes


def _find_key(value: Any, key: str, pointer: Pointer, out: list[Pointer]) -> None:
    if isinstance(value, dict):
        if key in value:
            out.append(pointer)
        for k, v in value.items():
            if isinstance(v, dict | list):
                _find_key(v, key, (*pointer, k), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                _find_key(item, key, (*pointer, index), out)


def marker_locations(doc: SpecDocument, key: str) -> list[Pointer]:
    """Pointers of every object that carries `key` (cheap when the text never mentions it)."""
    if key not in doc.text:
        return []
    found: list[Pointer] = []
    _find_key(doc.data, key, (), found)
    return found


def collect_suppressions(doc: SpecDocument) -> tuple[list[Suppression], list[Hit]]:
    """Valid suppressions, and PLAT006 hits for malformed or misplaced ones (computed once per doc)."""
    cached = doc.cache.get("suppressions")
    if cached is None:
        cached = doc.cache["suppressions"] = _collect_suppressions(doc)
    return cached


def _collect_suppressions(doc: SpecDocument) -> tuple[list[Suppression], list[Hit]]:
    suppressions: list[Suppression] = []
    problems: list[Hit] = []
    allowed = _allowed_ignore_scopes(doc)
    for scope in marker_locations(doc, IGNORE_KEY):
        key_pointer = (*scope, IGNORE_KEY)
        if scope not in allowed:
            problems.append(
                Hit(f"{IGNORE_KEY} is only allowed on an operation, a path item or a named model", key_pointer)
            )
            continue
        entries = _get(doc.data, key_pointer)
        if not isinstance(entries, list) or not entries:
            problems.append(Hit(f"{IGNORE_KEY} must be a list of {{rule: <id>, reason: <why>}}", key_pointer))
            continue
        for index, entry in enumerate(entries):
            item_pointer = (*key_pointer, index)
            rule_id = entry.get("rule") if isinstance(entry, dict) else None
            reason = entry.get("reason") if isinstance(entry, dict) else None
            unknown_keys = sorted(set(entry) - {"rule", "reason"}) if isinstance(entry, dict) else []
            if not isinstance(entry, dict) or unknown_keys:
                problems.append(Hit(f"each {IGNORE_KEY} entry is {{rule: <id>, reason: <why>}}", item_pointer))
            elif rule_id in RETIRED_RULES and isinstance(reason, str):
                suppressions.append(Suppression(rule_id, reason.strip(), scope, item_pointer))
            elif rule_id not in RULES:
                problems.append(Hit(f"{IGNORE_KEY}: unknown rule {rule_id!r}", item_pointer))
            elif not RULES[rule_id].suppressible:
                problems.append(Hit(f"{IGNORE_KEY}: rule {rule_id} cannot be ignored per operation", item_pointer))
            elif not isinstance(reason, str) or not reason.strip():
                problems.append(
                    Hit(
                        f"{IGNORE_KEY}: ignoring {rule_id} needs a non-empty reason (why is it safe here?)",
                        item_pointer,
                    )
                )
            else:
                suppressions.append(Suppression(rule_id, reason.strip(), scope, item_pointer))
    operation_pointers = {op.pointer for op in doc.operations}
    for scope in marker_locations(doc, PUBLIC_KEY):
        key_pointer = (*scope, PUBLIC_KEY)
        if scope not in operation_pointers:
            problems.append(Hit(f"{PUBLIC_KEY} is only allowed on an operation", key_pointer))
        elif _public_reason(_get(doc.data, key_pointer)) is None:
            problems.append(
                Hit(
                    f"{PUBLIC_KEY} needs a non-empty reason: `{PUBLIC_KEY}: {{reason: <why anyone may call it>}}`",
                    key_pointer,
                )
            )
    return suppressions, problems


def _get(data: Any, pointer: Pointer) -> Any:
    for part in pointer:
        data = data[part]
    return data


@rule("PLAT006", f"{IGNORE_KEY} and {PUBLIC_KEY} are well-formed and give a reason", suppressible=False)
def exception_markers(doc: SpecDocument) -> Iterator[Hit]:
    _, problems = collect_suppressions(doc)
    yield from problems


@rule("PLAT008", "every operation has an operationId", severity=Severity.INFO)
def operation_ids(doc: SpecDocument) -> Iterator[Hit]:
    """Platform advice: API Gateway names generated SDK methods and documentation parts after the
    operationId, and dashboards read better with stable names than with METHOD /path."""
    for op in doc.operations:
        if is_cors_preflight(op.method, op.obj):
            continue
        if not isinstance(op.obj.get("operationId"), str) or not op.obj["operationId"].strip():
            yield Hit(f"{op.method.upper()} {op.path} has no operationId; name it (e.g. getOrder)", op.pointer)


@rule("PLAT007", f"every {IGNORE_KEY} entry silences a finding", severity=Severity.WARNING, suppressible=False)
def unused_suppressions(doc: SpecDocument) -> Iterator[Hit]:
    # Computed by the engine, which alone knows which suppressions matched a finding.
    return iter(())


# -- request validation --------------------------------------------------------------------------
VALIDATORS_KEY = "x-amazon-apigateway-request-validators"
VALIDATOR_KEY = "x-amazon-apigateway-request-validator"
# Path parameters are left out: a request whose path lacks one never matches the route, so a
# validator can add nothing there.
_VALIDATED_PARAMETER_LOCATIONS = ("query", "header")


@dataclass(frozen=True, slots=True)
class ValidationNeed:
    """What API Gateway's basic validation of one operation has to cover."""

    body: bool
    parameters: tuple[str, ...]  # required query and header parameters, as `in.name`

    @property
    def any(self) -> bool:
        return self.body or bool(self.parameters)


def _resolve_local(doc: SpecDocument, value: Any) -> Any:
    """A `#/...` reference resolved inside the document (one level; broken ones stay as written)."""
    ref = value.get("$ref") if isinstance(value, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return value
    target: Any = doc.data
    for part in ref[2:].split("/"):
        if not isinstance(target, dict) or part not in target:
            return value
        target = target[part]
    return target


def validation_need(doc: SpecDocument, path: str, operation: dict[str, Any]) -> ValidationNeed:
    item = doc.paths.get(path)
    declared = [*_param_list(item.get("parameters") if isinstance(item, dict) else None)]
    declared += _param_list(operation.get("parameters"))
    body = isinstance(_resolve_local(doc, operation.get("requestBody")), dict)
    required: list[str] = []
    for raw in declared:
        param = _resolve_local(doc, raw)
        if not isinstance(param, dict):
            continue
        where = param.get("in")
        if where == "body":  # OpenAPI 2.0 carries the body as a parameter
            body = True
        elif where in _VALIDATED_PARAMETER_LOCATIONS and param.get("required") is True:
            label = f"{where}.{param.get('name')}"
            if label not in required:
                required.append(label)
    return ValidationNeed(body, tuple(required))


def _param_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def request_validators(doc: SpecDocument) -> dict[str, dict[str, Any]]:
    """The document's validators by name (`x-amazon-apigateway-request-validators`)."""
    declared = doc.data.get(VALIDATORS_KEY)
    if not isinstance(declared, dict):
        return {}
    return {name: v for name, v in declared.items() if isinstance(name, str) and isinstance(v, dict)}


def selected_validator(doc: SpecDocument, operation: dict[str, Any]) -> str | None:
    """The validator an operation asks for: its own, else the document default."""
    for source in (operation, doc.data):
        name = source.get(VALIDATOR_KEY)
        if isinstance(name, str) and name.strip():
            return name
    return None


@rule("PLAT009", "operations with a body or required parameters name a request validator that checks them")
def request_validation(doc: SpecDocument) -> Iterator[Hit]:
    """The platform's baseline: what the spec declares about a request is enforced at the edge.
    Without a request validator API Gateway checks neither the body against its model nor the
    presence of required query and header parameters (path parameters are implied by the route).
    AWS ("Request validation for REST APIs in API Gateway"): "When the validation fails, API
    Gateway immediately fails the request, returns a 400 error response to the caller, and
    publishes the validation results in CloudWatch Logs. This reduces unnecessary calls to the
    backend." Set x-amazon-apigateway-request-validator on the operation or as the document
    default, naming an entry of x-amazon-apigateway-request-validators."""
    validators = request_validators(doc)
    defined = ", ".join(sorted(validators)) or f"none: define them in {VALIDATORS_KEY}"
    for op in doc.operations:
        if is_cors_preflight(op.method, op.obj):
            continue
        label = f"{op.method.upper()} {op.path}"
        need = validation_need(doc, op.path, op.obj)
        name = selected_validator(doc, op.obj)
        own = VALIDATOR_KEY in op.obj
        where = (*op.pointer, VALIDATOR_KEY) if own else op.pointer
        if name is not None and name not in validators:
            source = "" if own else " (the document default)"
            yield Hit(f"{label}: request validator {name!r}{source} is not defined (defined: {defined})", where)
            continue
        if not need.any:
            continue
        body_words = "a request body"
        params_words = f"required parameters {', '.join(need.parameters)}"
        wanted = ([body_words] if need.body else []) + ([params_words] if need.parameters else [])
        if name is None:
            yield Hit(
                f"{label} has {' and '.join(wanted)} but no request validator, so API Gateway does not validate the "
                f"request; set {VALIDATOR_KEY} (validators: {defined}) or waive PLAT009 with a reason",
                op.pointer,
            )
            continue
        validator = validators[name]
        gaps = [
            (flag, words)
            for flag, needed, words in (
                ("validateRequestBody", need.body, body_words),
                ("validateRequestParameters", bool(need.parameters), params_words),
            )
            if needed and validator.get(flag) is not True
        ]
        if gaps:
            yield Hit(
                f"{label}: request validator {name!r} does not set {' and '.join(f for f, _ in gaps)}: true, so "
                f"API Gateway does not check {' and '.join(w for _, w in gaps)}; choose a validator that does",
                where,
            )
