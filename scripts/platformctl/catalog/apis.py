"""The API catalog (config/apis/<name>.yaml): one REST API per file, built from an OpenAPI spec.

A service team onboards an API with one entry here plus one spec under config/apis/specs/; no HCL.
The entry names the spec, the template variables it adds, and per environment (local, dev, staging,
prod) where the backend is, the VPC link, the Lambda authorizer, the custom domain and base path,
throttling, alarm thresholds, usage-plan tiers and WAF.

The per-environment settings (`ApiEnvironment`) already carry modules/api-gateway-openapi's
variable names; the resolver (platformctl.catalog.resolve) adds what the entry says once and the
composition adds name_prefix, merged tags and the alarm topic. The rules mirror the module's
variable validations so that a mistake is reported against the YAML key that caused it, before
Terraform runs; rules that span files live in platformctl.catalog.rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platformctl.catalog.base import ENV_NAMES, CatalogModel, Slug, is_tag_key, pattern_str
from platformctl.catalog.yamlsource import YamlDocument
from platformctl.errors import CatalogProblem

# The template variables the module supplies: modules/api-gateway-openapi/template-variables.json,
# the one list shared by the module, the linter and this model.
from platformctl.openapi.template import lint_values, module_template_var_names, scan_and_render

# Where entries and specs live, relative to the repository root.
CATALOG_DIR = "config/apis"
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

SpecPath = pattern_str(
    r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(ya?ml|json)$",
    "a relative path of letters, digits, '_', '.', '/' and '-' ending in .yaml, .yml or .json",
)
TemplateVarName = pattern_str(
    r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", "1-64 letters, digits or underscores, not starting with a digit"
)
StageName = pattern_str(r"^[A-Za-z0-9_-]{1,128}$", "1-128 letters, digits, '_' or '-'")
BackendEndpoint = pattern_str(
    r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$",
    "host[:port][/path] without a scheme, e.g. orders.internal.example.com:8443/v1",
    max_length=512,
)
VpcLinkId = pattern_str(r"^[a-z0-9]{4,12}$", "4-12 lower-case letters or digits (a VPC link id such as abc123)")
VpcEndpointId = pattern_str(r"^vpce-[0-9a-f]{8,17}$", "a VPC endpoint id: vpce- followed by 8-17 hex digits")
LambdaArn = pattern_str(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$",
    "a Lambda function ARN: arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]",
)
AcmArn = pattern_str(
    r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$",
    "an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>",
)
WebAclArn = pattern_str(
    r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[0-9a-f-]{36}$",
    "a regional WAFv2 web ACL ARN: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<uuid>",
)
DomainName = pattern_str(
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    "a lower-case DNS name such as api.dev.example.com",
    max_length=253,
)
# Multi-level base path (apigatewayv2 mapping key): segments without leading or trailing slash.
BasePath = pattern_str(
    r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$",
    "path segments of letters, digits, '.', '_' or '-' separated by '/', without a leading or trailing '/'"
    " (e.g. v1/orders)",
)
HeaderName = pattern_str(r"^[A-Za-z0-9-]{1,64}$", "a header name of 1-64 letters, digits or '-'")
_IDENTITY_SOURCE = re.compile(
    r"^method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[A-Za-z0-9_.-]+$"
    r"|^(stageVariables|context)\.[A-Za-z0-9_.-]+$"
)


class Authorizer(CatalogModel):
    """The Lambda REQUEST authorizer (owned outside this repo) referenced by the spec."""

    function_arn: LambdaArn = Field(description="ARN of the authorizer function (same region).")
    header_name: HeaderName = Field(
        default="Authorization", description="Header carrying the token; fills ${authorizer_name}."
    )
    identity_source: str = Field(
        default="method.request.header.Authorization",
        description="Comma-separated identity sources; fills ${authorizer_identity_source}.",
    )
    grant_invoke_permission: bool = Field(
        default=True,
        description="Add a resource-based permission on the function; false when it lives in another account.",
    )

    @field_validator("identity_source")
    @classmethod
    def _identity_source(cls, value: str) -> str:
        for part in value.split(","):
            if not _IDENTITY_SOURCE.match(part.strip()):
                raise ValueError(
                    f"{part.strip()!r} is not an identity source such as method.request.header.Authorization"
                )
        return value


class CustomDomain(CatalogModel):
    domain_name: DomainName = Field(description="Custom domain, e.g. api.dev.example.com.")
    mapping_key: BasePath = Field(
        validation_alias="base_path", description="Base path on the domain; may be multi-level, e.g. v1/orders."
    )
    certificate_arn: AcmArn | None = Field(
        default=None,
        description="ACM certificate in the API's region. Set on exactly one API per domain: that API "
        "creates the domain; the others only map their base path onto it.",
    )


class Throttling(CatalogModel):
    burst_limit: int = Field(default=100, ge=0, le=5000, description="Burst, in requests.")
    rate_limit: float = Field(default=50, gt=0, le=10000, description="Steady rate, in requests per second.")


class Logging(CatalogModel):
    level: Literal["ERROR", "INFO"] = Field(default="INFO", description="Execution logging; never off (audit trail).")
    data_trace_enabled: bool = Field(
        default=False, description="Log full request and response bodies (debugging only; never in prod)."
    )
    metrics_enabled: bool = True
    retention_in_days: int = Field(
        default=365, description="Days; at least a year is the platform baseline (CKV_AWS_338)."
    )

    @field_validator("retention_in_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be a CloudWatch Logs retention value: {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return value


class Alarms(CatalogModel):
    latency_p95_ms: int = Field(default=1000, gt=0, description="p95 Latency threshold in milliseconds.")
    latency_p99_ms: int = Field(default=2500, gt=0, description="p99 Latency threshold in milliseconds.")
    error_5xx_rate: float = Field(default=0.01, gt=0, le=1, description="Fraction of requests (0.01 = 1 %).")
    error_4xx_rate: float = Field(default=0.1, gt=0, le=1, description="Fraction of requests (0.1 = 10 %).")
    period_seconds: int = Field(default=300, ge=60, multiple_of=60)
    evaluation_periods: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> Alarms:
        if self.latency_p99_ms < self.latency_p95_ms:
            raise ValueError(
                f"latency_p99_ms ({self.latency_p99_ms}) must be at least latency_p95_ms ({self.latency_p95_ms})"
            )
        if self.period_seconds * self.evaluation_periods > 86400:
            raise ValueError("period_seconds * evaluation_periods must be at most one day (86400 s)")
        return self


class Quota(CatalogModel):
    limit: int = Field(gt=0, description="Requests per period.")
    period: Literal["DAY", "WEEK", "MONTH"]


class UsagePlan(CatalogModel):
    """One tier: a throttle and an optional quota. Consumers get keys on it from
    `platformctl api keys issue`, never from the catalog, so no key value reaches tfvars or state."""

    throttle: Throttling
    quota: Quota | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_keys_in_the_catalog(cls, data: object) -> object:
        if isinstance(data, dict) and "api_keys" in data:
            raise ValueError(
                "api_keys are no longer catalog data (their values ended up in Terraform state and plans): "
                "remove them and issue each consumer's key with `platformctl api keys issue --env <env> "
                "--api <api> --tier <tier> --consumer <name>`"
            )
        return data


class Waf(CatalogModel):
    mode: Literal["create", "existing", "none"] = Field(
        default="create",
        description="create: a web ACL with AWS managed rules and a rate rule; existing: web_acl_arn; none.",
    )
    web_acl_arn: WebAclArn | None = None
    rate_limit: int = Field(default=2000, ge=10, le=2_000_000_000, description="Requests per 5 minutes per IP.")

    @model_validator(mode="after")
    def _arn_matches_mode(self) -> Waf:
        if (self.mode == "existing") != (self.web_acl_arn is not None):
            raise ValueError('web_acl_arn is required with mode "existing" and not allowed otherwise')
        return self


class ApiEnvironment(CatalogModel):
    """Settings of the API in one environment."""

    backend_endpoint: BackendEndpoint = Field(
        description="host[:port][/path] of the NLB behind the VPC link, without scheme; becomes the stage "
        "variable url that the spec uses as $${stageVariables.url}."
    )
    vpc_link_id: VpcLinkId = Field(description="REST API VPC link id; fills ${vpc_link_id}.")
    authorizer: Authorizer
    endpoint_type: Literal["REGIONAL", "PRIVATE"] = "REGIONAL"
    vpc_endpoint_ids: list[VpcEndpointId] = Field(default=[])
    custom_domain: CustomDomain | None = None
    fronted_by_cloudfront: bool = False
    xray_tracing_enabled: bool = True
    throttling: Throttling = Field(default=Throttling())
    logging: Logging = Field(default=Logging())
    alarms: Alarms = Field(default=Alarms())
    usage_plans: dict[Slug, UsagePlan] = Field(default={})
    waf: Waf = Field(default=Waf())
    template_vars: dict[TemplateVarName, str] = Field(
        default={}, description="Values overriding the entry's template_vars in this environment."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ApiEnvironment:
        if self.endpoint_type == "PRIVATE":
            if not self.vpc_endpoint_ids:
                raise ValueError("a PRIVATE API needs vpc_endpoint_ids, otherwise nothing can call it")
            if self.custom_domain is not None:
                raise ValueError("custom_domain is only supported for REGIONAL APIs")
        elif self.vpc_endpoint_ids:
            raise ValueError("vpc_endpoint_ids only apply to endpoint_type PRIVATE")
        return self


class ApiEntry(CatalogModel):
    """One REST API: config/apis/<name>.yaml."""

    name: Slug = Field(description="API name; resources are named <env>-<name>. Must match the file name.")
    description: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=128, description="Owning team or its e-mail address.")
    spec: SpecPath = Field(description=f"OpenAPI 3.0 spec, relative to {CATALOG_DIR}/ (e.g. specs/orders.yaml).")
    stage_name: StageName = "live"
    template_vars: dict[TemplateVarName, str] = Field(
        default={},
        description="Template variables the spec uses besides the platform's (values may differ per environment).",
    )
    tags: dict[str, str] = Field(default={}, description="Extra tags (e.g. DataClassification).")
    environments: dict[str, ApiEnvironment] = Field(description="Where the API is deployed, by environment name.")

    @field_validator("spec")
    @classmethod
    def _inside_catalog(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError(f"must stay inside {CATALOG_DIR}/ (no '..')")
        return value

    @field_validator("template_vars")
    @classmethod
    def _not_platform_owned(cls, value: dict[str, str]) -> dict[str, str]:
        owned = sorted(set(value) & module_template_var_names())
        if owned:
            raise ValueError(f"{', '.join(owned)} are supplied by the platform module; remove them")
        for name, item in value.items():
            if "\n" in item:
                raise ValueError(f"{name}: values must be single-line strings")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not is_tag_key(key):
                raise ValueError(f"{key!r} is not a valid tag key")
            if key == "Environment":
                raise ValueError("Environment is set by the platform from the environment name")
            if not 1 <= len(item) <= 256:
                raise ValueError(f"tag {key} must have a value of 1-256 characters")
        return value

    @field_validator("environments")
    @classmethod
    def _known_environments(cls, value: dict[str, ApiEnvironment]) -> dict[str, ApiEnvironment]:
        unknown = sorted(set(value) - set(ENV_NAMES))
        if unknown:
            raise ValueError(f"unknown environment(s) {', '.join(unknown)}; expected {', '.join(ENV_NAMES)}")
        if not value:
            raise ValueError("list at least one environment")
        return value

    @model_validator(mode="after")
    def _environment_rules(self) -> ApiEntry:
        for env, settings in self.environments.items():
            extra = sorted(set(settings.template_vars) - set(self.template_vars))
            if extra:
                raise ValueError(
                    f"environments.{env}.template_vars: {', '.join(extra)} not declared in the entry's "
                    "template_vars (declare every variable there, override values per environment)"
                )
            if env == "prod" and settings.logging.data_trace_enabled:
                raise ValueError(
                    "environments.prod.logging.data_trace_enabled: full request/response logging is not allowed in prod"
                )
        return self

    @property
    def spec_path(self) -> str:
        """Repository-relative path of the spec."""
        return f"{CATALOG_DIR}/{self.spec}"

    def template_vars_for(self, env: str) -> dict[str, str]:
        return {**self.template_vars, **self.environments[env].template_vars}


def api_key_problems(document: YamlDocument, api: ApiEntry, spec_file: Path) -> Iterator[CatalogProblem]:
    """Tiers and keyed operations go together: a keyed method without a usage plan on the stage
    answers every call with 403, and a tier whose API requires no key meters nothing."""
    import yaml

    from platformctl.api.keynames import keyed_operations

    try:
        _, rendered = scan_and_render(spec_file.read_text(encoding="utf-8"), lint_values(api.template_vars))
        keyed = keyed_operations(yaml.safe_load(rendered))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # the spec rules and the linter report an unreadable spec
    for env, settings in api.environments.items():
        if keyed and not settings.usage_plans:
            shown = ", ".join(keyed[:3]) + (f" and {len(keyed) - 3} more" if len(keyed) > 3 else "")
            yield document.problem(
                ("environments", env),
                f"{api.spec_path} requires an API key (x-api-key) on {shown}, but {env} has no usage_plans: "
                "API Gateway would refuse every such call with 403; add a tier",
            )
        elif settings.usage_plans and not keyed:
            yield document.problem(
                ("environments", env, "usage_plans"),
                f"no operation of {api.spec_path} requires an API key, so these tiers meter nothing; add the "
                "x-api-key scheme to the security of the metered operations (see config/apis/README.md)",
            )


@dataclass(frozen=True)
class LoadedApi:
    entry: ApiEntry
    document: YamlDocument
    spec_file: Path


def load_api_entries(repo_root: Path) -> list[LoadedApi]:
    """Every API entry under config/apis with its document and spec file (the linter's view).

    Runs the API rules that need no other catalog file (file names, specs, shared domains); the
    full catalog load adds the environment-dependent ones. Raises CatalogError listing problems."""
    from platformctl.catalog.loader import load_api_catalog

    return load_api_catalog(repo_root)
