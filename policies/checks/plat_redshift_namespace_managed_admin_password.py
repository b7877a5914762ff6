"""CKV_PLAT_14: Redshift Serverless namespaces keep the admin password in Secrets Manager, never in Terraform."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import MISSING, as_bool, attr, is_expression, is_plan, is_set

PASSWORD_KEYS = ("admin_user_password", "admin_user_password_wo")


class RedshiftServerlessNamespaceManagedAdminPassword(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Redshift Serverless namespaces set manage_admin_password = true and no admin_user_password",
            id="CKV_PLAT_14",
            categories=[CheckCategories.SECRETS],
            supported_resources=["aws_redshiftserverless_namespace"],
            guideline="policies/README.md#ckv_plat_14",
        )
        self.severity = Severities[BcSeverities.CRITICAL]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["manage_admin_password", *PASSWORD_KEYS]
        plan = is_plan(conf)
        for key in PASSWORD_KEYS:
            value = attr(conf, key)
            # Not computed: in a plan an absent password is a configured value that is unknown until apply.
            if is_set(value) or (plan and value is MISSING):
                self.details.append(f"{key} is set: the password would live in code or state")
                return CheckResult.FAILED
        managed = attr(conf, "manage_admin_password")
        if is_expression(managed):
            return CheckResult.UNKNOWN
        if as_bool(managed) is True:
            return CheckResult.PASSED
        self.details.append("manage_admin_password is not true")
        return CheckResult.FAILED


check = RedshiftServerlessNamespaceManagedAdminPassword()
