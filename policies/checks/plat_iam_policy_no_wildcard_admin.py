"""CKV_PLAT_2: no IAM policy allows `*` or `service:*` actions on `Resource: "*"`."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_list, attr, blocks, grants_wildcard_admin, policy_document, statements

# Resource type -> where its identity-based policy documents live.
POLICY_ATTRIBUTE = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
}


class IamPolicyNoWildcardActionOnAllResources(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='IAM policies do not allow "*" or "service:*" actions on Resource "*"',
            id="CKV_PLAT_2",
            categories=[CheckCategories.IAM],
            supported_resources=[*POLICY_ATTRIBUTE, "aws_iam_role"],
            guideline="policies/README.md#ckv_plat_2",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def _documents(self, conf: dict[str, Any]) -> list[Any]:
        if self.entity_type == "aws_iam_role":
            self.evaluated_keys = ["inline_policy/[*]/policy"]
            return [attr(block, "policy") for block in blocks(conf, "inline_policy")]
        self.evaluated_keys = [POLICY_ATTRIBUTE[self.entity_type]]
        return [attr(conf, POLICY_ATTRIBUTE[self.entity_type])]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        raw_documents = self._documents(conf)
        if self.entity_type == "aws_iam_role" and not raw_documents:
            return CheckResult.PASSED  # no inline policies: nothing granted here
        unknown = False
        for raw in raw_documents:
            document = policy_document(raw)
            if document is None:
                unknown = True  # data.aws_iam_policy_document.x.json: CKV_PLAT_3 checks the document itself
                continue
            for statement in statements(document):
                if grants_wildcard_admin(
                    actions=as_list(statement.get("Action")),
                    not_actions=as_list(statement.get("NotAction")),
                    resources=as_list(statement.get("Resource")),
                    not_resources=as_list(statement.get("NotResource")),
                    effect=statement.get("Effect"),
                ):
                    self.details.append(f"statement {statement.get('Sid') or '(no Sid)'} allows "
                                        f"{statement.get('Action') or 'NotAction'} on every resource")
                    return CheckResult.FAILED
        return CheckResult.UNKNOWN if unknown else CheckResult.PASSED


check = IamPolicyNoWildcardActionOnAllResources()
