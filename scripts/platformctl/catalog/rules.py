"""Rules that span catalog files, run at load time after each file's own model validated.

Each rule yields a CatalogProblem against the YAML key that a person would change, with the fix
where one is obvious. They cover what no single file can know: names and paths that must be
unique across files, accounts that must be distinct across roles, ARNs that must live in the
environment's partition, region and account, tags that must agree with the environment, and
limits that only make sense in a real environment. All of them are linear in the catalog's size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from platformctl.catalog.apis import CATALOG_DIR, ApiEntry, ApiEnvironment, api_key_problems
from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.environments import (
    DATA_CLASSIFICATIONS,
    Environment,
    Platform,
    missing_mandatory_tags,
    resolve_tags,
)
from platformctl.catalog.event_sources import ExistingOrganizationTrail
from platformctl.catalog.eventing import EventingCatalog, StackSetRollout
from platformctl.catalog.notifications import SEVERITIES
from platformctl.catalog.streams import StreamEntry, check_streams
from platformctl.catalog.warehouse import WarehouseCatalog
from platformctl.catalog.yamlsource import YamlDocument, inside_problem
from platformctl.errors import CatalogProblem

REGIONS_FILE = Path(__file__).with_name("data") / "regions.json"
KeyPath = tuple[str | int, ...]


@cache
def known_regions() -> dict[str, tuple[str, ...]]:
    """Partition -> its Regions, from data/regions.json (the one list the catalog accepts)."""
    data = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return {partition: tuple(regions) for partition, regions in data.items() if not partition.startswith("/")}


@dataclass(frozen=True)
class RuleContext:
    """What the loader read: valid models (None where a file failed) and their documents."""

    root: Path
    display: Callable[[Path], str]
    documents: dict[str, YamlDocument]
    platform: Platform | None
    environments: dict[str, Environment]
    env_documents: dict[str, YamlDocument]
    warehouse: WarehouseCatalog | None
    eventing: EventingCatalog | None
    streams: dict[str, StreamEntry]
    stream_documents: dict[str, YamlDocument]
    apis: dict[str, ApiEntry]
    api_documents: dict[str, YamlDocument]
    # Some file failed its own validation: rules that need every entry (an owner must exist) stay quiet.
    partial: bool = False

    @classmethod
    def only_apis(
        cls,
        root: Path,
        display: Callable[[Path], str],
        apis: dict[str, ApiEntry],
        documents: dict[str, YamlDocument],
        partial: bool,
    ) -> RuleContext:
        return cls(root, display, dict(documents), None, {}, {}, None, None, {}, {}, apis, documents, partial)

    @property
    def partition(self) -> str:
        return self.platform.partition if self.platform else "aws"

    def document(self, path: Path) -> YamlDocument | None:
        return self.documents.get(self.display(path))


def check(ctx: RuleContext) -> list[CatalogProblem]:
    return [
        *_platform(ctx),
        *_environments(ctx),
        *_eventing(ctx),
        *_apis(ctx),
        *_streams(ctx),
        *_warehouse_column_access(ctx),
    ]


# -- ARNs and regions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        parts = text.split(":", 5)
        return cls(parts[1], parts[2], parts[3], parts[4]) if len(parts) == 6 and parts[0] == "arn" else None


def _arn_problems(
    document: YamlDocument,
    key_path: KeyPath,
    text: str,
    *,
    partition: str,
    region: str | None,
    account: tuple[str, str] | None = None,
) -> Iterator[CatalogProblem]:
    """`account` is (account id, what it is) when the service needs the resource in that account."""
    arn = Arn.parse(text)
    if arn is None:
        return
    if arn.partition != partition:
        yield document.problem(key_path, f"ARN is in partition {arn.partition!r}, the platform is in {partition!r}")
    if region is not None and arn.region != region:
        yield document.problem(
            key_path,
            f"ARN is in region {arn.region}, this environment is in {region}; {arn.service} needs the same region",
        )
    if account is not None and arn.account != account[0]:
        yield document.problem(
            key_path, f"ARN is in account {arn.account}; it must be in the {account[1]} account {account[0]}"
        )


def _region_problem(document: YamlDocument, key_path: KeyPath, region: str, partition: str) -> Iterator[CatalogProblem]:
    regions = known_regions().get(partition, ())
    if region not in regions:
        yield document.problem(
            key_path,
            f"{region!r} is not a Region of partition {partition} (known: see "
            "scripts/platformctl/catalog/data/regions.json)",
        )


def _classification(document: YamlDocument, key_path: KeyPath, tags: dict[str, str]) -> Iterator[CatalogProblem]:
    value = tags.get("DataClassification")
    if value is not None and value not in DATA_CLASSIFICATIONS:
        yield document.problem(
            (*key_path, "DataClassification"),
            f"{value!r} is not a data classification; use one of {', '.join(DATA_CLASSIFICATIONS)}",
        )


# -- platform and environments ------------------------------------------------------------------------------


def _platform(ctx: RuleContext) -> Iterator[CatalogProblem]:
    document = ctx.document(ctx.root / "platform.yaml")
    if ctx.platform is None or document is None:
        return
    if "Environment" in ctx.platform.tags:
        yield document.problem(
            ("tags", "Environment"), "set by the platform from each environment's name; remove it here"
        )
    if ctx.platform.partition not in known_regions():
        yield document.problem(("partition",), f"no Regions are known for partition {ctx.platform.partition}")


def _environments(ctx: RuleContext) -> Iterator[CatalogProblem]:
    for name, env in ctx.environments.items():
        document = ctx.env_documents[name]
        yield from _region_problem(document, ("region",), env.region, ctx.partition)
        tagged = env.tags.get("Environment")
        if tagged is not None and tagged != name:
            yield document.problem(
                ("tags", "Environment"),
                f"says {tagged!r} in the {name} environment; remove it (the platform sets Environment={name})",
            )
        if ctx.platform is not None:
            for tag in missing_mandatory_tags(resolve_tags(ctx.platform, env)):
                yield document.problem(("tags",), f"mandatory tag {tag} has no value here or in config/platform.yaml")
        yield from _accounts(document, env)
        yield from _event_sources(document, env, ctx.partition)
        yield from _notifications(document, env, ctx.partition)
        yield from _source_account_targets(document, env, _rollout_mode(ctx, name))
        if env.backend is not None:
            yield from _region_problem(document, ("backend", "region"), env.backend.region, ctx.partition)
            if env.backend.kms_key_id:
                yield from _arn_problems(
                    document,
                    ("backend", "kms_key_id"),
                    env.backend.kms_key_id,
                    partition=ctx.partition,
                    region=env.backend.region,
                )
            if env.backend.assume_role_arn:
                yield from _arn_problems(
                    document,
                    ("backend", "assume_role_arn"),
                    env.backend.assume_role_arn,
                    partition=ctx.partition,
                    region=None,
                )


def _event_sources(document: YamlDocument, env: Environment, partition: str) -> Iterator[CatalogProblem]:
    sources = env.event_sources
    where: KeyPath = ("event_sources",)
    for index, region in enumerate(sources.forwarder_regions or []):
        yield from _region_problem(document, (*where, "forwarder_regions", index), region, partition)
    if not env.emulator:
        for region in sources.missing_regions(env.region):
            why = (
                "the home Region of this environment"
                if region == env.region
                else "CloudTrail delivers the events of global services (IAM, sign-in) to EventBridge there only"
            )
            yield document.problem((*where, "forwarder_regions"), f"must include {region}: {why}")
    trail = sources.cloudtrail
    if isinstance(trail, ExistingOrganizationTrail):
        arn = Arn.parse(trail.trail)
        if arn is not None:
            yield from _arn_problems(
                document, (*where, "cloudtrail", "trail"), trail.trail, partition=partition, region=None
            )
        return
    reason_key = (*where, "cloudtrail", "emulator_skip_reason")
    if env.emulator and trail.emulator_skip_reason is None:
        yield document.problem(
            reason_key,
            "required in the emulator environment: CloudTrail is not among the services the emulator applies "
            "(../shared/reference/local-aws-emulator.md); say why the apply leaves the trail out",
        )
    if not env.emulator and trail.emulator_skip_reason is not None:
        yield document.problem(reason_key, "only the emulator environment may leave the trail out; remove it")


def _accounts(document: YamlDocument, env: Environment) -> Iterator[CatalogProblem]:
    roles: dict[str, str] = {}
    for role in ("central", "api", "data"):
        account = getattr(env.accounts, role)
        if account in roles:
            yield document.problem(
                ("accounts", role),
                f"account {account} is already the {roles[account]} account; every role needs its own account",
            )
        roles.setdefault(account, role)
    for index, account in enumerate(env.accounts.sources):
        if account in roles:
            yield document.problem(
                ("accounts", "sources", index),
                f"account {account} is the {roles[account]} account; a source account forwards to central, "
                "so it cannot be one of the platform's own accounts",
            )


def _notifications(document: YamlDocument, env: Environment, partition: str) -> Iterator[CatalogProblem]:
    """Alarm targets: existing topics in this partition, Region and a platform account; a real environment
    names at least one critical and one warning target, so every alarm reaches someone."""
    notifications = env.notifications
    accounts = {getattr(env.accounts, role): role for role in ("central", "api", "data")}
    for severity in SEVERITIES:
        for index, text in enumerate(notifications.targets(severity).sns_topic_arns):
            key_path: KeyPath = ("notifications", severity, "sns_topic_arns", index)
            yield from _arn_problems(document, key_path, text, partition=partition, region=env.region)
            arn = Arn.parse(text)
            if arn is not None and arn.account not in accounts:
                yield document.problem(
                    key_path,
                    f"topic is in account {arn.account}, which is none of this environment's central, api or data "
                    f"accounts ({', '.join(accounts)}): the platform adds an existing topic to the alarms of the "
                    "account that owns it; subscribe that topic's owners by e-mail or HTTPS instead",
                )
        if env.emulator and notifications.targets(severity).slack_channels:
            yield document.problem(
                ("notifications", severity, "slack_channels"),
                f"the {env.name} environment runs on the emulator, which has no AWS Chatbot, so a Slack channel "
                "could never be created there: name Slack channels in a real environment, and e-mail or HTTPS here",
            )
    if not env.emulator and notifications.critical.count == 0:
        yield document.problem(
            ("notifications", "critical"),
            f"the {env.name} environment names no critical alarm target, so its critical alarms notify nobody: "
            "add at least one of emails, https_endpoints, sns_topic_arns or slack_channels",
        )
    if not env.emulator and notifications.warning.count == 0:
        yield document.problem(
            ("notifications", "warning"),
            f"the {env.name} environment names no warning alarm target, so its warning alarms (API latency, "
            "warehouse capacity, late lakehouse data: the module READMEs list each alarm's severity) notify nobody: "
            "add at least one of emails, https_endpoints, sns_topic_arns or slack_channels (the critical targets "
            "are not reused, so warnings do not page the on-call)",
        )


def _rollout_mode(ctx: RuleContext, env_name: str) -> str | None:
    """How source accounts get forwarders in `env_name`, or None when eventing.yaml did not validate."""
    if ctx.eventing is None or env_name not in ctx.eventing.environments:
        return None
    rollout = ctx.eventing.environments[env_name].rollout
    return "stackset" if isinstance(rollout, StackSetRollout) else "aliases"


def _source_account_targets(document: YamlDocument, env: Environment, rollout: str | None) -> Iterator[CatalogProblem]:
    """A forwarder's alarms live in the source account, whose own alarm topic can only subscribe e-mail and
    HTTPS: CloudWatch notifies topics of the alarm's own account, and Chatbot needs each account authorised."""
    if env.emulator or rollout is None:
        return
    has_forwarders = rollout == "stackset" or bool(env.accounts.sources)
    critical = env.notifications.critical
    # With no critical target at all, _notifications already says so.
    if has_forwarders and critical.count > 0 and not (critical.emails or critical.https_endpoints):
        where = "every account of the StackSet's OUs" if rollout == "stackset" else "accounts.sources"
        yield document.problem(
            ("notifications", "critical"),
            f"the {env.name} environment has forwarders in source accounts ({where}), whose alarms (undelivered "
            "events) can only reach e-mail or HTTPS: an alarm may notify only an SNS topic of its own account, and a "
            "Slack channel needs AWS Chatbot authorised in each source account, so sns_topic_arns and slack_channels "
            "do not reach them; add at least one of emails or https_endpoints",
        )


