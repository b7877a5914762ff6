"""CKV_PLAT_26: no aws_iam_policy_document statement allows `*` or `service:*` actions, on any resource."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.parser_functions import handle_dynamic_values
from plat_helpers import as_list, attr, blocks, wide_actions


class PolicyDocumentNoServiceWildcardAction(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name='aws_iam_policy_document statements do not allow "*" or "service:*" actions (or not_actions), '
            "on any resource",
            id="CKV_PLAT_26",
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
            guideline="policies/README.md#ckv_plat_26",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        handle_dynamic_values(conf)
        self.evaluated_keys = ["statement"]
        for index, statement in enumerate(blocks(conf, "statement")):
            if str(attr(statement, "effect") or "Allow").lower() != "allow":
                continue
            wide = wide_actions(as_list(attr(statement, "actions")))
            not_actions = [a for a in as_list(attr(statement, "not_actions")) if a is not None]
            if wide or not_actions:
                sid = attr(statement, "sid") or f"#{index}"
                granted = ", ".join(wide) if wide else f"everything but not_actions {not_actions}"
                self.details.append(f"statement {sid} allows {granted}: list the actions the principal needs")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = PolicyDocumentNoServiceWildcardAction()
