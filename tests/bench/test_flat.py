"""The flat baseline generator: literal values, stand-ins for unknowns, no computed-only attributes."""

from __future__ import annotations

import json

from platformctl.bench.flat import build_flat_root, escape_template, flat_name, standin

SCHEMAS = {
    "aws_api_gateway_stage": {
        "attributes": {
            "id": {"type": "string", "computed": True, "optional": True},
            "arn": {"type": "string", "computed": True},
            "rest_api_id": {"type": "string", "required": True},
            "stage_name": {"type": "string", "required": True},
            "deployment_id": {"type": "string", "required": True},
            "xray_tracing_enabled": {"type": "bool", "optional": True},
            "cache_cluster_enabled": {"type": "bool", "optional": True},
            "description": {"type": "string", "optional": True},
            "tags": {"type": ["map", "string"], "optional": True},
            "tags_all": {"type": ["map", "string"], "optional": True, "computed": True},
            "web_acl_arn": {"type": "string", "computed": True},
        },
        "block_types": {
            "access_log_settings": {
                "nesting_mode": "list",
                "block": {
                    "attributes": {
                        "destination_arn": {"type": "string", "required": True},
                        "format": {"type": "string", "required": True},
                    }
                },
            },
        },
    },
    "aws_iam_role_policy": {
        "attributes": {
            "role": {"type": "string", "required": True},
            "policy": {"type": "string", "required": True},
            "name": {"type": "string", "optional": True, "computed": True},
        }
    },
}


def _plan() -> dict:
    return {
        "configuration": {
            "root_module": {
                "module_calls": {
                    "platform": {
                        "module": {
                            "module_calls": {
                                "api": {
                                    "module": {
                                        "resources": [
                                            {
                                                "address": "aws_api_gateway_stage.this",
                                                "provider_config_key": "aws.api",
                                                "expressions": {
                                                    "rest_api_id": {},
                                                    "stage_name": {},
                                                    "deployment_id": {},
                                                    "tags": {},
                                                    "xray_tracing_enabled": {},
                                                    "description": {},
                                                    "access_log_settings": [{"destination_arn": {}, "format": {}}],
                                                },
                                            },
                                            {
                                                "address": "aws_iam_role_policy.logs",
                                                "provider_config_key": "aws.api",
                                                "expressions": {"role": {}, "policy": {}},
                                            },
                                        ]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
        "resource_changes": [
            {
                "address": 'module.platform.module.api["orders"].aws_api_gateway_stage.this',
                "module_address": 'module.platform.module.api["orders"]',
                "mode": "managed",
                "type": "aws_api_gateway_stage",
                "name": "this",
                "change": {
                    "actions": ["create"],
                    "after": {
                        "stage_name": "live",
                        "xray_tracing_enabled": True,
                        "cache_cluster_enabled": False,
                        "description": "uses ${stageVariables.url} and %{literal}",
                        "tags": {"Team": "a"},
                        "access_log_settings": [{"format": '{"id":"$context.requestId"}'}],
                    },
                    "after_unknown": {
                        "id": True,
                        "arn": True,
                        "rest_api_id": True,
                        "deployment_id": True,
                        "tags_all": True,
                        "web_acl_arn": True,
                        "access_log_settings": [{"destination_arn": True}],
                    },
                },
            },
            {
                "address": 'module.platform.module.api["orders"].aws_iam_role_policy.logs',
                "module_address": 'module.platform.module.api["orders"]',
                "mode": "managed",
                "type": "aws_iam_role_policy",
                "name": "logs",
                "change": {
                    "actions": ["create"],
                    "after": {"name": "logs"},
                    "after_unknown": {"role": True, "policy": True},
                },
            },
            {
                "address": "module.old.aws_iam_role_policy.gone",
                "mode": "managed",
                "type": "aws_iam_role_policy",
                "name": "gone",
                "change": {"actions": ["delete"], "after": None, "after_unknown": {}},
            },
        ],
    }


def test_flat_root_has_one_literal_resource_per_planned_instance() -> None:
    root = build_flat_root(_plan(), SCHEMAS)
    assert root.resources == 2 and root.by_alias == {"aws.api": 2}
    [stage] = root.document["resource"]["aws_api_gateway_stage"].values()
    assert stage["provider"] == "aws.api"
    assert stage["stage_name"] == "live" and stage["xray_tracing_enabled"] is True and stage["tags"] == {"Team": "a"}
    # Known only after apply but set by the configuration: stand-ins of the right shape.
    assert stage["rest_api_id"].startswith("arn:aws:") and stage["deployment_id"].startswith("arn:aws:")
    assert stage["access_log_settings"][0]["destination_arn"].startswith("arn:aws:")
    # Computed-only attributes and unset defaults are left out; templates stay literal.
    assert not {"id", "arn", "tags_all", "web_acl_arn", "cache_cluster_enabled"} & set(stage)
    assert stage["description"] == "uses $${stageVariables.url} and %%{literal}"
    [policy] = root.document["resource"]["aws_iam_role_policy"].values()
    assert json.loads(policy["policy"])["Version"] == "2012-10-17"
    assert policy["role"] == "bench-standin" and policy["name"] == "logs"
    assert root.standins == 5


def test_flat_names_are_unique_and_valid() -> None:
    names = {flat_name(f'module.platform.module.api["bench-{i:03d}"].aws_kms_key.this') for i in range(100)}
    assert len(names) == 100
    assert all(name[0].isalpha() and name.replace("_", "").isalnum() for name in names)


def test_standins_by_type_and_name() -> None:
    assert standin("alarm_actions", ["set", "string"]) == [standin("alarm_actions", "string")]
    assert standin("kms_key_id", "string").startswith("arn:aws:kms:")
    assert standin("queue_url", "string").startswith("https://")
    assert standin("log_group_name", "string") == "bench-standin"
    assert standin("retention", "number") == 1 and standin("enabled", "bool") is False
    assert standin("tags", ["map", "string"]) == {}


def test_escape_template_recurses() -> None:
    assert escape_template({"a": ["${x}", {"b": "%{y}"}], "n": 1}) == {"a": ["$${x}", {"b": "%%{y}"}], "n": 1}
