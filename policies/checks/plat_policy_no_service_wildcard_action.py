"""CKV_PLAT_25: no identity or resource policy allows `*` or `service:*` actions, on any resource."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import (
    IDENTITY_POLICY_ATTRIBUTE,
    MISSING,
    RESOURCE_POLICY_ATTRIBUTE,
    as_list,
    attr,
    blocks,
    is_plan,
    is_service_wildcard,
    policy_document,
    statements,
    wide_actions,
)

POLICY_ATTRIBUTE = {**IDENTITY_POLICY_ATTRIBUTE, **RESOURCE_POLICY_ATTRIBUTE}


class PolicyNoServiceWildcardAction(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='IAM and resource policies do not allow "*" or "service:*" actions (or NotAction), on any resource',
            id="CKV_PLAT_25",
            categories=[CheckCategories.IAM],
            supported_resources=[*POLICY_ATTRIBUTE, "aws_iam_role", "aws_lambda_permission"],
            guideline="policies/README.md#ckv_plat_25",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def _documents(self, conf: dict[str, Any]) -> list[Any]:
        if self.entity_type == "aws_iam_role":
            self.evaluated_keys = ["inline_policy/[*]/policy"]
            return [attr(block, "policy") for block in blocks(conf, "inline_policy")]
        key = POLICY_ATTRIBUTE[self.entity_type]
        self.evaluated_keys = [key]
        raw = attr(conf, key)
        if (raw is MISSING and not is_plan(conf)) or raw is None:
            return []  # no policy configured: nothing granted here
        return [raw]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_lambda_permission":
            self.evaluated_keys = ["action"]
            action = attr(conf, "action")
            if is_service_wildcard(action):
                self.details.append(f"lets {attr(conf, 'principal')} call {action} instead of lambda:InvokeFunction")
                return CheckResult.FAILED
            return CheckResult.PASSED
        unknown = False
        for raw in self._documents(conf):
            document = policy_document(raw)
            if document is None:
                unknown = True  # data.aws_iam_policy_document.x.json: CKV_PLAT_26 checks the document itself
                continue
            for statement in statements(document):
                if str(statement.get("Effect", "Allow")).lower() != "allow":
                    continue
                sid = statement.get("Sid") or "(no Sid)"
                wide = wide_actions(as_list(statement.get("Action")))
                if wide or "NotAction" in statement:
                    granted = ", ".join(wide) if wide else f"everything but NotAction {statement.get('NotAction')}"
                    where = statement.get("Resource") or "NotResource"
                    self.details.append(f"statement {sid} allows {granted} on {where}: list the actions the principal "
                                        "needs")
                    return CheckResult.FAILED
        return CheckResult.UNKNOWN if unknown else CheckResult.PASSED


check = PolicyNoServiceWildcardAction()
