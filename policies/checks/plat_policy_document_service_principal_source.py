"""CKV_PLAT_24: a policy document that lets an AWS service in names the source (aws:SourceArn/SourceAccount/...)."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.parser_functions import handle_dynamic_values
from plat_helpers import as_list, attr, blocks, is_trust_statement, source_scoped


class PolicyDocumentServicePrincipalHasSourceCondition(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name="aws_iam_policy_document statements that allow an AWS service principal restrict it with "
            "aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths (trust policies excepted)",
            id="CKV_PLAT_24",
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
            guideline="policies/README.md#ckv_plat_24",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        handle_dynamic_values(conf)
        self.evaluated_keys = ["statement"]
        for index, statement in enumerate(blocks(conf, "statement")):
            if str(attr(statement, "effect") or "Allow").lower() != "allow":
                continue
            services = [str(i) for p in blocks(statement, "principals")
                        if str(attr(p, "type")).lower() == "service"
                        for i in as_list(attr(p, "identifiers")) if i is not None]
            actions = as_list(attr(statement, "actions"))
            if not services or is_trust_statement(actions):
                continue
            conditions = [(str(attr(c, "test")), str(attr(c, "variable")), as_list(attr(c, "values")))
                          for c in blocks(statement, "condition")]
            if not source_scoped(conditions, actions):
                sid = attr(statement, "sid") or f"#{index}"
                self.details.append(f"statement {sid} allows {', '.join(services)} without an aws:SourceArn/"
                                    "aws:SourceAccount/aws:SourceOrgID condition (confused deputy)")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = PolicyDocumentServicePrincipalHasSourceCondition()
