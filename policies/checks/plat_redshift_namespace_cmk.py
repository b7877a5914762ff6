"""CKV_PLAT_15: Redshift Serverless namespaces encrypt with a customer managed KMS key."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import attr, is_set


class RedshiftServerlessNamespaceEncryptedWithCmk(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Redshift Serverless namespaces set kms_key_id (customer managed key)",
            id="CKV_PLAT_15",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_redshiftserverless_namespace"],
            guideline="policies/README.md#ckv_plat_15",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["kms_key_id"]
        # kms_key_id is optional + computed, so an absent value in a plan can mean "AWS-owned key". A key
        # created in the same configuration shows up as checkov's reference (aws_kms_key.x.arn), a known
        # key as its ARN; pass the key from a resource or a literal ARN, not through an unknown variable.
        value = attr(conf, "kms_key_id")
        if is_set(value) and value != "AWS_OWNED_KMS_KEY":
            return CheckResult.PASSED
        self.details.append("kms_key_id is not set to a customer managed key")
        return CheckResult.FAILED


check = RedshiftServerlessNamespaceEncryptedWithCmk()
