"""CKV_PLAT_1: every taggable AWS resource carries the platform's mandatory tags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, is_expression, is_plan, tag_map

MANDATORY_TAGS = ("CostCenter", "Environment", "Owner", "DataClassification")
TAGGABLE_FILE = Path(__file__).resolve().parents[1] / "data" / "aws_taggable_resources.json"


class MandatoryTagsOnTaggableResources(BaseResourceCheck):
    def __init__(self) -> None:
        types = json.loads(TAGGABLE_FILE.read_text())["resource_types"]
        super().__init__(
            name=f"Taggable AWS resources carry the mandatory tags {', '.join(MANDATORY_TAGS)}",
            id="CKV_PLAT_1",
            categories=[CheckCategories.CONVENTION],
            supported_resources=types,
            guideline="policies/README.md#ckv_plat_1",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        plan = is_plan(conf)
        # In a plan, tags_all is what AWS receives (resource tags merged over provider default_tags).
        candidates = [attr(conf, "tags_all"), attr(conf, "tags")] if plan else [attr(conf, "tags")]
        self.evaluated_keys = ["tags_all", "tags"] if plan else ["tags"]
        tags = next((t for t in (tag_map(c) for c in candidates if c not in (MISSING, None)) if t is not None), None)
        if tags is None:
            if any(is_expression(c) for c in candidates) or (plan and all(c is MISSING for c in candidates)):
                # HCL: var.tags that checkov could not resolve. Plan: the map is unknown until apply (a value
                # computed from another resource). Either way undecidable here.
                return CheckResult.UNKNOWN
            self.details.append(f"no tags; required: {', '.join(MANDATORY_TAGS)}")
            return CheckResult.FAILED
        missing = [k for k in MANDATORY_TAGS if k not in tags or tags[k] in ("", None)]
        if not missing:
            return CheckResult.PASSED
        if not plan:
            # HCL: checkov substitutes {} for a map variable it cannot resolve (var.tags in a module, or inside
            # merge(var.tags, {...})), so a partial map here proves nothing; the plan scan decides.
            return CheckResult.UNKNOWN
        self.details.append(f"missing tags: {', '.join(missing)}")
        return CheckResult.FAILED


check = MandatoryTagsOnTaggableResources()
