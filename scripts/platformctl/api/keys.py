"""`platformctl api keys issue|list|revoke`: consumer API keys that never touch Terraform.

The API, its stage and its tiers come from the resolved catalog (`load_inputs(env)`); the REST API
and usage plans are found in the deployed environment by the names modules/api-gateway-openapi
gives them. `--env local` talks to the emulator on PLATFORM_EMULATOR_PORT; other environments use
the caller's AWS credentials and the deploy role of the API account, like `make verify`.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from platformctl.api.commands import group
from platformctl.api.keynames import check_consumer
from platformctl.api.keystore import ConsumerKeys, Target, aws_step
from platformctl.errors import UsageError

console = Console(highlight=False, soft_wrap=True)


def open_store(env: str, api: str) -> ConsumerKeys:
    """The key store of one API in one environment, with clients through that account's deploy role."""
    from platformctl.awssession import AccountAccess
    from platformctl.catalog import load_inputs
    from platformctl.emulator.control import running_endpoint
    from platformctl.tfrun import check_env_name

    check_env_name(env)
    inputs = load_inputs(env)
    settings = inputs.apis.get(api)
    if settings is None:
        deployed = ", ".join(sorted(inputs.apis)) or "none"
        raise UsageError(f"--api {api!r} is not deployed in {env} (APIs in {env}: {deployed})")
    if not settings.usage_plans:
        raise UsageError(
            f"{api} has no usage_plans in {env}, so a key would meter nothing: add a tier under "
            f"environments.{env}.usage_plans in config/apis/{api}.yaml and apply"
        )
    endpoint = running_endpoint() if inputs.emulator else None
    access = AccountAccess.for_env(inputs, endpoint)
    account = inputs.accounts.api
    target = Target(
        env=env,
        api=api,
        stage=settings.stage_name,
        tiers=tuple(sorted(settings.usage_plans)),
        account_id=account,
        partition=inputs.partition,
        region=inputs.region,
        tags={**inputs.tags, **settings.tags},
    )
    with aws_step(f"assuming the deploy role of the api account {account}"):
        session = access.session(account, purpose="api-keys")
        return ConsumerKeys(
            target,
            session.client("apigateway", endpoint_url=endpoint),
            session.client("secretsmanager", endpoint_url=endpoint),
            session.client("kms", endpoint_url=endpoint),
        )


_env = click.option("--env", "env", required=True, help="Environment (local, dev, staging, prod).")
_api = click.option("--api", "api", required=True, help="Catalog name of the API (config/apis/<api>.yaml).")


@group.group("keys")
def keys() -> None:
    """Consumer API keys on the usage-plan tiers of an API; values live only in Secrets Manager."""


@keys.command("issue")
@_env
@_api
@click.option("--tier", required=True, help="Usage plan tier (a key of usage_plans in the API's catalog entry).")
@click.option("--consumer", required=True, help="Who gets the key (lower-case slug, e.g. partner-acme).")
@click.option("--show-value", is_flag=True, help="Also print the key value (default: only where it is stored).")
def issue(env: str, api: str, tier: str, consumer: str, show_value: bool) -> None:
    """Create CONSUMER's key on TIER (or report the key it has), stored in its own encrypted secret.

    Issuing again for the same consumer and tier changes nothing and reports the existing key."""
    store = open_store(env, api)
    issued = store.issue(check_consumer(consumer), tier, with_value=show_value)
    verb = "issued" if issued.created else "already issued"
    console.print(
        Text(
            f"{verb}: key {issued.key_id} for {issued.consumer} on tier {issued.tier} of {env}-{api} "
            f"(usage plan {issued.usage_plan_id})"
        )
    )
    console.print(Text(f"value stored in {issued.secret_arn} (encrypted with {issued.kms_alias})"))
    if issued.value is not None:
        click.echo(issued.value)


@keys.command("list")
@_env
@_api
@click.option("--tier", default=None, help="Only keys on this tier.")
@click.option("--consumer", default=None, help="Only this consumer's key.")
def list_keys(env: str, api: str, tier: str | None, consumer: str | None) -> None:
    """Consumers, tiers, key ids, enabled state and secret ARNs (never values)."""
    store = open_store(env, api)
    rows = store.list(tier=tier, consumer=check_consumer(consumer) if consumer else None)
    table = Table(title=f"API keys of {env}-{api}", title_justify="left")
    for column in ("consumer", "tier", "key id", "enabled", "secret"):
        table.add_column(column)
    for row in rows:
        who = row.consumer or f"(not issued by platformctl: {row.key_name})"
        secret = row.secret_arn if row.secret_arn and row.secret_state == "stored" else row.secret_state
        if row.secret_arn and row.secret_state != "stored":
            secret = f"{row.secret_state}: {row.secret_arn}"
        cells = (who, row.tier or "(no plan)", row.key_id, "yes" if row.enabled else "no", secret)
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    console.print(Text(f"{len(rows)} key(s)"))


@keys.command("revoke")
@_env
@_api
@click.option("--consumer", required=True, help="Whose key to revoke.")
@click.option("--tier", default=None, help="Fail unless the key is on this tier (a guard for scripts).")
@click.option(
    "--recovery-days",
    type=click.IntRange(7, 30),
    default=7,
    show_default=True,
    help="Days Secrets Manager keeps the secret before deleting it (7-30).",
)
def revoke(env: str, api: str, consumer: str, tier: str | None, recovery_days: int) -> None:
    """Detach CONSUMER's key from its usage plans, delete it, and schedule its secret's deletion.

    The consumer's CMK stays: the secret needs it until the recovery window ends, and the consumer's
    keys of other APIs use it too."""
    store = open_store(env, api)
    revoked = store.revoke(check_consumer(consumer), tier=tier, recovery_days=recovery_days)
    if revoked.key_id:
        plans = ", ".join(revoked.detached_from) or "no usage plan"
        console.print(Text(f"revoked: key {revoked.key_id} of {consumer} deleted (detached from {plans})"))
    else:
        console.print(Text(f"{consumer} had no API key left on {env}-{api}"))
    if revoked.secret_deletion is not None:
        when = revoked.secret_deletion.isoformat(timespec="minutes")
        console.print(Text(f"secret {revoked.secret_arn} is scheduled for deletion on {when}"))
