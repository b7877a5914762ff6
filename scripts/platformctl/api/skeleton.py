"""What `platformctl api new` writes: a catalog entry and an OpenAPI skeleton, as text, from the catalog.

Pure: the per-environment settings are derived from the loaded catalog (the environment's shared
authorizer and API domain, as the other APIs there use them), and the texts are rendered from them.
Whatever the catalog cannot tell (a real backend or VPC link) must be given; only the emulator
environment gets placeholders, because nothing there is reached over the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from platformctl.catalog.apis import CATALOG_DIR
from platformctl.catalog.loader import Catalog
from platformctl.errors import UsageError


@dataclass(frozen=True)
class NewApi:
    name: str
    owner: str
    description: str
    environments: tuple[str, ...]
    backend: str | None = None
    base_path: str | None = None  # default v1/<name>
    vpc_link_id: str | None = None
    authorizer_arn: str | None = None

    @property
    def entry_path(self) -> str:
        return f"{CATALOG_DIR}/{self.name}.yaml"

    @property
    def spec_path(self) -> str:
        return f"{CATALOG_DIR}/specs/{self.name}.yaml"

    @property
    def mapping_key(self) -> str:
        return self.base_path or f"v1/{self.name}"


@dataclass(frozen=True)
class EnvironmentSettings:
    env: str
    backend_endpoint: str
    vpc_link_id: str
    authorizer_arn: str
    grant_invoke_permission: bool
    domain_name: str | None


def _emulator_link_id(name: str) -> str:
    # A VPC link id is 4-12 lower-case letters or digits; the emulator never resolves it.
    return ("loc" + re.sub(r"[^a-z0-9]", "", name))[:12].ljust(4, "0")


def shared_authorizer(catalog: Catalog, env: str) -> tuple[str, bool] | None:
    """The authorizer every other API of `env` uses (function ARN, grant permission), if they agree."""
    found = {
        (api.environments[env].authorizer.function_arn, api.environments[env].authorizer.grant_invoke_permission)
        for api in catalog.apis
        if env in api.environments
    }
    return found.pop() if len(found) == 1 else None


def api_domain(catalog: Catalog, env: str) -> str | None:
    """The one custom domain the APIs of `env` share (the one an API creates with its certificate)."""
    owned = {
        api.environments[env].custom_domain.domain_name  # type: ignore[union-attr]
        for api in catalog.apis
        if env in api.environments
        and api.environments[env].custom_domain is not None
        and api.environments[env].custom_domain.certificate_arn is not None  # type: ignore[union-attr]
    }
    return owned.pop() if len(owned) == 1 else None


def environment_settings(catalog: Catalog, request: NewApi, env: str) -> EnvironmentSettings:
    if env not in catalog.environments:
        raise UsageError(f"unknown environment {env!r}; the catalog has {', '.join(catalog.environments)}")
    emulator = catalog.environments[env].emulator
    backend = request.backend or (f"{request.name}.{env}.internal.example.com" if emulator else None)
    link = request.vpc_link_id or (_emulator_link_id(request.name) if emulator else None)
    if backend is None or link is None:
        raise UsageError(
            f"{env} is a real environment: pass --backend HOST[:PORT][/PATH] (the NLB behind the VPC link) and "
            "--vpc-link-id ID; only the emulator environment gets placeholders"
        )
    shared = shared_authorizer(catalog, env)
    if request.authorizer_arn is not None:
        authorizer, grant = request.authorizer_arn, True
    elif shared is not None:
        authorizer, grant = shared
    else:
        raise UsageError(
            f"the APIs of {env} do not share one authorizer: pass --authorizer-arn with the Lambda authorizer's ARN"
        )
    domain = api_domain(catalog, env)
    if domain is None and request.base_path is not None:
        raise UsageError(f"{env} has no shared API domain to map --base-path {request.base_path} onto")
    return EnvironmentSettings(env, backend, link, authorizer, grant, domain)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML): owner and description are free text."""
    return json.dumps(text, ensure_ascii=False)


def _template_text(text: str) -> str:
    """Free text inside the spec template: `${` and `%{` escaped so templatefile() prints them as written."""
    return _quoted(text.replace("${", "$${").replace("%{", "%%{"))


