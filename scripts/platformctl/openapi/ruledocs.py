"""The linter's rule list as Markdown, for config/apis/README.md (kept current by a test)."""

from __future__ import annotations

from platformctl.openapi.model import RETIRED_RULES, RULES, Rule

BEGIN = "<!-- BEGIN platformctl openapi rules --markdown -->"
END = "<!-- END platformctl openapi rules --markdown -->"
_FAMILY_ORDER = {"OAS": 0, "APIGW": 1, "PLAT": 2}


def ordered_rules() -> list[Rule]:
    import platformctl.openapi.engine  # noqa: F401  (registers every rule)

    return sorted(RULES.values(), key=lambda r: (_FAMILY_ORDER.get(r.id.rstrip("0123456789"), 9), r.id))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_markdown() -> str:
    """One row per rule: severity, what API Gateway itself does, whether an operation can waive it, and the
    rule's reason with the AWS sentence it enforces."""
    lines = [
        "| rule | severity | API Gateway | waivable | why (AWS's words where AWS documents it) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in ordered_rules():
        lines.append(
            f"| {rule.id} | {rule.severity.value} | {rule.aws.value} | {'yes' if rule.suppressible else 'no'} "
            f"| {_cell(rule.description)} |"
        )
    lines += [f"| {rule_id} | retired | | | {_cell(reason)} |" for rule_id, reason in RETIRED_RULES.items()]
    return "\n".join(lines) + "\n"


def with_rules(readme: str) -> str:
    """The README text with the generated block between the markers replaced."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + rules_markdown() + readme[end:]
