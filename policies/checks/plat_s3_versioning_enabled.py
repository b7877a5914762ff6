"""CKV_PLAT_18: S3 bucket versioning configurations are Enabled."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import attr, first_block, is_expression, unrendered_dynamic


class S3VersioningEnabled(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='S3 bucket versioning configurations set status = "Enabled"',
            id="CKV_PLAT_18",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_s3_bucket_versioning"],
            guideline="policies/README.md#ckv_plat_18",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["versioning_configuration/[0]/status"]
        block = first_block(conf, "versioning_configuration")
        if block is None:
            if "versioning_configuration" in unrendered_dynamic(conf):
                return CheckResult.UNKNOWN
            self.details.append("no versioning_configuration block")
            return CheckResult.FAILED
        status = attr(block, "status")
        if is_expression(status):
            return CheckResult.UNKNOWN
        if status == "Enabled":
            return CheckResult.PASSED
        self.details.append(f"versioning status is {status!r}")
        return CheckResult.FAILED


check = S3VersioningEnabled()
