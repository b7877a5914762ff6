"""Shared helpers of the platform's custom checkov checks (this file defines no check).

checkov hands a check the resource configuration in two shapes, and every check must read both:

* HCL scans (framework `terraform`): each attribute value wrapped in a list (`{"name": ["x"]}`), blocks as
  lists of dicts, lists as `[["a", "b"]]`, expressions checkov could not resolve left as strings such as
  `"var.tags"`, `"${local.name}-x"` or `"aws_kms_key.this.arn"`, and dynamic blocks it could not render
  under the key `dynamic`. An attribute that is absent is not configured.
* plan scans (framework `terraform_plan`): the same wrapping, plus empty blocks as `[[]]`, nulls as
  `[None]`, checkov's bookkeeping keys (`__file__`, `start_line`, ...) inside every dict, map values
  wrapped or not depending on the key, and JSON policy strings already decoded for some resource types.
  Terraform leaves values that are unknown until apply out of `planned_values`; checkov puts back a
  reference string (`"aws_kms_key.this.arn"`) when the configuration took the value from another resource.
  So in a plan an absent attribute is *unknown*, never "not configured" (a known null is `[None]`).

No checkov import here: the helpers are plain functions over plain data, so they are easy to reason about.
"""

from __future__ import annotations

import json
import re
from typing import Any

META_KEYS = frozenset({"start_line", "end_line", "references_"})

# Expressions checkov leaves unresolved in HCL, and the references it adds for unknown plan values.
_EXPRESSION = re.compile(
    r"""(\$\{)                                   # interpolation
      | ^(var|local|module|data|each|count|self|path|terraform)\.   # symbolic references
      | ^[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]*\])?(\.|$)  # resource references
      | ^[a-z_][a-z0-9_]*\(.*\)$                 # function calls
    """,
    re.VERBOSE | re.DOTALL,
)


class _Missing:
    """The attribute is not in the configuration at all."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def is_plan(conf: dict[str, Any]) -> bool:
    """True when checkov built `conf` from plan JSON (it adds change and file bookkeeping there)."""
    return "__change_actions__" in conf or "__file__" in conf


def is_meta_key(key: Any) -> bool:
    return isinstance(key, str) and (key.startswith("__") or key in META_KEYS)


def clean(value: Any) -> Any:
    """Drop checkov's bookkeeping keys, recursively."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if not is_meta_key(k)}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def unwrap(value: Any) -> Any:
    """Remove checkov's one level of list wrapping from an attribute value."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def attr(conf: dict[str, Any], key: str) -> Any:
    """The value of an attribute (unwrapped, cleaned), or MISSING when it is not there."""
    if key not in conf:
        return MISSING
    return clean(unwrap(conf[key]))


def blocks(conf: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The nested blocks named `key` as plain dicts; [] when there are none (`[[]]` in plans)."""
    value = conf.get(key)
    found: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            found.append(item)
        elif isinstance(item, list):
            found.extend(x for x in item if isinstance(x, dict))
    return found


def first_block(conf: dict[str, Any], key: str) -> dict[str, Any] | None:
    found = blocks(conf, key)
    return found[0] if found else None


def unrendered_dynamic(conf: dict[str, Any]) -> set[str]:
    """Names of blocks written as `dynamic` that checkov left for us: their presence is undecidable in HCL."""
    names: set[str] = set()
    for item in conf.get("dynamic") or []:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                continue
        if isinstance(item, dict):
            names.update(k for k in item if not is_meta_key(k))
    return names


def is_expression(value: Any) -> bool:
    """An unresolved HCL expression, or the reference checkov adds in a plan for an unknown value."""
    return isinstance(value, str) and bool(_EXPRESSION.search(value.strip()))


def is_set(value: Any) -> bool:
    """Configured with something: a non-empty value or an expression (whose value is not known here)."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return True


def as_bool(value: Any) -> bool | None:
    """True/False for booleans and their string forms; None when unknown or not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def as_list(value: Any) -> list[Any]:
    if value is None or value is MISSING:
        return []
    if isinstance(value, list):
        return value
    return [value]


def tag_map(value: Any) -> dict[str, Any] | None:
    """A tags map with values unwrapped, or None when the map itself is unknown or an expression."""
    value = unwrap(value)
    if not isinstance(value, dict):
        return None
    return {k: unwrap(v) for k, v in value.items() if not is_meta_key(k)}


def policy_document(value: Any) -> dict[str, Any] | None:
    """A decoded IAM-style JSON policy, or None when it is unknown (an expression, an unknown plan value)."""
    value = clean(unwrap(value))
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and not is_expression(value):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def is_service_wildcard(action: Any) -> bool:
    """`*` or `service:*`: every action of every service, or of one service."""
    return isinstance(action, str) and (action.strip() == "*" or bool(re.fullmatch(r"[A-Za-z0-9-]+:\*", action)))


