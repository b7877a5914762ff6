"""config/apis/README.md lists exactly the linter's rules, with their severities and AWS sentences."""

from __future__ import annotations

from click.testing import CliRunner

from platformctl.openapi.commands import group
from platformctl.openapi.model import RULES
from platformctl.openapi.ruledocs import BEGIN, END, ordered_rules, rules_markdown, with_rules
from platformctl.paths import CONFIG_DIR

README = CONFIG_DIR / "apis" / "README.md"


def test_readme_rule_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert with_rules(text) == text, (
        "config/apis/README.md is stale: replace the block between its markers with "
        "`platformctl openapi rules --markdown`"
    )


def test_every_rule_has_a_row_with_its_severity() -> None:
    table = rules_markdown()
    for rule in ordered_rules():
        assert f"| {rule.id} | {rule.severity.value} | {rule.aws.value} |" in table
    assert len(RULES) == len(ordered_rules())


def test_rules_that_aws_documents_quote_it() -> None:
    documented = [r for r in ordered_rules() if r.aws.value in ("import fails", "import warning", "ignored")]
    assert documented
    assert all("AWS" in r.description for r in documented), [r.id for r in documented if "AWS" not in r.description]


def test_markdown_flag_prints_the_table() -> None:
    result = CliRunner().invoke(group, ["rules", "--markdown"])
    assert result.exit_code == 0
    assert result.output == rules_markdown()
    assert BEGIN in README.read_text(encoding="utf-8") and END in README.read_text(encoding="utf-8")
