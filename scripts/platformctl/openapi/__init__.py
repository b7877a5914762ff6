"""OpenAPI linter for API Gateway REST imports and the platform's rules.

    from platformctl.openapi import lint_files, has_errors
    findings = lint_files(["config/apis/specs/orders.yaml"], catalog_vars={"backend_base_path": "/v1"})
    for f in findings: print(f)          # <file>:<line>: <RULE-ID> <message>

`platformctl openapi rules` lists the rules; see rules_aws.py (AWS import notes) and
rules_platform.py (platform rules and the x-platform-* exception markers).
"""

from __future__ import annotations

from platformctl.openapi.document import CatalogVariable
from platformctl.openapi.engine import lint_file, lint_files, lint_text
from platformctl.openapi.model import RULES, Finding, Rule, Severity, has_errors
from platformctl.openapi.template import module_template_var_names, module_template_variables

__all__ = [
    "RULES",
    "CatalogVariable",
    "Finding",
    "Rule",
    "Severity",
    "has_errors",
    "lint_file",
    "lint_files",
    "lint_text",
    "module_template_var_names",
    "module_template_variables",
]
