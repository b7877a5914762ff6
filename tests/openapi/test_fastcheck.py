"""The compiled fast path gives exactly openapi-spec-validator's results.

For every fixture, shipped spec and corpus spec: linting with the fast path and linting with the
fast path switched off (openapi-spec-validator decides everything) produce identical findings, and
where the fast path says VALID openapi-spec-validator reports nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.openapi import fastcheck, lint_file
from platformctl.openapi.document import SpecDocument
from platformctl.openapi.engine import lint_text
from platformctl.openapi.source import SpecParseError, parse, read_spec
from platformctl.openapi.template import lint_values, scan_and_render
from platformctl.openapi.validity import _reference_problems, reference_hits, validation_input
from platformctl.paths import CONFIG_DIR

HERE = Path(__file__).parent
SPECS = [
    *sorted((HERE / "fixtures").glob("*.y*ml")),
    *sorted((HERE / "fixtures").glob("*.json")),
    *sorted((HERE / "corpus").glob("*.y*ml")),
    *sorted((CONFIG_DIR / "apis" / "specs").glob("*.yaml")),
]
CATALOG_VARS = {"backend_base_path": "/v1"}


def _document(path: Path) -> SpecDocument | None:
    text = read_spec(path)
    _, rendered = scan_and_render(text, lint_values(CATALOG_VARS))
    try:
        parsed = parse(rendered, is_json=path.suffix == ".json")
    except SpecParseError:
        return None
    doc = SpecDocument(str(path), text, [], parsed, None, {}, frozenset())
    return doc if doc.version in ("2.0", "3.0") else None


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_fast_path_findings_equal_the_validators(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = lint_file(path, catalog_vars=CATALOG_VARS)
    monkeypatch.setattr(fastcheck, "verdict", lambda *a, **k: fastcheck.Verdict.CHECK_ALL)
    assert lint_file(path, catalog_vars=CATALOG_VARS) == fast


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_fast_valid_means_the_validator_finds_nothing(path: Path) -> None:
    doc = _document(path)
    if doc is None:
        pytest.skip("does not parse or is not OpenAPI 2.0/3.0, so no schema validation runs")
    data = validation_input(doc)
    semantic = not list(_reference_problems(doc))  # as OAS001 decides
    verdict = fastcheck.verdict(data, is_v2=doc.is_v2, semantic=semantic)
    reference = list(reference_hits(doc, data, semantic=semantic))
    if verdict is fastcheck.Verdict.VALID:
        assert reference == []
    if reference:
        assert verdict is not fastcheck.Verdict.VALID


def test_the_fast_path_clears_ordinary_specs() -> None:
    # Otherwise the speed-up would be nil: the catalog's specs must not need the slow validator.
    for path in sorted((CONFIG_DIR / "apis" / "specs").glob("*.yaml")):
        doc = _document(path)
        assert doc is not None
        assert fastcheck.verdict(validation_input(doc), is_v2=False, semantic=True) is fastcheck.Verdict.VALID


def test_it_compiles_the_validators_own_schemas() -> None:
    from jsonschema.validators import Draft4Validator
    from openapi_schema_validator import OAS30Validator
    from openapi_spec_validator.schemas import schema_v2, schema_v30

    assert fastcheck.oas_schema(False) == dict(schema_v30)
    assert fastcheck.oas_schema(True) == dict(schema_v2)
    assert fastcheck._draft4_metaschema() == OAS30Validator.META_SCHEMA == Draft4Validator.META_SCHEMA


@pytest.mark.parametrize(
    ("change", "expect_valid"),
    [
        ("", True),
        ("    Item:\n      type: object\n      required: [itemId, name]\n      allOf: [{type: object}]\n", None),
        ("    Price:\n      type: number\n      default: 1.0\n", None),
        ("    Code:\n      type: string\n      pattern: '(unclosed'\n", None),
        ("    Count:\n      type: integer\n      maxLength: 1.0\n", None),
        ("    Many:\n      type: string\n      enum: [a, a]\n", None),
    ],
)
def test_constructs_it_does_not_mirror_go_to_the_validator(change: str, expect_valid: bool | None) -> None:
    base = (HERE / "fixtures" / "valid.yaml").read_text(encoding="utf-8")
    text = base + change
    _, rendered = scan_and_render(text, lint_values())
    doc = SpecDocument("x.yaml", text, [], parse(rendered, is_json=False), None, {}, frozenset())
    verdict = fastcheck.verdict(validation_input(doc), is_v2=False, semantic=True)
    assert (verdict is fastcheck.Verdict.VALID) == bool(expect_valid)
    # And whatever the route, the findings are the validator's.
    assert [f.rule for f in lint_text(text, "x.yaml") if f.rule == "OAS001"] == [
        "OAS001" for _ in reference_hits(doc, validation_input(doc), semantic=True)
    ]
