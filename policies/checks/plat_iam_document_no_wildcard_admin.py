"""CKV_PLAT_3: no aws_iam_policy_document statement allows `*` or `service:*` actions on every resource."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.parser_functions import handle_dynamic_values
from plat_helpers import as_list, attr, blocks, grants_wildcard_admin


class IamPolicyDocumentNoWildcardActionOnAllResources(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name='aws_iam_policy_document statements do not allow "*" or "service:*" actions on every resource',
            id="CKV_PLAT_3",
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
            guideline="policies/README.md#ckv_plat_3",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        handle_dynamic_values(conf)
        self.evaluated_keys = ["statement"]
        for index, statement in enumerate(blocks(conf, "statement")):
            # A statement written with `dynamic` that checkov could not render has expressions here, never "*".
            if grants_wildcard_admin(
                actions=as_list(attr(statement, "actions")),
                not_actions=as_list(attr(statement, "not_actions")),
                resources=as_list(attr(statement, "resources")),
                not_resources=as_list(attr(statement, "not_resources")),
                effect=attr(statement, "effect") or "Allow",
            ):
                sid = attr(statement, "sid") or f"#{index}"
                self.details.append(f"statement {sid} allows {attr(statement, 'actions')} on every resource")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = IamPolicyDocumentNoWildcardActionOnAllResources()
