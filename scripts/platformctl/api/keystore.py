"""Consumer API keys in one environment: API Gateway keys on usage plans, values in Secrets Manager.

`ConsumerKeys` does the AWS calls of `platformctl api keys`; it gets its clients from the caller
(the CLI builds them through the deploy role, tests through the emulator) and finds everything by
the names in platformctl.api.keynames, so each step can be repeated after a failure. Key values go
from API Gateway straight into the consumer's secret; they are returned only when asked for.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from platformctl import awssession
from platformctl.api.keynames import (
    TAG_API,
    KeyNames,
    consumer_key_policy,
    consumer_of,
    secret_document,
    usage_plan_name,
)
from platformctl.errors import PlatformError, UsageError


class KeyStoreError(PlatformError):
    """An AWS call of `api keys` failed; the message names the step and AWS's reason."""


def aws_step(step: str) -> AbstractContextManager[None]:
    return awssession.aws_step(step, KeyStoreError)


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@dataclass(frozen=True)
class Target:
    """One API of one environment as the catalog resolves it."""

    env: str
    api: str
    stage: str
    tiers: tuple[str, ...]
    account_id: str
    partition: str
    region: str
    tags: dict[str, str]


@dataclass(frozen=True)
class IssuedKey:
    consumer: str
    tier: str
    key_id: str
    usage_plan_id: str
    secret_arn: str
    kms_alias: str
    created: bool
    value: str | None = None  # only when the caller asked for it


@dataclass(frozen=True)
class ListedKey:
    consumer: str | None  # None: a key on the tier's plan that this tool did not issue
    tier: str | None
    key_id: str
    key_name: str
    enabled: bool
    secret_arn: str | None
    secret_state: str  # "stored", "missing" or "deletion scheduled"


@dataclass(frozen=True)
class RevokedKey:
    consumer: str
    key_id: str | None
    detached_from: tuple[str, ...]
    secret_arn: str | None
    secret_deletion: datetime | None


