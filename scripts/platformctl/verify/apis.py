"""API Gateway: the deployed routes are the spec's, and each stage is configured as the catalog says.

The spec is rendered the way the module renders it (templatefile with the entry's template variables
and stand-ins for the module-supplied ones, which only ever appear in values) and its (path, method)
pairs are compared with `get_resources(embed=["methods"])`; each method's request validator
(`get_method` requestValidatorId, `get_request_validators`) with the one the operation asks for.
Stage checks compare `get_stage` with the resolved inputs of the environment (`EnvironmentInputs.apis`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from platformctl.api.keynames import keyed_operations
from platformctl.openapi.rules_platform import VALIDATOR_KEY, VALIDATORS_KEY
from platformctl.openapi.template import lint_values, scan_and_render
from platformctl.verify.model import CheckResult

GROUP = "apis"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
ANY_METHOD = "x-amazon-apigateway-any-method"
ALL_METHODS = "*/*"
Operation = tuple[str, str]


def spec_operations(spec_text: str, template_vars: Mapping[str, str]) -> set[Operation]:
    """(path, METHOD) pairs of a spec template rendered with `template_vars`."""
    _, rendered = scan_and_render(spec_text, lint_values(template_vars))
    document = yaml.safe_load(rendered) or {}
    operations: set[Operation] = set()
    for path, item in (document.get("paths") or {}).items():
        for key in item or {}:
            if key in HTTP_METHODS:
                operations.add((path, key.upper()))
            elif key == ANY_METHOD:
                operations.add((path, "ANY"))
    return operations


def deployed_operations(apigateway: Any, rest_api_id: str) -> set[Operation]:
    """(path, METHOD) pairs of a deployed REST API."""
    operations: set[Operation] = set()
    for page in apigateway.get_paginator("get_resources").paginate(restApiId=rest_api_id, embed=["methods"]):
        for resource in page.get("items", []):
            operations.update((resource["path"], method) for method in resource.get("resourceMethods") or {})
    return operations


def _format(operations: set[Operation]) -> str:
    return ", ".join(f"{method} {path}" for path, method in sorted(operations))


def check_routes(
    apigateway: Any, api: Mapping[str, Any], spec_text: str, template_vars: Mapping[str, str]
) -> CheckResult:
    name = f"{api['rest_api_name']}: routes and methods match {api['spec_path']}"
    intended = spec_operations(spec_text, template_vars)
    deployed = deployed_operations(apigateway, api["rest_api_id"])
    missing, extra = intended - deployed, deployed - intended
    if not missing and not extra:
        return CheckResult.passed(GROUP, name, f"{len(intended)} operations deployed as specified")
    details = []
    if missing:
        details.append(f"in the spec but not deployed: {_format(missing)}")
    if extra:
        details.append(f"deployed but not in the spec: {_format(extra)}")
    return CheckResult.failed(
        GROUP, name, f"{len(missing)} missing and {len(extra)} unexpected operation(s)", tuple(details)
    )


def _mismatches(actual: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    return [
        f"{key} is {actual.get(key)!r}, intended {value!r}"
        for key, value in expected.items()
        if actual.get(key) != value
    ]


def check_stage(apigateway: Any, api: Mapping[str, Any], intended: Mapping[str, Any]) -> list[CheckResult]:
    """Access logging, X-Ray tracing, execution logging and throttling of the API's stage.

    `intended` is the API's `ApiInputs`, dumped."""
    label = f"{api['rest_api_name']}/{api['stage_name']}"
    stage = apigateway.get_stage(restApiId=api["rest_api_id"], stageName=api["stage_name"])
    results = []

    access = stage.get("accessLogSettings") or {}
    destination = access.get("destinationArn") or ""
    name = f"{label}: access logging"
    if destination.startswith("arn:") and ":logs:" in destination and access.get("format"):
        results.append(CheckResult.passed(GROUP, name, f"access logs go to {destination}"))
    else:
        results.append(
            CheckResult.failed(
                GROUP,
                name,
                "no CloudWatch Logs destination and format for access logs",
                (f"accessLogSettings: {access or 'not set'}",),
            )
        )

    tracing = bool(stage.get("tracingEnabled"))
    name = f"{label}: X-Ray tracing"
    if tracing == intended["xray_tracing_enabled"]:
        results.append(CheckResult.passed(GROUP, name, f"tracing {'enabled' if tracing else 'disabled'} as intended"))
    else:
        results.append(
            CheckResult.failed(GROUP, name, f"tracingEnabled is {tracing}, intended {intended['xray_tracing_enabled']}")
        )

    settings = (stage.get("methodSettings") or {}).get(ALL_METHODS)
    logging, throttling = intended["logging"], intended["throttling"]
    checks = {
        f"{label}: execution logging": {
            "loggingLevel": logging["level"],
            "metricsEnabled": logging["metrics_enabled"],
            "dataTraceEnabled": logging["data_trace_enabled"],
        },
        f"{label}: throttling": {
            "throttlingBurstLimit": throttling["burst_limit"],
            "throttlingRateLimit": float(throttling["rate_limit"]),
        },
    }
    for name, expected in checks.items():
        if settings is None:
            results.append(CheckResult.failed(GROUP, name, f"no method settings for {ALL_METHODS} on the stage"))
            continue
        actual = {
            key: float(settings[key]) if key == "throttlingRateLimit" and key in settings else settings.get(key)
            for key in expected
        }
        problems = _mismatches(actual, expected)
        if problems:
            results.append(CheckResult.failed(GROUP, name, "; ".join(problems)))
        else:
            shown = ", ".join(f"{key}={value}" for key, value in expected.items())
            results.append(CheckResult.passed(GROUP, name, f"{ALL_METHODS}: {shown}"))
    return results


