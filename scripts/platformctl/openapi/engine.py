"""Run every rule over a spec: render once, parse once, then apply suppressions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

# Rule modules register themselves on import; the order here is the report order for equal lines.
from platformctl.openapi import rules_aws, rules_platform, validity  # noqa: F401
from platformctl.openapi.document import CatalogVariable, SpecDocument
from platformctl.openapi.model import RETIRED_RULES, RULES, Finding, Hit, Severity
from platformctl.openapi.rules_aws import DEFAULT_RESOURCE_LIMIT
from platformctl.openapi.rules_platform import collect_suppressions
from platformctl.openapi.source import ParsedSpec, SpecParseError, parse, read_spec
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
    resource_limit: int = DEFAULT_RESOURCE_LIMIT,
) -> list[Finding]:
    """Lint one spec given as template text; `file` is what findings name.

    `catalog_vars` are the template variables the catalog entry adds (name -> value, or a
    CatalogVariable that also says where the entry defines it). `validate_document=False` skips
    openapi-spec-validator (the slowest part) but keeps every other rule; `cache_dir` keeps its
    results keyed by the rendered document, so unchanged specs are not validated again;
    `resource_limit` is the account's resources-per-API quota (APIGW023).
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
    except RecursionError:  # belt and braces: parse() bounds nesting itself
        parse_error = SpecParseError(1, "the document is nested too deeply to parse")
    doc = SpecDocument(
        file,
        text,
        placeholders,
        parsed,
        parse_error,
        variables,
        module_template_var_names(),
        validate_document=validate_document,
        resource_limit=resource_limit,
    )
    if cache_dir is not None:
        doc.cache["validation_cache"] = _cache(cache_dir)
    return _run_rules(doc)


_CACHES: dict[Path, ValidationCache] = {}


def _cache(directory: Path) -> ValidationCache:
    if directory not in _CACHES:
        _CACHES[directory] = ValidationCache(directory)
    return _CACHES[directory]


def lint_file(path: str | os.PathLike[str], *, display: str | None = None, **options: object) -> list[Finding]:
    """Lint a spec file; a file that cannot be read as text is one OAS001 finding, not an exception.
    `display` is the name findings use (default: the path as given)."""
    file = os.fspath(path)
    shown = display or file
    try:
        text = read_spec(file)
    except SpecParseError as exc:
        return [Finding(shown, exc.line, "OAS001", RULES["OAS001"].severity, exc.message)]
    return lint_text(text, shown, **options)  # type: ignore[arg-type]


def lint_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    catalog_vars: CatalogVars | None = None,
    validate_document: bool = True,
    cache_dir: Path | None = None,
    resource_limit: int = DEFAULT_RESOURCE_LIMIT,
) -> list[Finding]:
    """Lint several specs with the same catalog variables; findings in file order, then by line.

    Each file is read, rendered and parsed once; every rule works on that one parse.
    """
    findings: list[Finding] = []
    for path in paths:
        findings.extend(
            lint_file(
                path,
                catalog_vars=catalog_vars,
                validate_document=validate_document,
                cache_dir=cache_dir,
                resource_limit=resource_limit,
            )
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
        try:
            raw.extend(_finding(doc, rule.id, rule.severity, hit) for hit in rule.check(doc))
        except Exception as exc:  # a linter bug must not hide the other findings behind a traceback
            message = f"internal error in rule {rule.id} ({type(exc).__name__}: {exc}); please report it"
            raw.append(Finding(doc.file, 1, rule.id, Severity.ERROR, message))
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
            reason = (
                f"{s.rule} is retired ({RETIRED_RULES[s.rule]})"
                if s.rule in RETIRED_RULES
                else f"{s.rule} matches no finding here"
            )
            findings.append(
                _finding(
                    doc,
                    "PLAT007",
                    RULES["PLAT007"].severity,
                    Hit(f"x-platform-lint-ignore of {reason}; remove it", s.pointer),
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
