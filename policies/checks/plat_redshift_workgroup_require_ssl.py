"""CKV_PLAT_13: Redshift Serverless workgroups refuse connections without TLS (require_ssl)."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, attr, blocks, is_expression, unrendered_dynamic


class RedshiftServerlessWorkgroupRequiresSsl(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='Redshift Serverless workgroups set config_parameter require_ssl = "true"',
            id="CKV_PLAT_13",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_redshiftserverless_workgroup"],
            guideline="policies/README.md#ckv_plat_13",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["config_parameter"]
        for parameter in blocks(conf, "config_parameter"):
            if attr(parameter, "parameter_key") != "require_ssl":
                continue
            value = attr(parameter, "parameter_value")
            if is_expression(value):
                return CheckResult.UNKNOWN
            if as_bool(value) is True:
                return CheckResult.PASSED
            self.details.append(f"require_ssl is {value!r}")
            return CheckResult.FAILED
        if "config_parameter" in unrendered_dynamic(conf):
            return CheckResult.UNKNOWN  # HCL: parameters from a for_each the plan scan renders
        self.details.append("no config_parameter require_ssl")
        return CheckResult.FAILED


check = RedshiftServerlessWorkgroupRequiresSsl()
