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


def action_counts(plan: dict[str, Any]) -> dict[str, int]:
    """create/update/delete counts as GitLab's terraform report counts them (a replace is both)."""
    counts = {"create": 0, "update": 0, "delete": 0}
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        for action in ("create", "update", "delete"):
            if action in actions:
                counts[action] += 1
    return counts
