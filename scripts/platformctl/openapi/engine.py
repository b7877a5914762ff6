"""Run every rule over a spec: render once, parse once, then apply suppressions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

# Rule modules register themselves on import; the order here is the report order for equal lines.
from platformctl.openapi import rules_aws, rules_platform, validity  # noqa: F401
from platformctl.openapi.document import CatalogVariable, SpecDocument
from platformctl.openapi.model import RULES, Finding, Hit, Severity
from platformctl.openapi.rules_platform import collect_suppressions
from platformctl.openapi.source import ParsedSpec, SpecParseError, parse
from platformctl.openapi.template import lint_values, module_template_var_names, scan_and_render
from platformctl.openapi.validity import ValidationCache

CatalogVars = Mapping[str, str | CatalogVariable]


def lint_text(
    text: str,
    file: str,
    *,
    catalog_vars: CatalogVars | None = None,
    validate_document: bool = True,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Lint one spec given as template text; `file` is what findings name.

    `catalog_vars` are the template variables the catalog entry adds (name -> value, or a
    CatalogVariable that also says where the entry defines it). `validate_document=False` skips
    openapi-spec-validator (the slowest part) but keeps every other rule; `cache_dir` keeps its
    results keyed by the rendered document, so unchanged specs are not validated again.
    """
    variables = {
        name: v if isinstance(v, CatalogVariable) else CatalogVariable(v) for name, v in (catalog_vars or {}).items()
    }
    placeholders, rendered = scan_and_render(text, lint_values({n: v.value for n, v in variables.items()}))
    parsed: ParsedSpec | None = None
    parse_error: SpecParseError | None = None
    try:
        parsed = parse(rendered, is_json=_is_json(file, text))
    except SpecParseError as exc:
        parse_error = exc
    doc = SpecDocument(
        file,
        text,
        placeholders,
        parsed,
        parse_error,
        variables,
        module_template_var_names(),
        validate_document=validate_document,
    )
    if cache_dir is not None:
        doc.cache["validation_cache"] = _cache(cache_dir)
    return _run_rules(doc)


_CACHES: dict[Path, ValidationCache] = {}


def _cache(directory: Path) -> ValidationCache:
    if directory not in _CACHES:
        _CACHES[directory] = ValidationCache(directory)
    return _CACHES[directory]


def lint_file(path: str | os.PathLike[str], **options: object) -> list[Finding]:
    file = os.fspath(path)
    text = Path(file).read_text(encoding="utf-8")
    return lint_text(text, file, **options)  # type: ignore[arg-type]


def lint_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    catalog_vars: CatalogVars | None = None,
    validate_document: bool = True,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Lint several specs with the same catalog variables; findings in file order, then by line.

    Each file is read, rendered and parsed once; every rule works on that one parse.
    """
    findings: list[Finding] = []
    for path in paths:
        findings.extend(
            lint_file(path, catalog_vars=catalog_vars, validate_document=validate_document, cache_dir=cache_dir)
        )
    return findings


def _is_json(file: str, text: str) -> bool:
    if file.endswith(".json"):
        return True
    if file.endswith((".yaml", ".yml")):
        return False
    return text.lstrip()[:1] == "{"


def _run_rules(doc: SpecDocument) -> list[Finding]:
    raw: list[Finding] = []
    for rule in RULES.values():
        for hit in rule.check(doc):
            raw.append(_finding(doc, rule.id, rule.severity, hit))
    suppressions, _ = collect_suppressions(doc)
    used: set[int] = set()
    findings: list[Finding] = []
    for finding in raw:
        match = None
        if finding.pointer is not None and RULES[finding.rule].suppressible:
            for index, s in enumerate(suppressions):
                if s.rule == finding.rule and finding.pointer[: len(s.scope)] == s.scope:
                    match = index
                    break
        if match is None:
            findings.append(finding)
        else:
            used.add(match)
    for index, s in enumerate(suppressions):
        if index not in used:
            findings.append(
                _finding(
                    doc,
                    "PLAT007",
                    RULES["PLAT007"].severity,
                    Hit(f"x-platform-lint-ignore of {s.rule} matches no finding here; remove it", s.pointer),
                )
            )
    findings.sort(key=lambda f: (f.file, f.line, f.rule, f.message))
    return findings


def _finding(doc: SpecDocument, rule_id: str, severity: Severity, hit: Hit) -> Finding:
    if hit.line is not None:
        line = hit.line
    elif hit.pointer is not None:
        line = doc.line_of(hit.pointer)
    else:
        line = 1
    return Finding(hit.file or doc.file, line, rule_id, severity, hit.message, hit.pointer)
