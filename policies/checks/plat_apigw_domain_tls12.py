"""CKV_PLAT_7: API Gateway custom domain names negotiate TLS 1.2 or newer only."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, first_block, is_expression, unrendered_dynamic

# TLS_1_2 (both APIs) and the enhanced policies such as SecurityPolicy_TLS13_1_3_2025_09 or
# SecurityPolicy_TLS12_PFS_2025_EDGE (minimum TLS 1.2 or 1.3). TLS_1_0 and anything else fails.
TLS12_OR_NEWER = re.compile(r"TLS_1_[23]|SecurityPolicy_TLS1[23]_.*")


class ApiGatewayDomainNameTls12OrNewer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="API Gateway domain names set a TLS 1.2+ security_policy explicitly",
            id="CKV_PLAT_7",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name"],
            guideline="policies/README.md#ckv_plat_7",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_apigatewayv2_domain_name":
            self.evaluated_keys = ["domain_name_configuration/[0]/security_policy"]
            block = first_block(conf, "domain_name_configuration")
            if block is None:
                if "domain_name_configuration" in unrendered_dynamic(conf):
                    return CheckResult.UNKNOWN
                self.details.append("no domain_name_configuration block")
                return CheckResult.FAILED
            value = attr(block, "security_policy")
        else:
            self.evaluated_keys = ["security_policy"]
            value = attr(conf, "security_policy")
        if is_expression(value):
            return CheckResult.UNKNOWN
        if isinstance(value, str) and TLS12_OR_NEWER.fullmatch(value):
            return CheckResult.PASSED
        # A plan leaves an unset security_policy out (optional + computed): it must be written down.
        self.details.append("security_policy is not set" if value in (MISSING, None) else f"security_policy is {value}")
        return CheckResult.FAILED


check = ApiGatewayDomainNameTls12OrNewer()