# -- eventing ------------------------------------------------------------------------------------------------------


def _eventing(ctx: RuleContext) -> Iterator[CatalogProblem]:
    document = ctx.document(ctx.root / "eventing.yaml")
    if ctx.eventing is None or document is None:
        return
    for name in ENV_NAMES:
        if name not in ctx.eventing.environments:
            yield document.problem(
                ("environments",), f"has no entry for environment {name!r}; every environment has a bus"
            )
    org = ctx.platform.organization.id if ctx.platform else None
    for name, entry in ctx.eventing.environments.items():
        env = ctx.environments.get(name)
        where: KeyPath = ("environments", name)
        scope = entry.principal_scope
        if scope.mode == "accounts" and env is not None and not env.accounts.sources:
            yield document.problem(
                (*where, "principal_scope", "mode"),
                f"mode accounts needs source accounts: add them to accounts.sources in config/environments/{name}.yaml",
            )
        if org is not None:
            for index, path in enumerate(scope.ou_paths):
                if not path.startswith(f"{org}/"):
                    yield document.problem(
                        (*where, "principal_scope", "ou_paths", index),
                        f"{path} is not in organization {org} (config/platform.yaml)",
                    )
            if scope.organization_id is not None and scope.organization_id != org:
                yield document.problem(
                    (*where, "principal_scope", "organization_id"),
                    f"{scope.organization_id} differs from organization.id {org} in config/platform.yaml",
                )
        if isinstance(entry.rollout, StackSetRollout) and entry.rollout.regions is not None:
            yield document.problem(
                (*where, "rollout", "regions"),
                f"moved: list the Regions once, as event_sources.forwarder_regions in config/environments/{name}.yaml "
                "(both rollout modes read them there); remove it here",
            )
        if entry.api_destination is not None and env is not None:
            yield from _arn_problems(
                document,
                (*where, "api_destination", "secret_arn"),
                entry.api_destination.secret_arn,
                partition=ctx.partition,
                region=env.region,
                account=(env.accounts.central, "central"),
            )


