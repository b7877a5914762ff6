"""Test-side shorthands over the one plan reader (platformctl.planjson.Plan)."""

from __future__ import annotations

from typing import Any

from platformctl.planjson import UNKNOWN, Plan

__all__ = ["UNKNOWN", "module_expression", "only", "planned_changes", "resources_of_type"]


def resources_of_type(plan: dict[str, Any], resource_type: str, under: str = "") -> list[dict[str, Any]]:
    """planned_values resources of one managed type, under an address prefix."""
    return [
        r for r in Plan(plan).planned_resources()
        if r["type"] == resource_type and r.get("mode") == "managed" and r["address"].startswith(under)
    ]


def only(plan: dict[str, Any], resource_type: str, under: str = "") -> dict[str, Any]:
    found = resources_of_type(plan, resource_type, under)
    if len(found) != 1:
        raise AssertionError(f"expected one {resource_type} under {under!r}, found {[r['address'] for r in found]}")
    return found[0]


def planned_changes(plan: dict[str, Any], resource_type: str, under: str = "") -> dict[str, dict[str, Any]]:
    """Address -> planned attributes (values known only after apply shown as UNKNOWN)."""
    return {change.address: change.planned() for change in Plan(plan).managed(resource_type, under=under)}


def module_expression(plan: dict[str, Any], module_path: list[str], resource: str, attribute: str) -> Any:
    """The constant value an attribute is written with in the configuration (module_path: call names)."""
    module = Plan(plan).config_module(module_path)
    for block in (module or {}).get("resources", []):
        if block["address"] == resource:
            return block["expressions"].get(attribute, {}).get("constant_value")
    raise KeyError(f"{'.'.join(module_path)}: no resource {resource}")
