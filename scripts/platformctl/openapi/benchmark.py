"""Linter throughput: generate ordinary specs and time lint_files over them.

For the platform benchmark: `write_ordinary_specs(dir)` writes lint-clean specs shaped like the
catalog's (10 paths, a GET each with a path parameter, a model per path, the Lambda authorizer,
http_proxy over the VPC link), and `measure(paths)` times one linting pass.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from platformctl.openapi.engine import lint_files

_HEADER = """openapi: 3.0.3
info:
  title: bench{index}
  description: Generated benchmark API {index}.
  version: 1.0.0
x-amazon-apigateway-request-validators:
  params-only:
    validateRequestBody: false
    validateRequestParameters: true
x-amazon-apigateway-request-validator: params-only
paths:
"""
_PATH = """  /resource{n}/{{id}}:
    get:
      operationId: getResource{n}
      summary: Read one resource{n}.
      security:
        - lambda-authorizer: []
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: The resource.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Resource{n}"
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "https://$${{stageVariables.url}}/resource{n}/{{id}}"
        connectionType: VPC_LINK
        connectionId: "${{vpc_link_id}}"
        requestParameters:
          integration.request.header.x-requesting-service-id: "'api-gw'"
          integration.request.header.x-org-customer-id: "context.authorizer.x-org-customer-id"
          integration.request.path.id: method.request.path.id
"""
_COMPONENTS = """components:
  securitySchemes:
    lambda-authorizer:
      type: "${authorizer_type}"
      name: "${authorizer_name}"
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${authorizer_uri}"
        authorizerCredentials: "${authorizer_credentials}"
        identitySource: "${authorizer_identity_source}"
  schemas:
"""
_MODEL = """    Resource{n}:
      type: object
      required: [id, name]
      properties:
        id:
          type: string
        name:
          type: string
          maxLength: 200
        count:
          type: integer
          minimum: 0
        tags:
          type: array
          items:
            type: string
"""


def ordinary_spec(index: int, paths: int = 10) -> str:
    body = _HEADER.format(index=index) + "".join(_PATH.format(n=n) for n in range(paths))
    return body + _COMPONENTS + "".join(_MODEL.format(n=n) for n in range(paths))


def write_ordinary_specs(directory: Path, count: int = 100, paths: int = 10) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        path = directory / f"bench-{index:03d}.yaml"
        path.write_text(ordinary_spec(index, paths), encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class Throughput:
    specs: int
    findings: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process only: stable on a busy machine

    @property
    def specs_per_second(self) -> float:
        return self.specs / self.seconds if self.seconds else float("inf")


def measure(paths: Sequence[Path], *, validate_document: bool = True, cache_dir: Path | None = None) -> Throughput:
    wall, cpu = time.perf_counter(), time.process_time()
    findings = lint_files(paths, validate_document=validate_document, cache_dir=cache_dir)
    return Throughput(len(paths), len(findings), time.perf_counter() - wall, time.process_time() - cpu)