# -- APIs ----------------------------------------------------------------------------------------------------------


def _apis(ctx: RuleContext) -> Iterator[CatalogProblem]:
    for name, api in ctx.apis.items():
        document = ctx.api_documents[name]
        yield from _spec_file(ctx, document, api)
        yield from api_key_problems(document, api, ctx.root.parent / CATALOG_DIR / api.spec)
        yield from _classification(document, ("tags",), api.tags)
        for env_name, settings in api.environments.items():
            env = ctx.environments.get(env_name)
            if env is None:
                continue
            where: KeyPath = ("environments", env_name)
            authorizer = settings.authorizer
            domain = settings.custom_domain
            api_account = (env.accounts.api, "api")
            # (key path, ARN, the account the service needs it in): all in the environment's region.
            arns: list[tuple[KeyPath, str | None, tuple[str, str] | None]] = [
                ((*where, "authorizer", "function_arn"), authorizer.function_arn, None),
                ((*where, "custom_domain", "certificate_arn"), domain.certificate_arn if domain else None, api_account),
                ((*where, "waf", "web_acl_arn"), settings.waf.web_acl_arn, api_account),
            ]
            for key_path, text, account in arns:
                if text is not None:
                    yield from _arn_problems(
                        document, key_path, text, partition=ctx.partition, region=env.region, account=account
                    )
            arn = Arn.parse(authorizer.function_arn)
            if authorizer.grant_invoke_permission and arn is not None and arn.account != env.accounts.api:
                yield document.problem(
                    (*where, "authorizer", "grant_invoke_permission"),
                    f"the function is in account {arn.account}, not the api account {env.accounts.api}: "
                    "Terraform cannot add a permission there; set false and grant it in the owning account",
                )
            if not env.emulator:
                yield from _throttles(document, where, settings)
    for env_name in ENV_NAMES:
        yield from _domains(ctx, env_name)


