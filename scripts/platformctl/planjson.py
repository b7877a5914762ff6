"""Small helpers to read `terraform show -json` plan documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def planned_resources(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource in planned_values, depth first through child modules."""
    stack = [plan.get("planned_values", {}).get("root_module", {})]
    while stack:
        module = stack.pop()
        yield from module.get("resources", [])
        stack.extend(reversed(module.get("child_modules", [])))


def resources_of_type(plan: dict[str, Any], resource_type: str, under: str = "") -> list[dict[str, Any]]:
    return [r for r in planned_resources(plan)
            if r["type"] == resource_type and r.get("mode") == "managed" and r["address"].startswith(under)]


def only(plan: dict[str, Any], resource_type: str, under: str = "") -> dict[str, Any]:
    found = resources_of_type(plan, resource_type, under)
    if len(found) != 1:
        raise AssertionError(f"expected one {resource_type} under {under!r}, found {[r['address'] for r in found]}")
    return found[0]


UNKNOWN = "(known after apply)"


def _merge_unknown(after: Any, unknown: Any) -> Any:
    if unknown is True:
        return UNKNOWN
    if isinstance(after, dict) and isinstance(unknown, dict):
        merged = dict(after)
        for key, flag in unknown.items():
            merged[key] = _merge_unknown(after.get(key), flag)
        return merged
    if isinstance(after, list) and isinstance(unknown, list):
        return [_merge_unknown(a, u) for a, u in zip(after, unknown, strict=False)] + after[len(unknown):]
    return after


def planned_changes(plan: dict[str, Any], resource_type: str, under: str = "") -> dict[str, dict[str, Any]]:
    """Address -> planned attributes, with values only known after apply shown as UNKNOWN.

    planned_values leaves unknown attributes out altogether, which reads like "not set"."""
    return {
        change["address"]: _merge_unknown(change["change"]["after"] or {}, change["change"].get("after_unknown", {}))
        for change in plan.get("resource_changes", [])
        if change["type"] == resource_type and change.get("mode") == "managed"
        and change["address"].startswith(under) and change["change"]["actions"] != ["delete"]
    }


def module_expression(plan: dict[str, Any], module_path: list[str], resource: str, attribute: str) -> Any:
    """The constant value an attribute is written with in the configuration (module_path: call names)."""
    module = plan["configuration"]["root_module"]
    for name in module_path:
        module = module["module_calls"][name]["module"]
    for block in module.get("resources", []):
        if block["address"] == resource:
            return block["expressions"].get(attribute, {}).get("constant_value")
    raise KeyError(f"{'.'.join(module_path)}: no resource {resource}")
