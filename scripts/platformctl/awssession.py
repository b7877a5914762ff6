"""boto3 sessions per account role, the same way Terraform reaches accounts: assume the deploy
role in the target account. Against the emulator, moto maps the assumed credentials to that
account, so checks exercise real cross-account paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.errors import PlatformError

_RETRIES = Config(retries={"max_attempts": 8, "mode": "standard"})


@dataclass(frozen=True)
class AccountAccess:
    region: str
    partition: str
    role_name: str
    endpoint_url: str | None = None  # the emulator URL, or None for real AWS

    @classmethod
    def for_env(cls, inputs: EnvironmentInputs, endpoint_url: str | None) -> AccountAccess:
        return cls(inputs.region, inputs.partition, inputs.deploy_role_name, endpoint_url)

    def base_session(self) -> boto3.Session:
        if self.endpoint_url:
            return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=self.region)
        return boto3.Session(region_name=self.region)

    def session(self, account_id: str, purpose: str = "check") -> boto3.Session:
        sts = self.base_session().client("sts", endpoint_url=self.endpoint_url, config=_RETRIES)
        credentials = sts.assume_role(
            RoleArn=f"arn:{self.partition}:iam::{account_id}:role/{self.role_name}",
            RoleSessionName=f"platformctl-{purpose}"[:64],
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self.region,
        )

    def client(self, account_id: str, service: str, purpose: str = "check"):  # type: ignore[no-untyped-def]
        return self.session(account_id, purpose).client(service, endpoint_url=self.endpoint_url, config=_RETRIES)


@contextmanager
def aws_step(step: str, error: type[PlatformError] = PlatformError,
             others: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """One step of a command against AWS: a failure (or one of `others`, e.g. OSError from a file
    reader) becomes `error`, one line naming the step and AWS's code and reason, never a traceback."""
    try:
        yield
    except ClientError as exc:
        detail = exc.response.get("Error", {})
        raise error(f"{step} failed: {detail.get('Code', 'error')}: {detail.get('Message', exc)}") from exc
    except (BotoCoreError, *others) as exc:
        raise error(f"{step} failed: {exc}") from exc