def _throttles(document: YamlDocument, where: KeyPath, settings: ApiEnvironment) -> Iterator[CatalogProblem]:
    limits = [((*where, "throttling", "burst_limit"), settings.throttling.burst_limit)]
    limits += [
        ((*where, "usage_plans", tier, "throttle", "burst_limit"), plan.throttle.burst_limit)
        for tier, plan in settings.usage_plans.items()
    ]
    for key_path, burst in limits:
        if burst == 0:
            yield document.problem(
                key_path, "0 throttles every request in a real environment; use at least 1 (e.g. the rate limit)"
            )


def _spec_file(ctx: RuleContext, document: YamlDocument, api: ApiEntry) -> Iterator[CatalogProblem]:
    apis_dir = ctx.root.parent / CATALOG_DIR
    path = apis_dir / api.spec
    problem = inside_problem(path, apis_dir, api.spec_path)
    if problem is not None:
        yield document.problem(("spec",), f"{api.spec_path} {problem.reason}")
        return
    resolved = path.resolve()
    if resolved.parent == apis_dir.resolve() and resolved.suffix in (".yaml", ".yml"):
        yield document.problem(
            ("spec",), f"{api.spec_path} is a catalog entry, not a spec; keep specs under {CATALOG_DIR}/specs/"
        )
        return
    try:
        resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield document.problem(("spec",), f"{api.spec_path} is not UTF-8 (byte offset {exc.start}); save it as UTF-8")