class ConsumerKeys:
    def __init__(self, target: Target, apigateway: Any, secretsmanager: Any, kms: Any) -> None:
        self.target = target
        self.apigateway = apigateway
        self.secrets = secretsmanager
        self.kms = kms

    # -- the deployment ------------------------------------------------------------------------
    def rest_api_id(self) -> str:
        name = f"{self.target.env}-{self.target.api}"
        with aws_step(f"listing REST APIs to find {name}"):
            found = [
                item["id"]
                for page in self.apigateway.get_paginator("get_rest_apis").paginate()
                for item in page.get("items", [])
                if item.get("name") == name
            ]
        if not found:
            raise PlatformError(
                f"REST API {name} is not deployed in {self.target.env}: apply the environment first "
                f"({'make local' if self.target.env == 'local' else f'make apply ENV={self.target.env}'})"
            )
        if len(found) > 1:
            raise PlatformError(f"{len(found)} REST APIs are named {name} ({', '.join(found)}); remove the strays")
        return found[0]

    def usage_plans(self, rest_api_id: str) -> dict[str, str]:
        """Usage plan id by tier, for the catalog's tiers whose plan is on this API's stage."""
        wanted = {usage_plan_name(self.target.env, self.target.api, tier): tier for tier in self.target.tiers}
        plans: dict[str, str] = {}
        with aws_step("listing usage plans"):
            for page in self.apigateway.get_paginator("get_usage_plans").paginate():
                for plan in page.get("items", []):
                    tier = wanted.get(plan.get("name", ""))
                    on_stage = any(
                        s.get("apiId") == rest_api_id and s.get("stage") == self.target.stage
                        for s in plan.get("apiStages") or []
                    )
                    if tier is not None and on_stage:
                        plans[tier] = plan["id"]
        return plans

    def _plan_for(self, tier: str, rest_api_id: str) -> str:
        plan = self.usage_plans(rest_api_id).get(tier)
        if plan is None:
            raise PlatformError(
                f"usage plan {usage_plan_name(self.target.env, self.target.api, tier)} is not on stage "
                f"{self.target.stage} of {self.target.env}-{self.target.api}: apply the environment after adding "
                f"the tier to config/apis/{self.target.api}.yaml"
            )
        return plan

    # -- lookups ---------------------------------------------------------------------------------
    def _ours(self, key: dict[str, Any]) -> bool:
        """Names alone are ambiguous (API `orders` + consumer `v2-acme` and API `orders-v2` + consumer
        `acme` give the same key name), so a key tagged for another API is never this API's; an
        untagged key (issued before the tags) is judged by its name."""
        tagged = (key.get("tags") or {}).get(TAG_API)
        return tagged is None or tagged == self.target.api

    def _key(self, names: KeyNames) -> dict[str, Any] | None:
        with aws_step(f"looking up API key {names.api_key}"):
            keys = [
                key
                for page in self.apigateway.get_paginator("get_api_keys").paginate(
                    nameQuery=names.api_key, includeValues=False
                )
                for key in page.get("items", [])
                if key.get("name") == names.api_key and self._ours(key)
            ]
        if len(keys) > 1:
            raise PlatformError(
                f"{len(keys)} API keys are named {names.api_key} ({', '.join(k['id'] for k in keys)}); "
                "revoke the strays by id in the console before issuing"
            )
        return keys[0] if keys else None

    def _plans_of_key(self, key_id: str) -> dict[str, str]:
        """Usage plan id -> name for every plan the key is attached to."""
        with aws_step(f"listing the usage plans of key {key_id}"):
            return {
                plan["id"]: plan.get("name", "")
                for page in self.apigateway.get_paginator("get_usage_plans").paginate(keyId=key_id)
                for plan in page.get("items", [])
            }

    def _secret(self, name: str) -> dict[str, Any] | None:
        try:
            return self.secrets.describe_secret(SecretId=name)  # type: ignore[no-any-return]
        except ClientError as exc:
            if _error_code(exc) == "ResourceNotFoundException":
                return None
            raise KeyStoreError(f"reading secret {name} failed: {_error_code(exc)}: {exc}") from exc
        except BotoCoreError as exc:
            raise KeyStoreError(f"reading secret {name} failed: {exc}") from exc

    # -- issue -----------------------------------------------------------------------------------
    def issue(self, consumer: str, tier: str, *, with_value: bool = False) -> IssuedKey:
        """Create the consumer's key on `tier` (or report the one it has), with its value in its secret."""
        if tier not in self.target.tiers:
            raise UsageError(self._unknown_tier(tier))
        names = KeyNames(self.target.env, self.target.api, consumer)
        rest_api_id = self.rest_api_id()
        plan_id = self._plan_for(tier, rest_api_id)
        key = self._key(names)
        created = key is None
        value: str | None = None
        if key is not None:
            attached = self._plans_of_key(key["id"])
            other = {pid: name for pid, name in attached.items() if pid != plan_id}
            if other:
                raise PlatformError(
                    f"consumer {consumer} already has key {key['id']} on {', '.join(sorted(other.values()))}; "
                    f"revoke it first (`platformctl api keys revoke --env {names.env} --api {names.api} "
                    f"--consumer {consumer}`), then issue on {tier}"
                )
        else:
            with aws_step(f"creating API key {names.api_key}"):
                key = self.apigateway.create_api_key(
                    name=names.api_key,
                    description=f"{consumer} on the {tier} tier of {names.rest_api}",
                    enabled=True,
                    tags=names.tags(tier, self.target.tags),
                )
            value = key.pop("value", None)
        assert key is not None
        try:
            secret_arn, kms_alias = self._store_value(names, tier, key["id"], value)
        except PlatformError:
            if created:  # a key whose value is stored nowhere would be unusable and untracked
                self._delete_key_quietly(key["id"])
            raise
        if created or plan_id not in self._plans_of_key(key["id"]):
            with aws_step(f"attaching key {key['id']} to usage plan {plan_id}"):
                self.apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")
        if with_value and value is None:
            value = self._key_value(key["id"])
        shown = value if with_value else None
        return IssuedKey(consumer, tier, key["id"], plan_id, secret_arn, kms_alias, created, shown)

    def _key_value(self, key_id: str) -> str:
        with aws_step(f"reading the value of key {key_id}"):
            return str(self.apigateway.get_api_key(apiKey=key_id, includeValue=True)["value"])

    def _delete_key_quietly(self, key_id: str) -> None:
        # The original failure is what the user needs to see; a retry of issue finds a leftover key.
        with suppress(ClientError, BotoCoreError):
            self.apigateway.delete_api_key(apiKey=key_id)

    def _store_value(self, names: KeyNames, tier: str, key_id: str, value: str | None) -> tuple[str, str]:
        """Put the key's value into the consumer's secret; a new value always, an existing key's only
        when the secret is missing or scheduled for deletion."""
        key_arn = self._consumer_cmk(names)
        secret = self._secret(names.secret)
        if secret is not None and secret.get("DeletedDate") is None and value is None:
            return secret["ARN"], names.kms_alias
        document = secret_document(key_id, value if value is not None else self._key_value(key_id), names, tier)
        if secret is None:
            with aws_step(f"creating secret {names.secret}"):
                created = self.secrets.create_secret(
                    Name=names.secret,
                    Description=f"API key of {names.consumer} for {names.rest_api} ({tier} tier)",
                    KmsKeyId=key_arn,
                    SecretString=document,
                    Tags=[{"Key": k, "Value": v} for k, v in names.tags(tier, self.target.tags).items()],
                )
            return created["ARN"], names.kms_alias
        with aws_step(f"storing the key value in secret {names.secret}"):
            if secret.get("DeletedDate") is not None:
                self.secrets.restore_secret(SecretId=names.secret)
            if secret.get("KmsKeyId") not in (key_arn, names.kms_alias):
                self.secrets.update_secret(SecretId=names.secret, KmsKeyId=key_arn)
            self.secrets.put_secret_value(SecretId=names.secret, SecretString=document)
        return secret["ARN"], names.kms_alias

    def _consumer_cmk(self, names: KeyNames) -> str:
        """ARN of the consumer's own CMK, created on first use."""
        try:
            metadata = self.kms.describe_key(KeyId=names.kms_alias)["KeyMetadata"]
        except ClientError as exc:
            if _error_code(exc) != "NotFoundException":
                raise KeyStoreError(f"reading KMS alias {names.kms_alias} failed: {_error_code(exc)}: {exc}") from exc
            metadata = None
        except BotoCoreError as exc:
            raise KeyStoreError(f"reading KMS alias {names.kms_alias} failed: {exc}") from exc
        if metadata is not None:
            if metadata.get("KeyState") != "Enabled":
                raise PlatformError(
                    f"the CMK behind {names.kms_alias} is {metadata.get('KeyState')}; enable it (or cancel its "
                    "deletion) before issuing keys to this consumer"
                )
            return str(metadata["Arn"])
        target = self.target
        with aws_step(f"creating the CMK {names.kms_alias}"):
            key = self.kms.create_key(
                Description=f"Secrets of API consumer {names.consumer} in {names.env}",
                KeyUsage="ENCRYPT_DECRYPT",
                Policy=consumer_key_policy(target.account_id, target.partition, target.region),
                Tags=[{"TagKey": k, "TagValue": v} for k, v in names.consumer_tags(target.tags).items()],
            )["KeyMetadata"]
            self.kms.enable_key_rotation(KeyId=key["KeyId"])
            self.kms.create_alias(AliasName=names.kms_alias, TargetKeyId=key["KeyId"])
        return str(key["Arn"])

    # -- list ------------------------------------------------------------------------------------
    def list(self, *, tier: str | None = None, consumer: str | None = None) -> list[ListedKey]:
        """Every key on the API's tier plans plus every key this tool named for the API; never values."""
        if tier is not None and tier not in self.target.tiers:
            raise UsageError(self._unknown_tier(tier))
        rest_api_id = self.rest_api_id()
        plans = self.usage_plans(rest_api_id)
        tier_of_key: dict[str, str] = {}
        names_on_plans: dict[str, str] = {}
        with aws_step("listing the keys of the usage plans"):
            for plan_tier, plan_id in plans.items():
                for page in self.apigateway.get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan_id):
                    for item in page.get("items", []):
                        tier_of_key[item["id"]] = plan_tier
                        names_on_plans[item["id"]] = item.get("name", "")
        prefix = f"{self.target.env}-{self.target.api}-"
        pages = self.apigateway.get_paginator("get_api_keys").paginate(nameQuery=prefix, includeValues=False)
        with aws_step("listing API keys"):
            keys = {
                key["id"]: key
                for page in pages
                for key in page.get("items", [])
                if (consumer_of(key.get("name", ""), self.target.env, self.target.api) is not None and self._ours(key))
                or key["id"] in tier_of_key
            }
        for key_id in set(tier_of_key) - set(keys):  # on a plan but not returned by the name query
            with aws_step(f"reading key {key_id}"):
                keys[key_id] = self.apigateway.get_api_key(apiKey=key_id, includeValue=False)
        rows: list[ListedKey] = []
        for key_id, key in keys.items():
            name = key.get("name") or names_on_plans.get(key_id, "")
            who = consumer_of(name, self.target.env, self.target.api)
            key_tier = tier_of_key.get(key_id)
            if (tier is not None and key_tier != tier) or (consumer is not None and who != consumer):
                continue
            secret = self._secret(KeyNames(self.target.env, self.target.api, who).secret) if who else None
            if secret is None:
                state = "missing"
            elif secret.get("DeletedDate") is not None:
                state = "deletion scheduled"
            else:
                state = "stored"
            rows.append(
                ListedKey(
                    who, key_tier, key_id, name, bool(key.get("enabled")), secret["ARN"] if secret else None, state
                )
            )
        return sorted(rows, key=lambda r: (r.tier or "~", r.consumer or "~", r.key_name))

    # -- revoke ----------------------------------------------------------------------------------
    def revoke(self, consumer: str, *, tier: str | None = None, recovery_days: int = 7) -> RevokedKey:
        """Detach the consumer's key from its plans, delete it, and schedule its secret's deletion."""
        if tier is not None and tier not in self.target.tiers:
            raise UsageError(self._unknown_tier(tier))
        names = KeyNames(self.target.env, self.target.api, consumer)
        key = self._key(names)
        secret = self._secret(names.secret)
        live_secret = secret if secret is not None and secret.get("DeletedDate") is None else None
        if key is None and live_secret is None:
            raise PlatformError(
                f"consumer {consumer} has no API key for {names.rest_api}"
                + (" (its secret is already scheduled for deletion)" if secret is not None else "")
            )
        detached: list[str] = []
        if key is not None:
            attached = self._plans_of_key(key["id"])
            if tier is not None and usage_plan_name(names.env, names.api, tier) not in attached.values():
                raise UsageError(
                    f"consumer {consumer}'s key {key['id']} is not on tier {tier} "
                    f"(it is on {', '.join(sorted(attached.values())) or 'no usage plan'}); drop --tier or fix it"
                )
            for plan_id, plan_name in sorted(attached.items()):
                with aws_step(f"detaching key {key['id']} from usage plan {plan_name}"):
                    self.apigateway.delete_usage_plan_key(usagePlanId=plan_id, keyId=key["id"])
                detached.append(plan_name)
            with aws_step(f"deleting API key {key['id']}"):
                self.apigateway.delete_api_key(apiKey=key["id"])
        deletion: datetime | None = None
        if live_secret is not None:
            with aws_step(f"scheduling the deletion of secret {names.secret}"):
                response = self.secrets.delete_secret(SecretId=names.secret, RecoveryWindowInDays=recovery_days)
            deletion = response.get("DeletionDate")
        return RevokedKey(
            consumer,
            key["id"] if key else None,
            tuple(detached),
            secret["ARN"] if secret else None,
            deletion,
        )

    def _unknown_tier(self, tier: str) -> str:
        tiers = ", ".join(self.target.tiers) or "none"
        return (
            f"--tier {tier!r} is not a usage plan tier of {self.target.api} in {self.target.env} (tiers: {tiers}); "
            f"tiers are the usage_plans of config/apis/{self.target.api}.yaml"
        )
