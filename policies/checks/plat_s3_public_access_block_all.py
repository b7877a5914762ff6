"""CKV_PLAT_17: S3 public access blocks turn on all four settings."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, attr, is_expression

SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


class S3PublicAccessBlockAllSettingsOn(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="S3 public access blocks set block_public_acls, block_public_policy, ignore_public_acls and "
            "restrict_public_buckets to true",
            id="CKV_PLAT_17",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_s3_bucket_public_access_block"],
            guideline="policies/README.md#ckv_plat_17",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = list(SETTINGS)
        values = {key: attr(conf, key) for key in SETTINGS}
        off = [key for key, value in values.items() if as_bool(value) is not True and not is_expression(value)]
        if off:
            self.details.append(f"not true: {', '.join(off)}")
            return CheckResult.FAILED
        if any(is_expression(v) for v in values.values()):
            return CheckResult.UNKNOWN
        return CheckResult.PASSED


check = S3PublicAccessBlockAllSettingsOn()
