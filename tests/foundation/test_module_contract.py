"""Each input sub-model and the module it feeds agree: names, types, and what is optional.

This is what makes a new module input a two-line change: a field in the model and a variable in the
module. If either side is missing, named differently, typed differently, or optional on one side
only, this test says which module, which variable and what differs.
"""

from __future__ import annotations

import json
from typing import Any

import hcl2
import pytest

from platformctl.catalog import tftypes
from platformctl.catalog.inputs import MODULE_INPUTS, EnvironmentInputs, ModuleInputs
from platformctl.paths import MODULES_DIR

MODELS = sorted({model.__name__: model for model in MODULE_INPUTS.values()}.items())


def _literal(value: Any) -> Any:
    """python-hcl2 keeps string literals quoted; unquote them (recursively) to compare defaults."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if isinstance(value, dict):
        return {_literal(k): _literal(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value


def module_variables(module: str) -> dict[str, dict[str, Any]]:
    with open(MODULES_DIR / module / "variables.tf", encoding="utf-8") as handle:
        document = hcl2.load(handle)
    variables = {}
    for block in document.get("variable", []):
        for name, body in block.items():
            if "default" in body:
                body = {**body, "default": _literal(body["default"])}
            variables[name.strip('"')] = body
    return variables


def _schema(model: type[ModuleInputs]) -> tuple[dict[str, Any], dict[str, Any]]:
    schema = model.model_json_schema(mode="serialization")
    return schema, schema.get("$defs", {})


def _deref(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without $ref and without a null branch; and whether null was allowed."""
    nullable = False
    while True:
        if "$ref" in schema:
            schema = {**defs[schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
            continue
        if "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            nullable = nullable or len(options) < len(schema["anyOf"])
            assert len(options) == 1, f"union types have no Terraform equivalent: {schema}"
            schema = {**options[0], **{k: v for k, v in schema.items() if k not in ("anyOf",)}}
            continue
        return schema, nullable


def effective_default(tf: tftypes.TfType, value: Any) -> Any:
    """What Terraform makes of a default: an object default gets its attributes' own defaults."""
    if tf.kind != "object" or not isinstance(value, dict):
        return value
    result = {}
    for name, attribute in tf.attributes.items():
        if name in value:
            result[name] = effective_default(attribute.type, value[name])
        elif attribute.optional:
            result[name] = effective_default(attribute.type, attribute.default) if attribute.has_default else None
    return result


def mismatches(path: str, schema: dict[str, Any], defs: dict[str, Any], tf: tftypes.TfType) -> list[str]:
    schema, _ = _deref(schema, defs)
    kind = schema.get("type")
    if kind is None and ("enum" in schema or "const" in schema):
        kind = "string" if isinstance((schema.get("enum") or [schema.get("const")])[0], str) else "number"
    expected = {"string": "string", "integer": "number", "number": "number", "boolean": "bool", "array": "list"}
    if tf.kind == "any":
        return [f"{path}: the module declares `any`; give it a precise type"]
    if kind in expected:
        wanted = expected[kind]
        if tf.kind != wanted and not (wanted == "list" and tf.kind == "set"):
            return [f"{path}: model says {kind}, module says {tf.kind}"]
        if kind == "array":
            assert tf.element is not None
            return mismatches(f"{path}[]", schema["items"], defs, tf.element)
        return []
    if kind == "object" and "properties" not in schema:
        if tf.kind != "map":
            return [f"{path}: model says a map, module says {tf.kind}"]
        values = schema.get("additionalProperties") or next(iter(schema.get("patternProperties", {}).values()))
        assert tf.element is not None
        return mismatches(f"{path}{{}}", values, defs, tf.element)
    if kind == "object":
        if tf.kind != "object":
            return [f"{path}: model says an object, module says {tf.kind}"]
        problems = []
        properties, required = schema["properties"], set(schema.get("required", []))
        for name in sorted(set(properties) ^ set(tf.attributes)):
            side = "model" if name in properties else "module"
            problems.append(f"{path}.{name}: only in the {side}")
        for name in sorted(set(properties) & set(tf.attributes)):
            attribute = tf.attributes[name]
            problems += mismatches(f"{path}.{name}", properties[name], defs, attribute.type)
            # The model may insist on a value the module would default; never the other way round.
            if not attribute.optional and name not in required:
                problems.append(f"{path}.{name}: required in the module, optional in the model")
            default = properties[name].get("default", _deref(properties[name], defs)[0].get("default"))
            if attribute.has_default and name not in required:
                module_default = effective_default(attribute.type, attribute.default)
                if default != module_default:
                    problems.append(
                        f"{path}.{name}: default {default!r} in the model, {module_default!r} in the module"
                    )
        return problems
    return [f"{path}: no comparison for schema {schema}"]


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[name for name, _ in MODELS])
def test_model_fields_are_exactly_the_module_variables(name: str, model: type[ModuleInputs]) -> None:
    variables = set(module_variables(model.MODULE))
    fields = set(model.model_fields)
    supplied, defaulted = set(model.PLATFORM_SUPPLIED), set(model.MODULE_DEFAULTS)
    assert not fields & supplied and not fields & defaulted and not supplied & defaulted
    assert sorted(variables - fields - supplied - defaulted) == [], f"module variables {model.MODULE} has no field for"
    assert sorted(fields - variables) == [], f"fields of {name} that modules/{model.MODULE} does not declare"
    assert sorted((supplied | defaulted) - variables) == [], "PLATFORM_SUPPLIED/MODULE_DEFAULTS name unknown variables"
    for variable in defaulted:
        assert "default" in module_variables(model.MODULE)[variable], f"{variable} is left to a default it lacks"


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[name for name, _ in MODELS])
def test_model_types_and_optionality_match_variables_tf(name: str, model: type[ModuleInputs]) -> None:
    schema, defs = _schema(model)
    required = set(schema.get("required", []))
    problems: list[str] = []
    for field, variable in module_variables(model.MODULE).items():
        if field not in schema["properties"]:
            continue
        tf = tftypes.parse(variable["type"])
        problems += mismatches(f"{model.MODULE}.{field}", schema["properties"][field], defs, tf)
        if "default" not in variable and field not in required:
            problems.append(f"{model.MODULE}.{field}: required in the module, optional in {name}")
        elif "default" in variable and field not in required:
            default = schema["properties"][field].get("default")
            module_default = effective_default(tf, variable["default"])
            if default != module_default:
                problems.append(
                    f"{model.MODULE}.{field}: default {default!r} in {name}, {module_default!r} in the module"
                )
    assert problems == []


def test_the_contract_check_catches_a_renamed_or_retyped_attribute() -> None:
    tf = tftypes.parse("object({burst_limit = optional(number, 100), rate = optional(number, 50)})")
    schema = {
        "type": "object",
        "properties": {"burst_limit": {"type": "string", "default": "100"}, "rate_limit": {"type": "number"}},
        "required": ["rate_limit"],
    }
    assert mismatches("x", schema, {}, tf) == [
        "x.rate: only in the module",
        "x.rate_limit: only in the model",
        "x.burst_limit: model says string, module says number",
        "x.burst_limit: default '100' in the model, 100 in the module",
    ]
    required = tftypes.parse("object({limit = number})")
    assert mismatches(
        "q", {"type": "object", "properties": {"limit": {"type": "number", "default": 1}}}, {}, required
    ) == ["q.limit: required in the module, optional in the model"]


def test_root_and_platform_variables_carry_no_any() -> None:
    from platformctl.generate import _variable_type

    for name in EnvironmentInputs.model_fields:
        if name == "emulator":
            continue
        assert "any" not in tftypes.parse(_variable_type(name)).kind
