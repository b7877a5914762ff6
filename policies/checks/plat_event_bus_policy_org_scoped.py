"""CKV_PLAT_4: an event bus policy never opens the bus to every principal without an organization condition."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_list, attr, policy_document, statements

ORG_CONDITION_KEYS = ("aws:principalorgid", "aws:principalorgpaths")


def _principal_values(principal: Any) -> list[Any]:
    if isinstance(principal, dict):
        return [v for values in principal.values() for v in as_list(values)]
    return as_list(principal)


def _org_scoped(condition: Any) -> bool:
    """A condition on aws:PrincipalOrgID/OrgPaths whose values are real ids or paths, not a bare wildcard."""
    if not isinstance(condition, dict):
        return False
    for operator_block in condition.values():
        if not isinstance(operator_block, dict):
            continue
        for key, values in operator_block.items():
            values = as_list(values)
            if key.lower() in ORG_CONDITION_KEYS and values and not any(
                not isinstance(v, str) or v.strip() in ("", "*") or v.strip().startswith("*") for v in values
            ):
                return True
    return False


class EventBusPolicyScopedToOrganizationOrAccounts(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Event bus policies allow only explicit accounts, or any principal with an "
            "aws:PrincipalOrgID/aws:PrincipalOrgPaths condition",
            id="CKV_PLAT_4",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_cloudwatch_event_bus_policy"],
            guideline="policies/README.md#ckv_plat_4",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        document = policy_document(attr(conf, "policy"))
        if document is None:
            return CheckResult.UNKNOWN  # data.aws_iam_policy_document.x.json in HCL: the plan scan decides
        for statement in statements(document):
            if str(statement.get("Effect", "")).lower() != "allow":
                continue
            sid = statement.get("Sid") or "(no Sid)"
            if "NotPrincipal" in statement:
                self.details.append(f"statement {sid} allows everyone but NotPrincipal")
                return CheckResult.FAILED
            principals = _principal_values(statement.get("Principal"))
            # "*", {"AWS": "*"} and wildcard ARNs such as arn:aws:iam::*:root all mean "anyone".
            wildcard = any(isinstance(p, str) and "*" in p for p in principals)
            if wildcard and not _org_scoped(statement.get("Condition")):
                self.details.append(f'statement {sid} allows Principal "*" without an aws:PrincipalOrgID or '
                                    "aws:PrincipalOrgPaths condition")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = EventBusPolicyScopedToOrganizationOrAccounts()