def check_inventory(deployed: Mapping[str, Any], intended: Mapping[str, Any]) -> CheckResult:
    """Every API of the catalog is in the outputs, and nothing else."""
    missing = sorted(set(intended) - set(deployed))
    extra = sorted(set(deployed) - set(intended))
    name = "every catalog API is deployed"
    if not missing and not extra:
        return CheckResult.passed(GROUP, name, f"{len(intended)} API(s): {', '.join(sorted(intended)) or 'none'}")
    details = [f"in the catalog, not deployed: {', '.join(missing)}"] if missing else []
    details += [f"deployed, not in the catalog: {', '.join(extra)}"] if extra else []
    return CheckResult.failed(GROUP, name, "the deployed APIs differ from the catalog", tuple(details))


# -- request validation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Validator:
    name: str
    body: bool
    parameters: bool

    def __str__(self) -> str:
        return f"{self.name} (body {'on' if self.body else 'off'}, parameters {'on' if self.parameters else 'off'})"


def spec_validators(spec_text: str, template_vars: Mapping[str, str]) -> dict[Operation, Validator | None]:
    """The validator each operation asks for (its own or the document default), None where none."""
    _, rendered = scan_and_render(spec_text, lint_values(template_vars))
    document = yaml.safe_load(rendered) or {}
    declared = document.get(VALIDATORS_KEY) or {}
    default = document.get(VALIDATOR_KEY)
    wanted: dict[Operation, Validator | None] = {}
    for path, item in (document.get("paths") or {}).items():
        for key, operation in (item or {}).items():
            if key not in HTTP_METHODS and key != ANY_METHOD:
                continue
            name = (operation or {}).get(VALIDATOR_KEY, default)
            flags = declared.get(name) if isinstance(name, str) else None
            method = "ANY" if key == ANY_METHOD else key.upper()
            wanted[(path, method)] = None
            if isinstance(name, str) and isinstance(flags, dict):
                body, parameters = flags.get("validateRequestBody"), flags.get("validateRequestParameters")
                wanted[(path, method)] = Validator(name, body is True, parameters is True)
    return wanted


def deployed_methods(apigateway: Any, rest_api_id: str) -> dict[Operation, dict[str, Any]]:
    """get_method of every deployed method, by (path, METHOD)."""
    found: dict[Operation, dict[str, Any]] = {}
    for page in apigateway.get_paginator("get_resources").paginate(restApiId=rest_api_id):
        for resource in page.get("items", []):
            for method in resource.get("resourceMethods") or {}:
                found[(resource["path"], method)] = apigateway.get_method(
                    restApiId=rest_api_id, resourceId=resource["id"], httpMethod=method
                )
    return found


