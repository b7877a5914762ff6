"""CKV_PLAT_10: Direct PUT Firehose delivery streams encrypt at rest with a customer managed KMS key."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, as_bool, attr, blocks, first_block, is_expression, is_plan, is_set, unrendered_dynamic

SOURCE_BLOCKS = ("kinesis_source_configuration", "msk_source_configuration")


class FirehoseEncryptedWithCustomerManagedKey(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Direct PUT Firehose delivery streams enable server_side_encryption with CUSTOMER_MANAGED_CMK",
            id="CKV_PLAT_10",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_kinesis_firehose_delivery_stream"],
            guideline="policies/README.md#ckv_plat_10",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["server_side_encryption"]
        if unrendered_dynamic(conf) & {*SOURCE_BLOCKS, "server_side_encryption"}:
            return CheckResult.UNKNOWN  # HCL cannot tell whether a dynamic source/SSE block exists
        if any(blocks(conf, key) for key in SOURCE_BLOCKS):
            # Firehose rejects its own SSE when it reads from a Kinesis stream or MSK topic: the source
            # encrypts the data at rest, so the stream is exempt.
            return CheckResult.PASSED
        sse = first_block(conf, "server_side_encryption")
        if sse is None:
            self.details.append("no server_side_encryption block")
            return CheckResult.FAILED
        enabled, key_type, key_arn = attr(sse, "enabled"), attr(sse, "key_type"), attr(sse, "key_arn")
        if is_expression(enabled) or is_expression(key_type):
            return CheckResult.UNKNOWN
        if as_bool(enabled) is not True:
            self.details.append("server_side_encryption.enabled is not true")
            return CheckResult.FAILED
        if key_type != "CUSTOMER_MANAGED_CMK":
            self.details.append(f"server_side_encryption.key_type is {key_type!r}, not CUSTOMER_MANAGED_CMK")
            return CheckResult.FAILED
        if not (is_set(key_arn) or (is_plan(conf) and key_arn is MISSING)):
            self.details.append("server_side_encryption.key_arn is not set")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = FirehoseEncryptedWithCustomerManagedKey()