def entry_text(request: NewApi, settings: list[EnvironmentSettings]) -> str:
    lines = [
        f"# The {request.name} API, bootstrapped by `platformctl api new`. Replace the placeholders before",
        "# deploying beyond the emulator; the portal's API page shows what each setting does.",
        f"name: {request.name}",
        f"description: {_quoted(request.description)}",
        f"owner: {_quoted(request.owner)}",
        f"spec: specs/{request.name}.yaml",
        "stage_name: live",
        "",
        "environments:",
    ]
    for item in settings:
        lines += [
            f"  {item.env}:",
            f"    backend_endpoint: {item.backend_endpoint}",
            f"    vpc_link_id: {item.vpc_link_id}",
            "    authorizer:",
            f"      function_arn: {item.authorizer_arn}",
        ]
        if not item.grant_invoke_permission:
            lines.append("      grant_invoke_permission: false")
        if item.domain_name is not None:
            lines += [
                f"    # Maps onto {item.domain_name}, which another API of {item.env} creates.",
                "    custom_domain:",
                f"      domain_name: {item.domain_name}",
                f"      base_path: {request.mapping_key}",
            ]
    return "\n".join(lines) + "\n"


def spec_text(request: NewApi) -> str:
    """An OpenAPI 3.0 skeleton that passes the platform's lint rules as written."""
    name = request.name
    return f"""# The {name} API: a skeleton from `platformctl api new`. This file is a Terraform templatefile()
# template: a dollar sign and braces is a placeholder the platform fills (vpc_link_id, authorizer_*);
# a doubled dollar sign reaches API Gateway literally ($${{stageVariables.url}} is the stage's backend).
# Lint it with `make lint-openapi SPEC={request.spec_path}`.
openapi: 3.0.3
info:
  title: {name}
  description: {_template_text(request.description)}
  version: 0.1.0
  contact:
    name: {_template_text(request.owner)}
x-amazon-apigateway-request-validators:
  all:
    validateRequestBody: true
    validateRequestParameters: true
  params-only:
    validateRequestBody: false
    validateRequestParameters: true
# Default for every method; operations without a body override it.
x-amazon-apigateway-request-validator: all
paths:
  /items:
    get:
      operationId: listItems
      summary: List items.
      security:
        - lambda-authorizer: []
      x-amazon-apigateway-request-validator: params-only
      parameters:
        - name: limit
          in: query
          required: false
          description: Page size, 1-100 (API Gateway checks only that required parameters are present).
          schema:
            type: integer
      responses:
        "200":
          description: A page of items.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ItemPage"
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "https://$${{stageVariables.url}}/items"
        connectionType: VPC_LINK
        connectionId: "${{vpc_link_id}}"
        passthroughBehavior: when_no_match
        timeoutInMillis: 29000
        requestParameters:
          integration.request.header.x-requesting-service-id: "'api-gw'"
          integration.request.header.x-org-customer-id: "context.authorizer.x-org-customer-id"
          integration.request.querystring.limit: method.request.querystring.limit
    post:
      operationId: createItem
      summary: Create an item.
      security:
        - lambda-authorizer: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/NewItem"
      responses:
        "201":
          description: The item was created.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Item"
        "400":
          description: The body does not match NewItem.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: "https://$${{stageVariables.url}}/items"
        connectionType: VPC_LINK
        connectionId: "${{vpc_link_id}}"
        passthroughBehavior: when_no_match
        timeoutInMillis: 29000
        requestParameters:
          integration.request.header.x-requesting-service-id: "'api-gw'"
          integration.request.header.x-org-customer-id: "context.authorizer.x-org-customer-id"
components:
  securitySchemes:
    lambda-authorizer:
      type: "${{authorizer_type}}"
      name: "${{authorizer_name}}"
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${{authorizer_uri}}"
        authorizerCredentials: "${{authorizer_credentials}}"
        identitySource: "${{authorizer_identity_source}}"
        authorizerResultTtlInSeconds: 300
  schemas:
    NewItem:
      type: object
      required: [name]
      properties:
        name:
          type: string
          maxLength: 200
    Item:
      type: object
      required: [id, name]
      properties:
        id:
          type: string
        name:
          type: string
    ItemPage:
      type: object
      required: [items]
      properties:
        items:
          type: array
          items:
            $ref: "#/components/schemas/Item"
        nextToken:
          type: string
    Error:
      type: object
      required: [code, message]
      properties:
        code:
          type: string
        message:
          type: string
"""
