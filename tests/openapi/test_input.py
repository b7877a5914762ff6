"""Every input gives findings or one clean finding about the input, never a traceback.

Encodings, size and nesting limits, YAML alias cycles and bombs, duplicate keys, and wrong types
anywhere in the document; then a property test that lints mutated specs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformctl.openapi import Finding, lint_file, lint_text, source

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
# Non-ASCII text, so that the encoding matters.
ACCENTED = VALID.replace("Linter fixture.", "Linter fixture, café crème.")


def rules_and_lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return sorted((f.rule, f.line) for f in findings)


def no_internal_errors(findings: list[Finding]) -> None:
    assert not [f for f in findings if "internal error" in f.message], findings


# -- encodings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_are_read_like_utf8(tmp_path: Path, encoding: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(ACCENTED.encode(encoding))
    assert lint_file(spec) == []


def test_latin1_is_refused_with_the_byte_offset_and_line(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    raw = ACCENTED.encode("latin-1")
    spec.write_bytes(raw)
    (finding,) = lint_file(spec)
    offset = raw.index("é".encode("latin-1"))
    assert finding.rule == "OAS001"
    assert finding.line == raw.count(b"\n", 0, offset) + 1 == 4
    assert f"byte 0xe9 at offset {offset}" in finding.message
    assert "UTF-8" in finding.message


def test_oversized_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 100)
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID, encoding="utf-8")
    (finding,) = lint_file(spec)
    assert finding.rule == "OAS001" and "larger than 100 bytes" in finding.message


# -- YAML aliases and nesting ----------------------------------------------------------------------
def test_a_self_referencing_alias_is_one_finding() -> None:
    text = "openapi: 3.0.3\ninfo: &info\n  title: t\n  version: '1'\n  x-self: *info\npaths: {}\n"
    (finding,) = lint_text(text, "x.yaml")
    assert (finding.rule, finding.line) == ("OAS001", 2)
    assert "cycle" in finding.message


def test_an_alias_bomb_is_refused_quickly() -> None:
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "\n".join(levels) + "\n"  # ~400 bytes that expand to 9**9 scalars
    assert len(text) < 500
    start = time.process_time()
    (finding,) = lint_text(text, "bomb.yaml")
    assert time.process_time() - start < 2  # generous: it stops after a few hundred thousand nodes
    assert finding.rule == "OAS001" and "alias bomb" in finding.message


def test_legitimate_aliases_still_work() -> None:
    text = VALID.replace("      responses:\n", "      responses: &responses\n", 1)
    assert lint_text(text, "x.yaml") == []


@pytest.mark.parametrize("kind", ["json", "yaml-flow", "yaml-block"])
def test_deep_nesting_is_one_finding(kind: str) -> None:
    depth = 3000 if kind != "yaml-block" else 200
    if kind == "json":
        text, name = "[" * depth + "]" * depth, "deep.json"
    elif kind == "yaml-flow":
        text, name = "a: " + "[" * depth + "]" * depth + "\n", "deep.yaml"
    else:
        text, name = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n", "deep.yaml"
    (finding,) = lint_text(text, name)
    assert finding.rule == "OAS001"
    assert "nested" in finding.message or "nesting" in finding.message


def test_nesting_below_the_limit_is_validated() -> None:
    nested = "{type: object, properties: {p: " * 35 + "{typo: string}" + "}}" * 35
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: " + nested + "\n"
    (finding,) = lint_text(text, "x.yaml")
    assert finding.rule == "OAS001" and "unexpected key 'typo'" in finding.message


# -- duplicate keys ------------------------------------------------------------------------------
def test_duplicate_yaml_keys_are_reported_at_the_duplicate() -> None:
    text = VALID + "    Item_2:\n      type: object\n" + "components:\n  schemas:\n    Bad_name:\n      type: object\n"
    findings = lint_text(text, "x.yaml")
    duplicate_line = text.splitlines().index("components:", text.splitlines().index("components:") + 1) + 1
    by_rule = {f.rule: f for f in findings}
    assert by_rule["OAS002"].line == duplicate_line
    assert "first at line" in by_rule["OAS002"].message
    # Findings point into the copy that is used (the last), not the overwritten one.
    assert by_rule["APIGW003"].line == duplicate_line + 2


def test_duplicate_json_keys_are_reported_at_the_duplicate() -> None:
    text = (
        '{\n  "openapi": "3.0.3",\n  "info": {"title": "t", "version": "1"},\n  "paths": {},\n  "openapi": "3.0.2"\n}\n'
    )
    (finding,) = lint_text(text, "x.json")
    assert (finding.rule, finding.line) == ("OAS002", 5)


# -- wrong types ---------------------------------------------------------------------------------
WRONG_TYPES = {
    "paths is a list": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  - /a\n",
    "an operation is a list": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: [1]\n",
    "parameters are strings": (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{x}:\n    parameters: [x]\n"
        "    get:\n      parameters: hello\n      responses: [1]\n"
    ),
    "components hold scalars": (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: 1\n"
        "    C: {properties: [1], items: 3, allOf: 5, oneOf: {a: 1}}\n  securitySchemes: [1]\n"
    ),
    "2.0 with scalars everywhere": (
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      parameters: [1, {in: body}, {in: body, schema: 5}]\n      responses: {'200': 5}\n"
        "definitions: [1]\nparameters: 5\nresponses: {a: 1}\nsecurityDefinitions: {a: 1}\n"
    ),
    "markers of the wrong type": VALID.replace(
        "      operationId: getItem\n", "      operationId: [1]\n      x-platform-lint-ignore: {rule: 1}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_wrong_types_give_findings(name: str) -> None:
    findings = lint_text(WRONG_TYPES[name], "x.yaml")
    no_internal_errors(findings)
    assert any(f.rule == "OAS001" for f in findings) or any(f.rule == "PLAT006" for f in findings)


# -- property test -------------------------------------------------------------------------------
SEEDS = [
    json.loads(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str))
    for p in sorted(FIXTURES.glob("*-pass.yaml"))[:12]
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_nodes(item, (*path, index)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def mutated_specs(draw: st.DrawFn) -> tuple[str, str]:
    spec: Any = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        nodes = _nodes(spec)
        target = draw(st.sampled_from(nodes))
        spec = _replace(spec, target, draw(JSON_VALUES))
    as_json = draw(st.booleans())
    if as_json:
        return json.dumps(spec), "mutated.json"
    return yaml.safe_dump(spec, sort_keys=False), "mutated.yaml"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_mutated_specs_never_raise(case: tuple[str, str]) -> None:
    text, name = case
    no_internal_errors(lint_text(text, name))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=40), st.integers(0, len(VALID)))
def test_mutated_bytes_never_raise(tmp_path: Path, garbage: bytes, where: int) -> None:
    raw = VALID.encode("utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw[:where] + garbage + raw[where:])
    no_internal_errors(lint_file(spec))
