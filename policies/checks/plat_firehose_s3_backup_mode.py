"""CKV_PLAT_9: Firehose destinations keep what they could not deliver in S3 (s3_backup_mode)."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import attr, firehose_destination, is_expression, unrendered_dynamic

# Values of s3_backup_mode that back up at least the failed records, per destination.
BACKUP_MODES = {
    "iceberg": {"FailedDataOnly", "AllData"},
    "http_endpoint": {"FailedDataOnly", "AllData"},
    "snowflake": {"FailedDataOnly", "AllData"},
    "elasticsearch": {"FailedDocumentsOnly", "AllDocuments"},
    "opensearch": {"FailedDocumentsOnly", "AllDocuments"},
    "opensearchserverless": {"FailedDocumentsOnly", "AllDocuments"},
    "splunk": {"FailedEventsOnly", "AllEvents"},
}
# extended_s3 and redshift have no failed-data backup mode: their s3_backup_mode (Disabled/Enabled) copies
# *source* records. extended_s3 writes failed records under error_output_prefix (CKV_PLAT_8) and redshift
# keeps failed COPY input in its intermediate bucket, so the check passes them.
NO_FAILED_DATA_MODE = {"extended_s3", "redshift"}


class FirehoseBacksUpFailedData(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Firehose destinations set s3_backup_mode to back up failed (or all) records",
            id="CKV_PLAT_9",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_kinesis_firehose_delivery_stream"],
            guideline="policies/README.md#ckv_plat_9",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        destination, block = firehose_destination(conf)
        if destination is None:
            return CheckResult.UNKNOWN
        key = f"{destination}_configuration"
        self.evaluated_keys = [f"{key}/[0]/s3_backup_mode"]
        if destination in NO_FAILED_DATA_MODE:
            return CheckResult.PASSED
        if block is None:
            if key in unrendered_dynamic(conf):
                return CheckResult.UNKNOWN
            self.details.append(f"no {key} block")
            return CheckResult.FAILED
        mode = attr(block, "s3_backup_mode")
        if is_expression(mode):
            return CheckResult.UNKNOWN
        allowed = BACKUP_MODES.get(destination)
        if allowed is None or mode in allowed:
            return CheckResult.PASSED
        self.details.append(f"s3_backup_mode is {mode!r}; set one of {', '.join(sorted(allowed))}")
        return CheckResult.FAILED


check = FirehoseBacksUpFailedData()
