"""CKV_PLAT_19: CloudWatch log groups are encrypted with a KMS key."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, is_plan, is_set


class CloudWatchLogGroupEncryptedWithKms(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch log groups set kms_key_id",
            id="CKV_PLAT_19",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_cloudwatch_log_group"],
            guideline="policies/README.md#ckv_plat_19",
        )
        self.severity = Severities[BcSeverities.MEDIUM]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["kms_key_id"]
        value = attr(conf, "kms_key_id")
        # Not computed: in a plan an absent kms_key_id is configured but unknown until apply.
        if is_set(value) or (is_plan(conf) and value is MISSING):
            return CheckResult.PASSED
        self.details.append("kms_key_id is not set")
        return CheckResult.FAILED


check = CloudWatchLogGroupEncryptedWithKms()