def grants_wildcard_admin(actions: list[Any], not_actions: list[Any], resources: list[Any],
                          not_resources: list[Any], effect: Any) -> bool:
    """An Allow of `*`/`service:*` (or of everything but a few actions) on every resource."""
    if str(effect or "Allow").lower() != "allow":
        return False
    all_resources = "*" in resources or bool(not_resources)
    wide_actions = any(is_service_wildcard(a) for a in actions) or bool(not_actions)
    return all_resources and wide_actions


# Kinesis Data Firehose: the block that holds each destination's settings, and the values of its
# s3_backup_mode that keep a copy of what could not be delivered.
FIREHOSE_DESTINATIONS = (
    "extended_s3", "iceberg", "http_endpoint", "redshift", "elasticsearch", "opensearch",
    "opensearchserverless", "splunk", "snowflake",
)


def firehose_destination(conf: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """(destination name, its configuration block); (None, None) when the destination is an expression."""
    destination = attr(conf, "destination")
    if not isinstance(destination, str) or is_expression(destination):
        return None, None
    return destination, first_block(conf, f"{destination}_configuration")


def firehose_s3_configuration(destination: str, block: dict[str, Any]) -> dict[str, Any] | None:
    """The S3 settings that receive failed records: the block itself for extended_s3, else its s3_configuration."""
    if destination == "extended_s3":
        return block
    return first_block(block, "s3_configuration")


# -- resource policies ----------------------------------------------------------------------------
# Resource type -> the attribute that holds its resource-based policy (JSON).
RESOURCE_POLICY_ATTRIBUTE = {
    "aws_sqs_queue_policy": "policy",
    "aws_sqs_queue": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_kms_key": "policy",
    "aws_cloudwatch_event_bus_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy",
    "aws_api_gateway_rest_api_policy": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_glue_resource_policy": "policy",
}

# Identity-based policies: resource type -> attribute ("inline_policy" blocks for aws_iam_role).
IDENTITY_POLICY_ATTRIBUTE = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
}

# Condition keys that tie a service principal's request to one source (AWS, "The confused deputy
# problem" and "AWS global condition context keys": aws:SourceArn, aws:SourceAccount, aws:SourceOrgID,
# aws:SourceOrgPaths).
SOURCE_CONDITION_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"})
# In a statement of KMS actions, services such as CloudWatch Logs and EventBridge name their source
# resource in the encryption context instead (kms:EncryptionContext:aws:logs:arn = the log group).
KMS_SOURCE_CONTEXT_PREFIX = "kms:encryptioncontext:aws:"
# Only positive operators restrict: a negated one, IfExists or ForAllValues also matches a request
# without the key.
_RESTRICTING_OPERATOR = re.compile(r"(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)",
                                   re.IGNORECASE)
# A statement of only these actions is a role trust policy, where sts:ExternalId or the role's own
# scope does the job (trust policies are out of scope of the resource-policy checks).
TRUST_ACTIONS = frozenset({"sts:assumerole", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"})


def principal_services(principal: Any) -> list[str]:
    """The service principals of a JSON statement's `Principal` ({"Service": ...}); [] for other principals."""
    principal = unwrap(principal)
    if not isinstance(principal, dict):
        return []
    return [str(v) for key, values in principal.items() if str(key).lower() == "service"
            for v in as_list(unwrap(values)) if v is not None]


def is_trust_statement(actions: list[Any]) -> bool:
    return bool(actions) and all(isinstance(a, str) and a.strip().lower() in TRUST_ACTIONS for a in actions)


def json_conditions(condition: Any) -> list[tuple[str, str, list[Any]]]:
    """(operator, key, values) of a JSON statement's `Condition` map."""
    condition = unwrap(condition)
    found: list[tuple[str, str, list[Any]]] = []
    if not isinstance(condition, dict):
        return found
    for operator, block in condition.items():
        block = unwrap(block)
        if isinstance(block, dict):
            found.extend((str(operator), str(key), as_list(unwrap(values))) for key, values in block.items())
    return found


def source_scoped(conditions: list[tuple[str, str, list[Any]]], actions: list[Any]) -> bool:
    """A restricting condition on a source key whose values are not a bare wildcard (None: unknown in a plan)."""
    kms_only = bool(actions) and all(isinstance(a, str) and a.lower().startswith("kms:") for a in actions)
    for operator, key, values in conditions:
        if not _RESTRICTING_OPERATOR.fullmatch(operator.strip()):
            continue
        name = key.strip().lower()
        source_key = name in SOURCE_CONDITION_KEYS or (kms_only and name.startswith(KMS_SOURCE_CONTEXT_PREFIX))
        if source_key and values and all(v is None or (isinstance(v, str) and v.strip() not in ("", "*"))
                                         for v in values):
            return True
    return False


def wide_actions(actions: list[Any]) -> list[str]:
    """The actions that grant a whole service (`service:*`) or everything (`*`)."""
    return [a for a in actions if is_service_wildcard(a)]
