"""Terraform templatefile() syntax as it appears in OpenAPI specs.

A spec is rendered by the api-gateway-openapi module with `templatefile(spec, vars)`:

- `${name}` is a placeholder: Terraform fails the plan when `name` is not in `vars`.
- `$${...}` is an escape: it renders as `${...}`, which API Gateway resolves at runtime
  (e.g. `$${stageVariables.url}`). It is not a placeholder.
- `%{...}` is a template directive (if/for) and `%%{` its escape.

The platform-owned variable names are read from the module's `template-variables.json`, the one
list that both the module and this linter use.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from platformctl.paths import MODULES_DIR

TEMPLATE_VARIABLES_FILE: Path = MODULES_DIR / "api-gateway-openapi" / "template-variables.json"

# Stand-ins with the same shape as what the module renders, so that the rendered document can be
# validated (authorizer_type really is apiKey; ARNs look like ARNs).
_LINT_VALUES: dict[str, str] = {
    "vpc_link_id": "a1b2c3",
    "authorizer_type": "apiKey",
    "authorizer_name": "Authorization",
    "authorizer_uri": (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:authorizer/invocations"
    ),
    "authorizer_credentials": "arn:aws:iam::123456789012:role/lint-authorizer",
    "authorizer_identity_source": "method.request.header.Authorization",
}
# What an unknown placeholder renders as while linting; the finding itself is PLAT004.
UNKNOWN_VALUE = "unknown-template-variable"

_IDENTIFIER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*$")
# Order matters: escapes are consumed before the sequences they would otherwise start.
_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{([^}\n]*)\}|%\{([^}\n]*)\}|\$\{|%\{")

Kind = Literal["variable", "expression", "directive", "unterminated"]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One interpolation or directive in the template text."""

    kind: Kind
    text: str  # as written, e.g. "${vpc_link_id}"
    name: str | None  # the variable for kind == "variable"
    line: int  # 1-based


@cache
def module_template_variables() -> Mapping[str, str]:
    """Platform-owned template variables: name -> description, from the module's JSON file."""
    data = json.loads(TEMPLATE_VARIABLES_FILE.read_text(encoding="utf-8"))
    variables: dict[str, str] = data["variables"]
    if set(variables) != set(_LINT_VALUES):
        raise RuntimeError(
            f"{TEMPLATE_VARIABLES_FILE} lists {sorted(variables)} but the linter has stand-in values "
            f"for {sorted(_LINT_VALUES)}; update platformctl/openapi/template.py"
        )
    return variables


def module_template_var_names() -> frozenset[str]:
    return frozenset(module_template_variables())


def lint_values(catalog_vars: Mapping[str, str] | None = None) -> dict[str, str]:
    """Values used to render a spec for linting: module stand-ins plus the catalog's values."""
    module_template_variables()  # fail loudly if the contract file and the stand-ins diverge
    values = dict(catalog_vars or {})
    values.update(_LINT_VALUES)
    return values


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1


def scan_and_render(text: str, values: Mapping[str, str]) -> tuple[list[Placeholder], str]:
    """Find every placeholder and render the text as templatefile() would with `values`.

    Unknown or unsupported placeholders render as UNKNOWN_VALUE so that the rest of the document can
    still be parsed; newlines in values are replaced by spaces so line numbers stay those of `text`.
    """
    if "${" not in text and "%{" not in text:
        return [], text
    placeholders: list[Placeholder] = []
    index = _LineIndex(text)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        line = index.line(match.start())
        if token in ("${", "%{"):
            placeholders.append(Placeholder("unterminated", token, None, line))
            return UNKNOWN_VALUE
        if token.startswith("%"):
            placeholders.append(Placeholder("directive", token, None, line))
            return UNKNOWN_VALUE
        ident = _IDENTIFIER.match(match.group(1))
        if ident is None:
            placeholders.append(Placeholder("expression", token, None, line))
            return UNKNOWN_VALUE
        name = ident.group(1)
        placeholders.append(Placeholder("variable", token, name, line))
        return values.get(name, UNKNOWN_VALUE).replace("\n", " ")

    return placeholders, _TOKEN.sub(replace, text)
