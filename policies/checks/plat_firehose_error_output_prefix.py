"""CKV_PLAT_8: every Firehose delivery stream writes failed records under an error output prefix."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import (
    MISSING,
    attr,
    firehose_destination,
    firehose_s3_configuration,
    is_plan,
    is_set,
    unrendered_dynamic,
)


class FirehoseHasErrorOutputPrefix(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Firehose delivery streams set error_output_prefix on the S3 settings that receive failed records",
            id="CKV_PLAT_8",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_kinesis_firehose_delivery_stream"],
            guideline="policies/README.md#ckv_plat_8",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        destination, block = firehose_destination(conf)
        if destination is None:
            return CheckResult.UNKNOWN
        key = f"{destination}_configuration"
        self.evaluated_keys = [f"{key}/[0]/error_output_prefix" if destination == "extended_s3"
                               else f"{key}/[0]/s3_configuration/[0]/error_output_prefix"]
        s3 = firehose_s3_configuration(destination, block) if block is not None else None
        if s3 is None:
            nested_dynamic = block is not None and "s3_configuration" in unrendered_dynamic(block)
            if key in unrendered_dynamic(conf) or nested_dynamic:
                return CheckResult.UNKNOWN
            self.details.append(f"no {key} S3 settings")
            return CheckResult.FAILED
        value = attr(s3, "error_output_prefix")
        if is_set(value) or (is_plan(conf) and value is MISSING):
            return CheckResult.PASSED
        self.details.append("error_output_prefix is not set: failed records would mix with delivered data")
        return CheckResult.FAILED


check = FirehoseHasErrorOutputPrefix()
