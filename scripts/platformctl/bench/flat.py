"""The flat baseline: the same resource instances as a case's plan, in one root without modules.

Generated from the case's plan JSON (`terraform show -json`) and the provider schema:

- one `resource` block per managed resource instance of the plan, named after its address, on the
  same provider alias (so the same accounts and the same provider processes);
- every configurable attribute and nested block with the value the plan knows, as a literal;
- attributes the plan only knows after apply (ids and ARNs of other resources) but that the
  configuration sets are replaced by literal stand-ins of the right shape (an ARN, a JSON policy,
  a URL...). Computed-only attributes are left out.

So the baseline has no modules, variables, locals, data sources, references, validations or
preconditions: it is what planning these resources costs at least. The ratio of a case's plan time
to its baseline's is the overhead of the module structure (module expansion, data sources such as
policy documents, unknown-value propagation along references). This is a lower bound on purpose;
docs/performance.md says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from platformctl.planjson import Plan

STANDIN_ACCOUNT = "111111111111"
_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Standin",
                "Effect": "Allow",
                "Action": "sts:GetCallerIdentity",
                "Resource": "*",
                "Principal": {"AWS": f"arn:aws:iam::{STANDIN_ACCOUNT}:root"},
            }
        ],
    },
    separators=(",", ":"),
)


@dataclass
class FlatRoot:
    """main.tf.json of the baseline, and what it contains."""

    document: dict[str, Any]
    resources: int = 0
    standins: int = 0  # attribute values replaced by stand-ins
    by_alias: dict[str, int] = field(default_factory=dict)


def escape_template(value: Any) -> Any:
    """Literal strings in .tf.json are templates: escape `${` and `%{` so they stay literal."""
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return [escape_template(v) for v in value]
    if isinstance(value, dict):
        return {k: escape_template(v) for k, v in value.items()}
    return value


def standin(name: str, attribute_type: Any) -> Any:
    """A literal value of the right shape for an attribute known only after apply."""
    kind = attribute_type[0] if isinstance(attribute_type, list) else attribute_type
    if kind == "number":
        return 1
    if kind == "bool":
        return False
    if kind in ("list", "set"):
        return [standin(name, attribute_type[1])]
    if kind in ("map", "object"):
        return {}
    lowered = name.lower()
    if "policy" in lowered:
        return _POLICY
    if "kms" in lowered or lowered in ("key_id", "target_key_id"):
        return f"arn:aws:kms:us-east-1:{STANDIN_ACCOUNT}:key/00000000-0000-4000-8000-000000000000"
    if "url" in lowered:
        return "https://standin.example.com/"
    if lowered in ("name", "role") or lowered.endswith("_name"):
        return "bench-standin"
    # Most attributes known only after apply are ARNs or ids of other resources; an ARN passes the
    # provider's ARN validators and is as good as any string where an id is expected.
    return f"arn:aws:iam::{STANDIN_ACCOUNT}:role/bench-standin"


def _configurable(spec: dict[str, Any]) -> bool:
    return bool(spec.get("required") or spec.get("optional"))


def _block_value(
    block: dict[str, Any], after: dict[str, Any], unknown: Any, configured: dict[str, Any] | None, root: FlatRoot
) -> dict[str, Any]:
    """Literal attributes of one (nested) block instance."""
    unknown = unknown if isinstance(unknown, dict) else {}
    values: dict[str, Any] = {}
    for name, spec in block.get("attributes", {}).items():
        if not _configurable(spec) or spec.get("deprecated"):
            continue
        value = after.get(name)
        if unknown.get(name) is True:
            # Only what the configuration sets: an unset optional+computed attribute stays unset.
            if spec.get("required") or (configured is None or name in configured):
                values[name] = standin(name, spec.get("type", "string"))
                root.standins += 1
            continue
        # Unset optional attributes read back as zero values ("", [], {}) in planned values.
        if value is None or value in ("", [], {}):
            continue
        # A false or 0 the configuration does not set is a schema default: setting it explicitly
        # can break "exactly one of" rules (e.g. Lake Formation permission targets).
        if configured is not None and name not in configured and value in (False, 0):
            continue
        values[name] = escape_template(value)
    for name, nested in block.get("block_types", {}).items():
        items = after.get(name)
        if not items:
            continue
        items = items if isinstance(items, list) else [items]
        unknowns = unknown.get(name) if isinstance(unknown.get(name), list) else []
        rendered = []
        for index, item in enumerate(items):
            nested_unknown = unknowns[index] if index < len(unknowns) else {}
            nested_config = _nested_config(configured, name, index)
            rendered.append(_block_value(nested["block"], item or {}, nested_unknown, nested_config, root))
        values[name] = rendered
    return values


def _nested_config(configured: dict[str, Any] | None, name: str, index: int) -> dict[str, Any] | None:
    if configured is None:
        return None
    nested = configured.get(name)
    if isinstance(nested, list):
        # Dynamic blocks are not listed in expressions: treat their contents as configured.
        return nested[index] if index < len(nested) and isinstance(nested[index], dict) else None
    return None


def flat_name(address: str) -> str:
    """A unique, valid resource name for an instance address."""
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", address.replace("module.", "")).strip("_")
    digest = hashlib.sha1(address.encode()).hexdigest()[:6]
    return f"r_{cleaned[-80:]}_{digest}"


def build_flat_root(plan: dict[str, Any], schemas: dict[str, Any]) -> FlatRoot:
    """main.tf.json of the baseline for `plan`; `schemas` maps resource type -> schema block
    (`terraform providers schema -json` ... resource_schemas[type].block)."""
    reader = Plan(plan)
    root = FlatRoot(document={})
    resources: dict[str, dict[str, Any]] = {}
    for change in reader.managed():
        schema = schemas.get(change.type)
        if schema is None:
            raise KeyError(f"no provider schema for {change.type} ({change.address})")
        config = reader.resource_config(change.parsed)
        body = _block_value(schema, change.after, change.after_unknown, config.get("expressions"), root)
        alias = config.get("provider_config_key", "aws")
        if alias != "aws":
            body["provider"] = alias if alias.startswith("aws.") else f"aws.{alias.rsplit(':', 1)[-1]}"
        root.by_alias[body.get("provider", "aws")] = root.by_alias.get(body.get("provider", "aws"), 0) + 1
        resources.setdefault(change.type, {})[flat_name(change.address)] = body
        root.resources += 1
    root.document = {
        "//": "Flat benchmark baseline generated by `platformctl bench` from a case's plan JSON; not applied.",
        "resource": {rtype: dict(sorted(items.items())) for rtype, items in sorted(resources.items())},
    }
    return root


def flat_variables() -> dict[str, Any]:
    """The root variables the copied providers.tf.json refers to."""
    return {"variable": {"emulator_endpoint": {"type": "string", "default": "http://127.0.0.1:5000"}}}
