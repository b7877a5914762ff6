"""CKV_PLAT_12: Redshift Serverless workgroups route COPY/UNLOAD traffic through the VPC."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, attr, is_expression


class RedshiftServerlessWorkgroupEnhancedVpcRouting(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Redshift Serverless workgroups set enhanced_vpc_routing = true",
            id="CKV_PLAT_12",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_redshiftserverless_workgroup"],
            guideline="policies/README.md#ckv_plat_12",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["enhanced_vpc_routing"]
        value = attr(conf, "enhanced_vpc_routing")
        if is_expression(value):
            return CheckResult.UNKNOWN
        if as_bool(value) is True:
            return CheckResult.PASSED
        self.details.append(f"enhanced_vpc_routing is {value!r}")
        return CheckResult.FAILED


check = RedshiftServerlessWorkgroupEnhancedVpcRouting()
