"""CKV_PLAT_22: SQS queues have a dead-letter queue, unless they are one (named *-dlq)."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import attr, is_expression, is_plan, is_set

# The naming convention of dead-letter queues; PLAT_PLAN_4 also accepts queues referenced as a DLQ.
DLQ_NAME = re.compile(r".*[-_]dlq(\.fifo)?", re.IGNORECASE)


class SqsQueueHasDeadLetterQueue(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="SQS queues set a redrive_policy (a dead-letter queue) unless named *-dlq",
            id="CKV_PLAT_22",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_sqs_queue"],
            guideline="policies/README.md#ckv_plat_22",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["redrive_policy", "name"]
        # redrive_policy is optional + computed: a plan shows it when known, or checkov's reference to the
        # DLQ (aws_sqs_queue.dlq.arn) when it is built from the DLQ's unknown ARN.
        if is_set(attr(conf, "redrive_policy")):
            return CheckResult.PASSED
        name = attr(conf, "name")
        if not isinstance(name, str) or not name:
            name = attr(conf, "name_prefix")
        if isinstance(name, str) and DLQ_NAME.fullmatch(name.strip()):
            return CheckResult.PASSED
        if is_expression(name) and not is_plan(conf):
            return CheckResult.UNKNOWN  # HCL: "${var.name}" may end in -dlq; the plan scan sees the name
        self.details.append("no redrive_policy and the queue is not named *-dlq")
        return CheckResult.FAILED


check = SqsQueueHasDeadLetterQueue()