def deployed_validators(apigateway: Any, rest_api_id: str) -> dict[Operation, Validator | None]:
    """The validator each deployed method carries (get_method's requestValidatorId), None where none."""
    validators = {
        item["id"]: Validator(
            item.get("name", ""), bool(item.get("validateRequestBody")), bool(item.get("validateRequestParameters"))
        )
        for page in apigateway.get_paginator("get_request_validators").paginate(restApiId=rest_api_id)
        for item in page.get("items", [])
    }
    return {
        operation: validators.get(detail["requestValidatorId"]) if detail.get("requestValidatorId") else None
        for operation, detail in deployed_methods(apigateway, rest_api_id).items()
    }


def check_request_validators(
    apigateway: Any,
    api: Mapping[str, Any],
    spec_text: str,
    template_vars: Mapping[str, str],
    *,
    emulator: bool = False,
) -> CheckResult:
    """Each deployed method carries the request validator its spec operation asks for, with the same flags."""
    name = f"{api['rest_api_name']}: request validators match {api['spec_path']}"
    wanted = spec_validators(spec_text, template_vars)
    if not any(wanted.values()):
        return CheckResult.skipped(GROUP, name, "the spec assigns no request validator to any operation")
    deployed = deployed_validators(apigateway, api["rest_api_id"])
    if emulator and not any(deployed.values()):
        return CheckResult.skipped(
            GROUP,
            name,
            "the emulator (moto) does not import x-amazon-apigateway-request-validators from the OpenAPI body; "
            "checked on real AWS",
        )
    problems = []
    for operation, validator in sorted(wanted.items()):
        if operation not in deployed:
            continue  # the routes check reports missing methods
        actual = deployed[operation]
        if actual != validator:
            shown = f"{operation[1]} {operation[0]}"
            problems.append(f"{shown}: deployed {actual or 'no validator'}, the spec asks for {validator or 'none'}")
    checked = sum(1 for operation in wanted if operation in deployed)
    if problems:
        return CheckResult.failed(GROUP, name, f"{len(problems)} of {checked} method(s) differ", tuple(problems))
    validated = sum(1 for operation, v in wanted.items() if v and operation in deployed)
    return CheckResult.passed(GROUP, name, f"{checked} method(s) as specified, {validated} with a validator")


def spec_keyed(spec_text: str, template_vars: Mapping[str, str]) -> set[Operation]:
    """(path, METHOD) of the operations whose security lists the x-api-key scheme."""
    _, rendered = scan_and_render(spec_text, lint_values(template_vars))
    return {(path, method) for method, path in (op.split(" ", 1) for op in keyed_operations(yaml.safe_load(rendered)))}


def check_api_keys_required(
    apigateway: Any,
    api: Mapping[str, Any],
    spec_text: str,
    template_vars: Mapping[str, str],
    *,
    emulator: bool = False,
) -> CheckResult:
    """Exactly the operations whose security lists the x-api-key scheme are deployed with apiKeyRequired."""
    name = f"{api['rest_api_name']}: API keys required as {api['spec_path']} says"
    keyed = spec_keyed(spec_text, template_vars)
    deployed = {
        op: bool(detail.get("apiKeyRequired"))
        for op, detail in deployed_methods(apigateway, api["rest_api_id"]).items()
    }
    if emulator and keyed and not any(deployed.values()):
        return CheckResult.skipped(
            GROUP,
            name,
            "the emulator (moto) does not import API-key requirements from the OpenAPI body; checked on real AWS",
        )
    wrong = sorted(op for op, required in deployed.items() if required != (op in keyed))
    if wrong:
        details = tuple(
            f"{method} {path}: apiKeyRequired is {deployed[(path, method)]}, the spec says {(path, method) in keyed}"
            for path, method in wrong
        )
        return CheckResult.failed(GROUP, name, f"{len(wrong)} of {len(deployed)} method(s) differ", details)
    return CheckResult.passed(GROUP, name, f"{sum(deployed.values())} of {len(deployed)} method(s) require a key")
