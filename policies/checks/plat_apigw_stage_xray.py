"""CKV_PLAT_6: every API Gateway REST API stage has X-Ray tracing on."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, attr, is_expression


class ApiGatewayStageHasXrayTracing(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="API Gateway stages set xray_tracing_enabled = true",
            id="CKV_PLAT_6",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_api_gateway_stage"],
            guideline="policies/README.md#ckv_plat_6",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["xray_tracing_enabled"]
        value = attr(conf, "xray_tracing_enabled")
        if is_expression(value):
            return CheckResult.UNKNOWN
        if as_bool(value) is True:
            return CheckResult.PASSED
        self.details.append(f"xray_tracing_enabled is {value!r}")
        return CheckResult.FAILED


check = ApiGatewayStageHasXrayTracing()
