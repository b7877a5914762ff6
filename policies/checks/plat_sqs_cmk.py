"""CKV_PLAT_21: SQS queues are encrypted with a customer managed KMS key."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, is_plan, is_set


class SqsQueueEncryptedWithCmk(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="SQS queues set kms_master_key_id (SQS-managed SSE is not enough)",
            id="CKV_PLAT_21",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_sqs_queue"],
            guideline="policies/README.md#ckv_plat_21",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["kms_master_key_id"]
        value = attr(conf, "kms_master_key_id")
        # Not computed: in a plan an absent key id is configured but unknown until apply.
        if (is_set(value) and value != "alias/aws/sqs") or (is_plan(conf) and value is MISSING):
            return CheckResult.PASSED
        self.details.append("kms_master_key_id is not set to a customer managed key")
        return CheckResult.FAILED


check = SqsQueueEncryptedWithCmk()
