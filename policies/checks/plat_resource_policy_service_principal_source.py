"""CKV_PLAT_23: a resource policy that lets an AWS service in names the source (aws:SourceArn/SourceAccount/...)."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import (
    MISSING,
    RESOURCE_POLICY_ATTRIBUTE,
    as_list,
    attr,
    is_expression,
    is_plan,
    is_set,
    is_trust_statement,
    json_conditions,
    policy_document,
    principal_services,
    source_scoped,
    statements,
)

# A Lambda permission's principal: an account id, an ARN, "*", or a service name (dotted, no colon).
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


class ResourcePolicyServicePrincipalHasSourceCondition(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Resource policies that allow an AWS service principal restrict it with aws:SourceArn, "
            "aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths",
            id="CKV_PLAT_23",
            categories=[CheckCategories.IAM],
            supported_resources=[*RESOURCE_POLICY_ATTRIBUTE, "aws_lambda_permission"],
            guideline="policies/README.md#ckv_plat_23",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_lambda_permission":
            return self._lambda_permission(conf)
        key = RESOURCE_POLICY_ATTRIBUTE[self.entity_type]
        self.evaluated_keys = [key]
        raw = attr(conf, key)
        if (raw is MISSING and not is_plan(conf)) or raw is None:
            return CheckResult.PASSED  # no resource policy: no service is let in here
        document = policy_document(raw)
        if document is None:
            return CheckResult.UNKNOWN  # data.aws_iam_policy_document.x.json: CKV_PLAT_24 checks the document
        for statement in statements(document):
            if str(statement.get("Effect", "Allow")).lower() != "allow":
                continue
            services = principal_services(statement.get("Principal"))
            actions = as_list(statement.get("Action"))
            if not services or is_trust_statement(actions):
                continue
            if not source_scoped(json_conditions(statement.get("Condition")), actions):
                self.details.append(f"statement {statement.get('Sid') or '(no Sid)'} allows {', '.join(services)} "
                                    "without an aws:SourceArn/aws:SourceAccount/aws:SourceOrgID condition: any "
                                    "account's resource could make the service act on this one (confused deputy)")
                return CheckResult.FAILED
        return CheckResult.PASSED

    def _lambda_permission(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["principal", "source_arn", "source_account", "principal_org_id"]
        principal = attr(conf, "principal")
        if not isinstance(principal, str) or is_expression(principal):
            return CheckResult.UNKNOWN
        if not _SERVICE_PRINCIPAL.fullmatch(principal.strip()):
            return CheckResult.PASSED  # an account or role principal: CKV_PLAT_23 is about services
        for key in ("source_arn", "source_account"):
            value = attr(conf, key)
            # Optional and not computed: absent from a plan means configured from a value known at apply.
            if (is_set(value) and value != "*") or (is_plan(conf) and value is MISSING):
                return CheckResult.PASSED
        self.details.append(f"lets {principal} invoke the function without source_arn or source_account: any "
                            "account's resource of that service could invoke it (confused deputy)")
        return CheckResult.FAILED


check = ResourcePolicyServicePrincipalHasSourceCondition()