def _domains(ctx: RuleContext, env_name: str) -> Iterator[CatalogProblem]:
    """One owner (certificate_arn) per domain, one API per base path, no mapping without a domain."""
    mappings: dict[tuple[str, str], str] = {}
    owners: dict[str, str] = {}
    users: dict[str, str] = {}
    for name in sorted(ctx.apis):
        domain = ctx.apis[name].environments.get(env_name)
        domain = domain.custom_domain if domain is not None else None
        if domain is None:
            continue
        document = ctx.api_documents[name]
        where: KeyPath = ("environments", env_name, "custom_domain")
        key = (domain.domain_name, domain.mapping_key)
        if key in mappings:
            yield document.problem(
                (*where, "base_path"),
                f"{domain.mapping_key} on {domain.domain_name} is already used by {mappings[key]} "
                f"({CATALOG_DIR}/{mappings[key]}.yaml); choose another base path",
            )
        mappings.setdefault(key, name)
        users.setdefault(domain.domain_name, name)
        if domain.certificate_arn is not None:
            if domain.domain_name in owners:
                yield document.problem(
                    (*where, "certificate_arn"),
                    f"{domain.domain_name} is already created by {owners[domain.domain_name]}; set certificate_arn "
                    "on one API per domain and leave it out here",
                )
            owners.setdefault(domain.domain_name, name)
    for domain_name, name in users.items():
        if domain_name not in owners and not ctx.partial:
            yield ctx.api_documents[name].problem(
                ("environments", env_name, "custom_domain", "certificate_arn"),
                f"no API creates {domain_name} in {env_name}: set certificate_arn on exactly one API that uses it",
            )


# -- streams -------------------------------------------------------------------------------------------------------


def _streams(ctx: RuleContext) -> Iterator[CatalogProblem]:
    for problem in check_streams(list(ctx.streams.values())):
        yield ctx.stream_documents[problem.table].problem(problem.key_path, problem.reason)
    for table, entry in ctx.streams.items():
        if entry.stream is None:
            continue
        document = ctx.stream_documents[table]
        source = entry.stream.source
        for field, arns in (("stream_arns", source.stream_arns), ("kms_key_arns", source.kms_key_arns)):
            for env_name, arn in arns.items():
                env = ctx.environments.get(env_name)
                if env is not None:
                    yield from _arn_problems(
                        document,
                        ("stream", "source", field, env_name),
                        arn,
                        partition=ctx.partition,
                        region=env.region,
                    )


# -- warehouse ------------------------------------------------------------------------------------------------------


def _warehouse_column_access(ctx: RuleContext) -> Iterator[CatalogProblem]:
    """Column-level Lake Formation grants name tables of the environment and columns those tables have."""
    document = ctx.document(ctx.root / "warehouse.yaml")
    if ctx.warehouse is None or document is None or ctx.partial:
        return
    for env_name, settings in ctx.warehouse.environments.items():
        deployed = {table: entry for table, entry in ctx.streams.items() if env_name in entry.environments}
        for table, access in settings.lakehouse_column_access.items():
            where: KeyPath = ("environments", env_name, "lakehouse_column_access", table)
            entry = deployed.get(table)
            if entry is None:
                known = ", ".join(sorted(deployed)) or "none"
                yield document.problem(where, f"no Iceberg table {table!r} in {env_name} (tables there: {known})")
                continue
            columns = {column.name for column in entry.columns}
            key = "column_names" if access.column_names is not None else "excluded_column_names"
            for index, column in enumerate(getattr(access, key)):
                if column not in columns:
                    yield document.problem(
                        (*where, key, index),
                        f"{table} has no column {column!r} (config/streams/{table}.yaml: {', '.join(sorted(columns))})",
                    )
            if key == "excluded_column_names" and set(access.excluded_column_names or ()) >= columns:
                yield document.problem((*where, key), "hides every column; remove the table's access instead")
