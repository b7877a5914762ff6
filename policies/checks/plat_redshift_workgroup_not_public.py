"""CKV_PLAT_11: Redshift Serverless workgroups are not publicly accessible."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, attr, is_expression


class RedshiftServerlessWorkgroupNotPublic(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Redshift Serverless workgroups set publicly_accessible = false explicitly",
            id="CKV_PLAT_11",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_redshiftserverless_workgroup"],
            guideline="policies/README.md#ckv_plat_11",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["publicly_accessible"]
        value = attr(conf, "publicly_accessible")
        if is_expression(value):
            return CheckResult.UNKNOWN
        if as_bool(value) is False:
            return CheckResult.PASSED
        self.details.append("publicly_accessible is true" if as_bool(value) else "publicly_accessible is not set")
        return CheckResult.FAILED


check = RedshiftServerlessWorkgroupNotPublic()
