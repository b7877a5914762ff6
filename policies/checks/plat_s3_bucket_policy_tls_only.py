"""CKV_PLAT_27: a bucket policy denies every request that does not use TLS (aws:SecureTransport = false)."""

from __future__ import annotations

from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from plat_helpers import as_bool, as_list, attr, json_conditions, policy_document, statements, unwrap


def _everyone(principal: Any) -> bool:
    principal = unwrap(principal)
    if isinstance(principal, dict):
        return any(v == "*" for values in principal.values() for v in as_list(unwrap(values)))
    return principal == "*"


def _denies_plain_http(statement: dict[str, Any]) -> bool:
    return any(operator.removesuffix("IfExists").lower() == "bool" and key.lower() == "aws:securetransport"
               and any(as_bool(v) is False for v in values)
               for operator, key, values in json_conditions(statement.get("Condition")))


def tls_only_gaps(document: dict[str, Any]) -> list[str]:
    """What the document lacks to be TLS-only: [] when a Deny of s3:* to everyone over plain HTTP covers the
    bucket and its objects."""
    best: list[str] | None = None
    for statement in statements(document):
        if str(statement.get("Effect", "")).lower() != "deny" or not _denies_plain_http(statement):
            continue
        gaps = []
        if not _everyone(statement.get("Principal")):
            gaps.append('Principal "*"')
        if not any(a in ("*", "s3:*") for a in as_list(statement.get("Action"))):
            gaps.append('Action "s3:*"')
        resources = [r for r in as_list(statement.get("Resource")) if isinstance(r, str)]
        if "*" not in resources:
            if not any(r.endswith("/*") for r in resources):
                gaps.append("the objects (<bucket ARN>/*) in Resource")
            if not any(not r.endswith("/*") for r in resources):
                gaps.append("the bucket ARN in Resource")
        if best is None or len(gaps) < len(best):
            best = gaps
    return best if best is not None else ['a Deny statement with Condition Bool "aws:SecureTransport" = "false"']


class S3BucketPolicyDeniesInsecureTransport(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='S3 bucket policies deny s3:* to "*" on the bucket and its objects when aws:SecureTransport is false',
            id="CKV_PLAT_27",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_s3_bucket_policy"],
            guideline="policies/README.md#ckv_plat_27",
        )
        self.severity = Severities[BcSeverities.HIGH]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        document = policy_document(attr(conf, "policy"))
        if document is None:
            return CheckResult.UNKNOWN  # data.aws_iam_policy_document.x.json in HCL, unknown in a plan
        gaps = tls_only_gaps(document)
        if gaps:
            self.details.append(f"the bucket policy is not TLS-only: it lacks {', '.join(gaps)}")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = S3BucketPolicyDeniesInsecureTransport()
