"""Plan-level rules: each planted violation yields its rule id on exactly the fail_* resources."""

from __future__ import annotations

import pytest

from platformctl.paths import ROOT
from platformctl.policy import plan_rules
from platformctl.policy.planindex import Address, PlanIndex, split_address
from tests.policies.conftest import FIXTURES, expected_names, plan_addresses

RULES = {rule.id: rule for rule in plan_rules.RULES}


def _index(name: str) -> PlanIndex:
    return PlanIndex.load(FIXTURES / name / "plan.json", root_dir=FIXTURES / name, label=name)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_flags_exactly_the_fail_resources(rule_id: str) -> None:
    gate = plan_rules.evaluate(_index(rule_id), rules=(RULES[rule_id],))
    passing, failing = expected_names(plan_addresses(FIXTURES / rule_id / "plan.json"))
    flagged = {f.resource for f in gate.findings}
    assert flagged == failing
    assert not flagged & passing
    assert {f.rule_id for f in gate.findings} == {rule_id}
    assert all(f.severity == RULES[rule_id].severity and f.message for f in gate.findings)


def test_the_clean_plan_passes_every_rule() -> None:
    gate = plan_rules.evaluate(_index("PLAT_PLAN_clean"))
    assert gate.findings == []
    assert gate.passed == len(plan_rules.RULES)
    assert gate.ok


def test_findings_point_at_the_declaring_file_and_line_through_module_sources() -> None:
    gate = plan_rules.evaluate(_index("PLAT_PLAN_1"), rules=(RULES["PLAT_PLAN_1"],))
    where = {f.resource: (f.file, f.line) for f in gate.findings}
    base = (FIXTURES / "PLAT_PLAN_1").relative_to(ROOT)
    assert where["aws_cloudwatch_event_target.fail_no_retry"] == (str(base / "main.tf"), 6)
    assert where["module.bus.aws_cloudwatch_event_target.fail_no_dlq"] == (str(base / "modules/bus/main.tf"), 20)


def test_messages_say_what_is_missing() -> None:
    gate = plan_rules.evaluate(_index("PLAT_PLAN_2"), rules=(RULES["PLAT_PLAN_2"],))
    message = next(f.message for f in gate.findings if f.resource.endswith("fail_missing_p99_and_4xx"))
    assert "Latency p99, 4XXError" in message and "p95" not in message.split("for:")[1]
    gate = plan_rules.evaluate(_index("PLAT_PLAN_3"), rules=(RULES["PLAT_PLAN_3"],))
    messages = [f.message for f in gate.findings if 'this["fail_payments"]' in f.resource]
    assert messages == ['role module.streams.aws_iam_role.for_delivery["fail_payments"] reaches tables other than the '
                        "stream's own: lake.orders"]


def test_references_resolve_per_instance_and_through_module_variables() -> None:
    index = _index("PLAT_PLAN_3")
    stream = index.resources['module.streams.aws_kinesis_firehose_delivery_stream.this["fail_payments"]']
    roles = index.references(stream, "iceberg_configuration", 0, "role_arn")
    assert [r.address for r in roles] == ['module.streams.aws_iam_role.for_delivery["fail_payments"]']


def test_address_parsing_keeps_dots_inside_keys() -> None:
    assert split_address('module.a["x.y"].aws_b.c[0]') == ["module", 'a["x.y"]', "aws_b", "c[0]"]
    address = Address.parse('module.a["x.y"].module.b[1].data.aws_c.d["k"]')
    assert address.modules == (("a", "x.y"), ("b", 1))
    assert (address.mode, address.type, address.name, address.index) == ("data", "aws_c", "d", "k")
