"""Names, tags and the key policy of consumer API keys: pure functions shared by issue, list and revoke.

Everything a key touches is found again by name, so a second `issue` finds the first one's work:

- the API key `<env>-<api>-<consumer>` (one per consumer and API; its tier is a tag and the usage
  plan it is attached to),
- the usage plan `<env>-<api>-<tier>` that modules/api-gateway-openapi creates per tier,
- the secret `platform/<env>/api-keys/<api>/<consumer>` that holds the value,
- the consumer's CMK `alias/platform/<env>/api-consumers/<consumer>`, shared by that consumer's
  secrets of every API in the environment and by nobody else's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from platformctl.errors import UsageError

API_KEY_HEADER = "x-api-key"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")

MANAGED_BY = "platformctl api keys"
# Tag keys on the API key, the secret and the CMK; `list` reads consumer and tier back from them.
TAG_CONSUMER = "ApiConsumer"
TAG_TIER = "UsagePlanTier"
TAG_API = "ApiName"
TAG_MANAGED_BY = "ManagedBy"

_CONSUMER = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")


def check_consumer(consumer: str) -> str:
    """Consumer names end up in key, secret and alias names: the catalog's slug rule."""
    if not _CONSUMER.match(consumer):
        raise UsageError(
            f"--consumer {consumer!r} must be 2-40 lower-case letters, digits or '-', starting with a letter and "
            "not ending with '-' (it becomes part of the key, secret and KMS alias names)"
        )
    return consumer


@dataclass(frozen=True)
class KeyNames:
    """Where the key of one consumer of one API in one environment lives."""

    env: str
    api: str
    consumer: str

    @property
    def rest_api(self) -> str:
        return f"{self.env}-{self.api}"  # modules/api-gateway-openapi: "<name_prefix>-<api_name>"

    @property
    def api_key(self) -> str:
        return f"{self.rest_api}-{self.consumer}"

    @property
    def secret(self) -> str:
        return f"platform/{self.env}/api-keys/{self.api}/{self.consumer}"

    @property
    def kms_alias(self) -> str:
        return f"alias/platform/{self.env}/api-consumers/{self.consumer}"

    def usage_plan(self, tier: str) -> str:
        return usage_plan_name(self.env, self.api, tier)

    def tags(self, tier: str, base: dict[str, str]) -> dict[str, str]:
        """The platform's mandatory tags plus what identifies the key."""
        return {
            **base,
            TAG_CONSUMER: self.consumer,
            TAG_TIER: tier,
            TAG_API: self.api,
            TAG_MANAGED_BY: MANAGED_BY,
        }

    def consumer_tags(self, base: dict[str, str]) -> dict[str, str]:
        """Tags of the consumer's CMK, which serves every API of the environment."""
        return {**base, TAG_CONSUMER: self.consumer, TAG_MANAGED_BY: MANAGED_BY}


def usage_plan_name(env: str, api: str, tier: str) -> str:
    return f"{env}-{api}-{tier}"  # modules/api-gateway-openapi: "${local.name}-${each.key}"


def consumer_of(key_name: str, env: str, api: str) -> str | None:
    """The consumer of a key this tool named, or None for any other key."""
    prefix = f"{env}-{api}-"
    rest = key_name[len(prefix) :] if key_name.startswith(prefix) else ""
    return rest if _CONSUMER.match(rest) else None


def secret_document(key_id: str, value: str, names: KeyNames, tier: str) -> str:
    """The secret's JSON: the value plus what it is for, so the consumer needs nothing else."""
    return json.dumps(
        {
            "api_key_id": key_id,
            "value": value,
            "header": "x-api-key",
            "api": names.api,
            "environment": names.env,
            "tier": tier,
            "consumer": names.consumer,
        },
        sort_keys=True,
    )


def consumer_key_policy(account_id: str, partition: str, region: str) -> str:
    """Key policy of a consumer's CMK: the account administers it (so IAM policies decide who may),
    and it encrypts and decrypts only through Secrets Manager in this account and region."""
    root = f"arn:{partition}:iam::{account_id}:root"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": [
                        "kms:Create*",
                        "kms:Describe*",
                        "kms:Enable*",
                        "kms:List*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:Disable*",
                        "kms:Get*",
                        "kms:Delete*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                    ],
                    "Resource": "*",
                },
                {
                    "Sid": "SecretsManagerInThisAccountOnly",
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                            "kms:CallerAccount": account_id,
                        }
                    },
                },
            ],
        },
        sort_keys=True,
    )


def keyed_operations(document: object) -> list[str]:
    """`METHOD /path` of every operation whose security lists an `x-api-key` header scheme, i.e. the
    methods API Gateway imports with apiKeyRequired (Lambda authorizer schemes are not key schemes)."""
    if not isinstance(document, dict):
        return []
    components = document.get("components")
    schemes = (components or {}).get("securitySchemes") if isinstance(components, dict) else None
    if schemes is None:
        schemes = document.get("securityDefinitions")  # OpenAPI 2.0
    key_schemes = {
        name
        for name, scheme in (schemes.items() if isinstance(schemes, dict) else ())
        if isinstance(scheme, dict)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == "header"
        and str(scheme.get("name", "")).lower() == API_KEY_HEADER
        and "x-amazon-apigateway-authtype" not in scheme
    }
    found: list[str] = []
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            security = operation.get("security") if isinstance(operation, dict) else None
            requirements = security if isinstance(security, list) else []
            if any(isinstance(r, dict) and key_schemes & set(r) for r in requirements):
                found.append(f"{'ANY' if method.startswith('x-') else method.upper()} {path}")
    return found
