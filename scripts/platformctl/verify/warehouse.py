"""Redshift Serverless: the workgroup is AVAILABLE with the intended capacity (real AWS only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformctl.verify.model import CheckResult

GROUP = "warehouse"
EMULATOR_REASON = (
    "moto has no Redshift Serverless: local plans the warehouse (build/local/plan.json) but never "
    "applies it, so there is no workgroup to check"
)


def check_workgroup(redshift: Any, warehouse: Mapping[str, Any], intended: Mapping[str, Any]) -> CheckResult:
    """`warehouse` is the env's `warehouse` output; `intended` is `EnvironmentInputs.warehouse`, dumped."""
    workgroup_name = warehouse.get("workgroup_name")
    name = f"workgroup {workgroup_name or intended.get('name')}: AVAILABLE with the intended capacity"
    if not workgroup_name:
        return CheckResult.failed(GROUP, name, "output warehouse.workgroup_name is empty: no workgroup is deployed")
    workgroup = redshift.get_workgroup(workgroupName=workgroup_name)["workgroup"]
    capacity = intended["capacity"]
    problems = []
    if workgroup.get("status") != "AVAILABLE":
        problems.append(f"status is {workgroup.get('status')}, not AVAILABLE")
    if capacity.get("base_capacity") is not None and workgroup.get("baseCapacity") != capacity["base_capacity"]:
        problems.append(f"baseCapacity is {workgroup.get('baseCapacity')}, intended {capacity['base_capacity']} RPU")
    if workgroup.get("maxCapacity") != capacity["max_capacity"]:
        problems.append(f"maxCapacity is {workgroup.get('maxCapacity')}, intended {capacity['max_capacity']} RPU")
    level = capacity.get("price_performance_level")
    if level is not None:
        target = workgroup.get("pricePerformanceTarget") or {}
        if target.get("status") != "ENABLED" or target.get("level") != level:
            problems.append(f"pricePerformanceTarget is {target or 'not set'}, intended level {level}")
    if problems:
        return CheckResult.failed(GROUP, name, problems[0], tuple(problems[1:]))
    base = workgroup.get("baseCapacity")
    return CheckResult.passed(GROUP, name, f"AVAILABLE, base {base} RPU, max {workgroup.get('maxCapacity')} RPU")
