"""The one plan JSON reader: addresses, changes, child modules, configuration and sensitive paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platformctl.planjson import UNKNOWN, Address, Plan, PlanFileError, kind_of, module_instance

PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "resource_changes": [
        {"address": 'module.platform.module.api["a.b"].aws_api_gateway_api_key.this[0]',
         "module_address": 'module.platform.module.api["a.b"]', "mode": "managed",
         "type": "aws_api_gateway_api_key", "name": "this", "index": 0,
         "change": {"actions": ["create"], "before": None, "after": {"name": "k", "tags": {"a": "b"}},
                    "after_unknown": {"value": True, "arn": True},
                    "after_sensitive": {"value": True, "tags": {}}, "before_sensitive": False}},
        {"address": "aws_sqs_queue.gone", "mode": "managed", "type": "aws_sqs_queue", "name": "gone",
         "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": None}},
        {"address": "aws_s3_bucket.same", "mode": "managed", "type": "aws_s3_bucket", "name": "same",
         "change": {"actions": ["no-op"], "before": {"bucket": "b"}, "after": {"bucket": "b"}}},
        {"address": "aws_kinesis_firehose_delivery_stream.s", "mode": "managed",
         "type": "aws_kinesis_firehose_delivery_stream", "name": "s",
         "change": {"actions": ["delete", "create"], "before": {"name": "s"}, "after": {"name": "s"}}},
        {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
         "change": {"actions": ["read"]}},
    ],
    "resource_drift": [
        {"address": "aws_s3_bucket.same", "mode": "managed", "type": "aws_s3_bucket", "name": "same",
         "change": {"actions": ["update"]}},
    ],
    "output_changes": {"url": {"actions": ["create"]}, "same": {"actions": ["no-op"]}},
    "planned_values": {"root_module": {
        "resources": [{"address": "aws_s3_bucket.same", "mode": "managed", "type": "aws_s3_bucket"}],
        "child_modules": [{"resources": [{"address": "module.m.aws_sqs_queue.q", "mode": "managed",
                                          "type": "aws_sqs_queue"}],
                           "child_modules": [{"resources": [{"address": "module.m.module.n.data.aws_x.y",
                                                             "mode": "data", "type": "aws_x"}]}]}],
    }},
    "prior_state": {"values": {"root_module": {"child_modules": [
        {"resources": [{"address": "module.m.data.aws_region.here", "mode": "data"}]},
    ]}}},
    "configuration": {
        "provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"module_calls": {"platform": {"module": {"module_calls": {"api": {"module": {
            "resources": [{"address": "aws_api_gateway_api_key.this",
                           "expressions": {"name": {"constant_value": "k"}}}],
        }}}}}}},
    },
}


def test_changes_are_classified_once() -> None:
    plan = Plan(PLAN)
    assert [c.kind for c in plan.changes] == ["create", "delete", "no-op", "replace", "read"]
    assert [c.address for c in plan.pending()] == [
        'module.platform.module.api["a.b"].aws_api_gateway_api_key.this[0]', "aws_sqs_queue.gone",
        "aws_kinesis_firehose_delivery_stream.s"]
    assert plan.kept_addresses() == {
        'module.platform.module.api["a.b"].aws_api_gateway_api_key.this[0]', "aws_s3_bucket.same",
        "aws_kinesis_firehose_delivery_stream.s"}
    assert [c.address for c in plan.managed("aws_sqs_queue", kept=False)] == ["aws_sqs_queue.gone"]
    assert [c.address for c in plan.managed(under="module.platform")] == [PLAN["resource_changes"][0]["address"]]
    assert [c.kind for c in plan.drift] == ["update"]
    assert plan.output_changes == {"url": "create"}


def test_a_change_knows_its_module_unknowns_and_sensitive_paths() -> None:
    key = Plan(PLAN).changes[0]
    assert key.module == 'module.platform.module.api["a.b"]'
    assert key.index == 0
    assert key.planned() == {"name": "k", "tags": {"a": "b"}, "value": UNKNOWN, "arn": UNKNOWN}
    assert key.sensitive_paths() == [("value",)]
    nested = Plan({"resource_changes": [{"address": "aws_x.y", "change": {
        "actions": ["update"], "before_sensitive": {"password": True},
        "after_sensitive": {"block": [{"secret": True}, {}], "password": True}}}]}).changes[0]
    assert nested.sensitive_paths() == [("block", 0, "secret"), ("password",)]
    assert nested.type == "aws_x" and nested.mode == "managed"


def test_resources_across_child_modules_and_prior_state() -> None:
    plan = Plan(PLAN)
    assert [r["address"] for r in plan.planned_resources()] == [
        "aws_s3_bucket.same", "module.m.aws_sqs_queue.q", "module.m.module.n.data.aws_x.y"]
    assert [r["address"] for r in plan.prior_resources()] == ["module.m.data.aws_region.here"]


def test_configuration_is_found_by_module_path() -> None:
    plan = Plan(PLAN)
    config = plan.resource_config(Address.parse(PLAN["resource_changes"][0]["address"]))
    assert config["expressions"]["name"] == {"constant_value": "k"}
    assert [names for names, _ in plan.config_modules()] == [(), ("platform",), ("platform", "api")]
    assert plan.config_module(["platform", "nope"]) is None
    assert not plan.offline
    offline = json.loads(json.dumps(PLAN))
    offline["configuration"]["provider_config"]["aws"]["expressions"]["endpoints"] = [{}]
    assert Plan(offline).offline


@pytest.mark.parametrize("actions", [["create", "update"], [], ["explode"]])
def test_unknown_actions_are_a_plan_file_error(actions: list[str]) -> None:
    with pytest.raises(PlanFileError, match="unknown change actions"):
        kind_of(actions)


def test_load_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="no plan JSON"):
        Plan.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(PlanFileError, match="is not JSON"):
        Plan.load(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    with pytest.raises(PlanFileError, match="not a plan JSON document"):
        Plan.load(tmp_path / "list.json")
    with pytest.raises(PlanFileError, match="has no 'actions'"):
        _ = Plan({"resource_changes": [{"address": "aws_x.y", "change": {}}]}).changes


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_KEYS = st.one_of(st.none(), st.integers(0, 99), st.text(min_size=0, max_size=12))


@given(modules=st.lists(st.tuples(_NAMES, _KEYS), max_size=3), rtype=_NAMES, name=_NAMES, index=_KEYS,
       data=st.booleans())
def test_addresses_round_trip(modules: list[tuple[str, Any]], rtype: str, name: str, index: Any, data: bool) -> None:
    """Any instance key (dots, quotes, brackets, backslashes included) parses back to what rendered it."""
    suffix = "" if index is None else f"[{json.dumps(index)}]"
    prefix = module_instance(tuple(modules))
    local = f"{'data.' if data else ''}aws_{rtype}.{name}{suffix}"
    address = Address.parse(f"{prefix}.{local}" if prefix else local)
    assert address == Address(tuple(modules), "data" if data else "managed", f"aws_{rtype}", name, index)
    assert address.module == prefix


@pytest.mark.parametrize("address", ["data.d", "aws_x", "module.m", "aws_x.y.z", "aws_x."])
def test_malformed_addresses_are_a_plan_file_error(address: str) -> None:
    with pytest.raises(PlanFileError, match="not a resource instance address"):
        Address.parse(address)
