"""CKV_PLAT_5: every API Gateway REST API stage writes access logs."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, first_block, is_plan, is_set, unrendered_dynamic


class ApiGatewayStageHasAccessLogs(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="API Gateway stages have access_log_settings with a destination and a format",
            id="CKV_PLAT_5",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_api_gateway_stage"],
            guideline="policies/README.md#ckv_plat_5",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["access_log_settings"]
        settings = first_block(conf, "access_log_settings")
        if settings is None:
            if "access_log_settings" in unrendered_dynamic(conf):
                return CheckResult.UNKNOWN
            self.details.append("no access_log_settings block")
            return CheckResult.FAILED
        plan = is_plan(conf)
        for key in ("destination_arn", "format"):
            value = attr(settings, key)
            # In a plan an absent key is unknown until apply (e.g. the log group ARN): it is configured.
            if not (is_set(value) or (plan and value is MISSING)):
                self.details.append(f"access_log_settings.{key} is empty")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = ApiGatewayStageHasAccessLogs()
