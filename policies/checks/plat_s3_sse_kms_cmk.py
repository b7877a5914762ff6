"""CKV_PLAT_16: S3 default encryption is SSE-KMS with a customer managed key."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, attr, blocks, first_block, is_expression, is_plan, is_set, unrendered_dynamic

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


class S3DefaultEncryptionIsKmsWithCmk(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="S3 bucket encryption configurations use aws:kms (or aws:kms:dsse) with a kms_master_key_id",
            id="CKV_PLAT_16",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_s3_bucket_server_side_encryption_configuration"],
            guideline="policies/README.md#ckv_plat_16",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["rule/[*]/apply_server_side_encryption_by_default"]
        rules = blocks(conf, "rule")
        if not rules:
            if "rule" in unrendered_dynamic(conf):
                return CheckResult.UNKNOWN
            self.details.append("no rule block")
            return CheckResult.FAILED
        for rule in rules:
            default = first_block(rule, "apply_server_side_encryption_by_default")
            if default is None:
                self.details.append("a rule has no apply_server_side_encryption_by_default")
                return CheckResult.FAILED
            algorithm, key = attr(default, "sse_algorithm"), attr(default, "kms_master_key_id")
            if is_expression(algorithm):
                return CheckResult.UNKNOWN
            if algorithm not in KMS_ALGORITHMS:
                self.details.append(f"sse_algorithm is {algorithm!r}, not aws:kms")
                return CheckResult.FAILED
            # Without kms_master_key_id S3 uses the AWS managed aws/s3 key. Not computed: absent in a plan
            # means configured but unknown until apply (a key created alongside).
            if not (is_set(key) or (is_plan(conf) and key is MISSING)):
                self.details.append("kms_master_key_id is not set (the AWS managed aws/s3 key would be used)")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = S3DefaultEncryptionIsKmsWithCmk()
