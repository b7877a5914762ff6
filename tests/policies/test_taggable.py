"""The taggable-resource list CKV_PLAT_1 applies to comes from the provider schema."""

from __future__ import annotations

import json
from pathlib import Path

from platformctl.policy import taggable


def test_the_committed_list_is_non_empty_and_has_the_usual_suspects() -> None:
    data = json.loads(taggable.DATA_FILE.read_text())
    types = data["resource_types"]
    assert len(types) > 500
    assert types == sorted(set(types))
    for expected in ("aws_s3_bucket", "aws_sqs_queue", "aws_kms_key", "aws_kinesis_firehose_delivery_stream",
                     "aws_redshiftserverless_workgroup", "aws_api_gateway_stage", "aws_cloudwatch_log_group"):
        assert expected in types
    for not_taggable in ("aws_s3_bucket_versioning", "aws_iam_role_policy", "aws_cloudwatch_event_target",
                         "aws_inspector_resource_group"):
        assert not_taggable not in types
    assert data["provider_version"] == "5.100.0"


def _schema(resources: dict[str, dict[str, object]]) -> dict[str, object]:
    return {"format_version": "1.0", "provider_schemas": {taggable.PROVIDER: {"resource_schemas": {
        name: {"block": {"attributes": attributes}} for name, attributes in resources.items()}}}}


def test_taggable_means_tags_map_and_tags_all(tmp_path: Path) -> None:
    schema = _schema({
        "aws_b": {"tags": {"type": ["map", "string"], "optional": True}, "tags_all": {"type": ["map", "string"]}},
        "aws_a": {"tags": {"type": ["map", "string"], "optional": True}, "tags_all": {"type": ["map", "string"]}},
        "aws_filter": {"tags": {"type": ["map", "string"], "required": True}},
        "aws_untagged": {"name": {"type": "string"}},
    })
    assert taggable.taggable_types(schema) == ["aws_a", "aws_b"]
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(schema))
    target = tmp_path / "out.json"
    assert taggable.write(source, "9.9.9", target) == 2
    assert json.loads(target.read_text())["resource_types"] == ["aws_a", "aws_b"]
