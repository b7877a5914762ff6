"""PLAT_PLAN_11: replacements and deletions that lose data pass only with a named, reasoned override."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.catalog import load_catalog
from platformctl.errors import CatalogError
from platformctl.paths import CONFIG_DIR
from platformctl.policy import data_loss, plan_rules
from platformctl.policy.planindex import PlanIndex
from tests.policies.conftest import FIXTURES

FIXTURE = FIXTURES / data_loss.RULE_ID


def _index(root_dir: Path | None, label: str = data_loss.RULE_ID) -> PlanIndex:
    return PlanIndex.load(FIXTURE / "plan.json", root_dir=root_dir, label=label)


def test_the_rule_is_registered_with_the_plan_rules() -> None:
    assert data_loss.RULE_ID in {rule.id for rule in plan_rules.RULES}


def test_a_replaced_stream_names_the_docs_and_how_to_acknowledge() -> None:
    problems = dict((r.address, m) for r, m in data_loss.data_losing_changes_are_acknowledged(_index(FIXTURE)))
    message = problems['aws_kinesis_firehose_delivery_stream.this["fail_events"]']
    assert "replaces Firehose stream dev-events" in message
    assert data_loss.ONBOARDING_DOC in message and "acknowledged_changes" in message and "action replace" in message


def test_without_the_merge_request_file_the_acknowledged_stream_fails_too() -> None:
    flagged = {r.address for r, _ in data_loss.data_losing_changes_are_acknowledged(_index(None))}
    assert 'aws_kinesis_firehose_delivery_stream.this["pass_acknowledged"]' in flagged


def test_an_acknowledgement_must_match_the_action(tmp_path: Path) -> None:
    text = (FIXTURE / data_loss.MR_FILE).read_text().replace("action: replace", "action: delete")
    (tmp_path / data_loss.MR_FILE).write_text(text)
    flagged = {r.address for r, _ in data_loss.data_losing_changes_are_acknowledged(_index(tmp_path))}
    assert 'aws_kinesis_firehose_delivery_stream.this["pass_acknowledged"]' in flagged


def test_a_placeholder_reason_is_a_clean_error_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / data_loss.MR_FILE).write_text(
        "acknowledged_changes:\n  - name: x-change\n    address: aws_s3_bucket.fail_deleted\n"
        "    action: delete\n    reason: ok\n"
    )
    with pytest.raises(CatalogError) as raised:
        data_loss.acknowledgements(_index(tmp_path))
    assert f"{data_loss.MR_FILE}:5" in str(raised.value) and "at least 4 words" in str(raised.value)


def test_the_environment_catalog_acknowledges_for_its_own_plans_only(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    dev = config / "environments" / "dev.yaml"
    dev.write_text(
        dev.read_text() + "acknowledged_changes:\n  - name: drop-warehouse-copy\n"
        "    address: aws_s3_bucket.fail_deleted\n    action: delete\n"
        "    reason: the bucket was emptied and its data copied to the archive account\n"
    )
    assert [a.name for a in load_catalog(config).environment("dev").acknowledged_changes] == ["drop-warehouse-copy"]
    assert [a.address for a in data_loss.acknowledgements(_index(None, "dev"), config)] == [
        "aws_s3_bucket.fail_deleted"
    ]
    assert data_loss.acknowledgements(_index(None, "staging"), config) == []


def test_two_overrides_with_one_name_are_refused(tmp_path: Path) -> None:
    entry = "  - name: same\n    address: a.b\n    action: delete\n    reason: one two three four\n"
    (tmp_path / data_loss.MR_FILE).write_text("acknowledged_changes:\n" + entry + entry)
    with pytest.raises(CatalogError, match="named twice"):
        data_loss.acknowledgements(_index(tmp_path))
