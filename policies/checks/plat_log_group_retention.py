"""CKV_PLAT_20: CloudWatch log groups expire their events (retention_in_days > 0)."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, as_int, attr, is_expression, is_plan


class CloudWatchLogGroupHasRetention(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch log groups set retention_in_days greater than 0 (0 keeps events forever)",
            id="CKV_PLAT_20",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_log_group"],
            guideline="policies/README.md#ckv_plat_20",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["retention_in_days"]
        value = attr(conf, "retention_in_days")
        if is_expression(value) or (is_plan(conf) and value is MISSING):
            return CheckResult.UNKNOWN
        days = as_int(value)
        if days is not None and days > 0:
            return CheckResult.PASSED
        if days is None and value not in (MISSING, None) and not is_plan(conf):
            # A value the HCL scan could not resolve (e.g. from an `any`-typed root input): the plan decides.
            return CheckResult.UNKNOWN
        self.details.append("retention_in_days is not set" if value in (MISSING, None) else
                            f"retention_in_days is {value!r}")
        return CheckResult.FAILED


check = CloudWatchLogGroupHasRetention()
