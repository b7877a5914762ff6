"""The API catalog model (config/apis), its tfvars, and the contracts it shares with the module."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from platformctl.catalog.apis import ApiEntry
from platformctl.catalog.resolve import api_inputs
from platformctl.catalog.yamlsource import read_yaml
from platformctl.errors import CatalogError
from platformctl.openapi import module_template_var_names
from platformctl.openapi.catalog_specs import lint_catalog, load_api_catalog
from platformctl.openapi.commands import group
from platformctl.paths import CONFIG_DIR, MODULES_DIR, ROOT
from tests.catalog import helpers as catalogs

MODULE = MODULES_DIR / "api-gateway-openapi"
# Inputs the env root supplies itself rather than the catalog (the alarm topics' actions among them).
ROOT_INPUTS = {
    "name_prefix",
    "alarm_topic_arn",
    "additional_alarm_actions",
    "warning_alarm_topic_arn",
    "additional_warning_alarm_actions",
    "disable_execute_api_endpoint",
}


def to_tfvars(apis: list[ApiEntry], env: str) -> dict[str, dict[str, Any]]:
    """The API inputs of `env` as the generator dumps them."""
    return {name: api.model_dump(mode="json") for name, api in api_inputs(apis, env).items()}


def load(name: str) -> ApiEntry:
    return ApiEntry.model_validate(read_yaml(CONFIG_DIR / "apis" / f"{name}.yaml", name).data)


@pytest.fixture(scope="module")
def apis() -> list[ApiEntry]:
    return [load("orders"), load("customers")]


def raw(name: str = "orders") -> dict[str, Any]:
    return copy.deepcopy(read_yaml(CONFIG_DIR / "apis" / f"{name}.yaml", name).data)


def module_variables() -> dict[str, str]:
    """variable name -> its block text, from the module's variables.tf."""
    text = (MODULE / "variables.tf").read_text(encoding="utf-8")
    blocks = re.split(r'^variable "', text, flags=re.M)[1:]
    return {block.split('"', 1)[0]: block for block in blocks}


def object_attributes(block: str) -> set[str]:
    type_text = block.split("description", 1)[0]
    return set(re.findall(r"^\s+([a-z_0-9]+)\s+=\s", type_text, flags=re.M)) - {"type"}


# -- the examples ------------------------------------------------------------------------------
def test_example_entries_are_valid(apis: list[ApiEntry]) -> None:
    assert [a.name for a in apis] == ["orders", "customers"]
    assert all((ROOT / a.spec_path).is_file() for a in apis)
    assert set(apis[0].environments) == {"local", "dev", "staging", "prod"}


def test_tfvars_keys_are_the_module_inputs(apis: list[ApiEntry]) -> None:
    variables = module_variables()
    for env in ("local", "dev", "staging", "prod"):
        for name, inputs in to_tfvars(apis, env).items():
            assert set(inputs) == set(variables) - ROOT_INPUTS, (env, name)
            for key in ("authorizer", "custom_domain", "throttling", "logging", "alarms", "waf"):
                if isinstance(inputs[key], dict):
                    assert set(inputs[key]) == object_attributes(variables[key]), (env, name, key)


def test_tfvars_are_deterministic_json(apis: list[ApiEntry]) -> None:
    first = json.dumps(to_tfvars(apis, "prod"), sort_keys=False)
    assert first == json.dumps(to_tfvars(list(reversed(apis)), "prod"), sort_keys=False)
    assert list(to_tfvars(apis, "prod")) == ["customers", "orders"]


def test_local_models_the_domain_and_permission_like_real_environments(apis: list[ApiEntry]) -> None:
    # The emulator apply leaves them out in modules/platform (emulator_apply_subset), not the catalog.
    local = to_tfvars(apis, "local")
    assert {api["custom_domain"]["mapping_key"] for api in local.values()} == {"v1/orders", "v1/customers"}
    assert all(api["authorizer"]["grant_invoke_permission"] is True for api in local.values())


def test_shared_domain_has_one_owner_and_multi_level_keys(apis: list[ApiEntry]) -> None:
    dev = to_tfvars(apis, "dev")
    assert dev["orders"]["custom_domain"]["mapping_key"] == "v1/orders"
    assert dev["orders"]["custom_domain"]["certificate_arn"].startswith("arn:aws:acm:eu-west-1:")
    assert dev["customers"]["custom_domain"] == {
        "domain_name": "api.dev.example.com",
        "mapping_key": "v1/customers",
        "certificate_arn": None,
    }


def test_exactly_one_api_manages_the_account_logging_role(apis: list[ApiEntry]) -> None:
    for env in ("local", "dev", "staging", "prod"):
        owners = [n for n, api in to_tfvars(apis, env).items() if api["manage_account_logging_role"]]
        assert owners == ["customers"], env


def test_template_vars_merge_per_environment() -> None:
    data = raw()
    data["environments"]["dev"]["template_vars"] = {"backend_base_path": "/v2"}
    api = ApiEntry.model_validate(data)
    assert to_tfvars([api], "dev")["orders"]["template_vars"] == {"backend_base_path": "/v2"}
    assert to_tfvars([api], "prod")["orders"]["template_vars"] == {"backend_base_path": "/v1"}


def test_apis_not_deployed_in_an_environment_are_left_out() -> None:
    data = raw()
    del data["environments"]["prod"]
    assert to_tfvars([ApiEntry.model_validate(data)], "prod") == {}


# -- validation errors name the key and the reason --------------------------------------------
def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        ApiEntry.model_validate(data)
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in info.value.errors())


def test_platform_variables_cannot_be_set_by_the_catalog() -> None:
    data = raw()
    data["template_vars"]["vpc_link_id"] = "x"
    assert "template_vars: Value error, vpc_link_id are supplied by the platform module" in _error(data)


def test_environment_variables_must_be_declared() -> None:
    data = raw()
    data["environments"]["dev"]["template_vars"] = {"other": "x"}
    assert "environments.dev.template_vars: other not declared" in _error(data)


def test_private_api_needs_endpoints() -> None:
    data = raw()
    data["environments"]["local"]["endpoint_type"] = "PRIVATE"
    assert "environments.local: Value error, a PRIVATE API needs vpc_endpoint_ids" in _error(data)


def test_waf_existing_needs_an_arn() -> None:
    data = raw()
    data["environments"]["dev"]["waf"] = {"mode": "existing"}
    assert 'environments.dev.waf: Value error, web_acl_arn is required with mode "existing"' in _error(data)


def test_p99_must_not_be_below_p95() -> None:
    data = raw()
    data["environments"]["dev"]["alarms"] = {"latency_p95_ms": 900, "latency_p99_ms": 500}
    assert "environments.dev.alarms: Value error, latency_p99_ms (500) must be at least latency_p95_ms" in _error(data)


def test_no_body_logging_in_prod() -> None:
    data = raw()
    data["environments"]["prod"]["logging"]["data_trace_enabled"] = True
    assert "data_trace_enabled: full request/response logging is not allowed in prod" in _error(data)


def test_unknown_environment_and_keys() -> None:
    data = raw()
    data["environments"]["qa"] = data["environments"]["dev"]
    data["environments"]["dev"]["vpc_link"] = "typo"
    message = _error(data)
    assert "environments.dev.vpc_link: Extra inputs are not permitted" in message


def test_api_keys_are_not_catalog_data() -> None:
    data = raw()
    data["environments"]["prod"]["usage_plans"]["silver"]["api_keys"] = ["partner-acme"]
    message = _error(data)
    assert "environments.prod.usage_plans.silver" in message
    assert "platformctl api keys issue" in message


def test_spec_must_stay_in_the_catalog() -> None:
    data = raw()
    data["spec"] = "../secrets.yaml"
    assert "spec:" in _error(data)


def test_two_apis_cannot_own_one_domain(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    owner = catalogs.read(config, "apis/orders.yaml")["environments"]["dev"]["custom_domain"]["certificate_arn"]
    catalogs.edit(config, "apis/customers.yaml", "environments.dev.custom_domain.certificate_arn", owner)
    assert any(
        p.startswith("config/apis/orders.yaml:") and "api.dev.example.com is already created by customers" in p
        for p in catalogs.problems(config)
    ), catalogs.problems(config)


def test_two_apis_cannot_share_a_base_path(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, "apis/customers.yaml", "environments.dev.custom_domain.base_path", "v1/orders")
    assert any(
        "environments.dev.custom_domain.base_path: v1/orders on api.dev.example.com is already used by customers" in p
        for p in catalogs.problems(config)
    ), catalogs.problems(config)


# -- contracts with the module -----------------------------------------------------------------
def test_template_variable_contract_is_one_list() -> None:
    declared = set(json.loads((MODULE / "template-variables.json").read_text(encoding="utf-8"))["variables"])
    assert declared == set(module_template_var_names())
    main_tf = (MODULE / "main.tf").read_text(encoding="utf-8")
    block = main_tf.split("platform_template_vars = {", 1)[1].split("}", 1)[0]
    assert set(re.findall(r"^\s+([a-z_]+)\s+=", block, flags=re.M)) == declared
    readme = (MODULE / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in declared)


def test_example_specs_use_every_platform_variable() -> None:
    for spec in ("orders", "customers"):
        text = (CONFIG_DIR / "apis" / "specs" / f"{spec}.yaml").read_text(encoding="utf-8")
        for name in module_template_var_names():
            assert "${" + name + "}" in text, (spec, name)
        assert "$${stageVariables.url}" in text
        assert "connectionType: VPC_LINK" in text
        assert "x-amazon-apigateway-request-validator" in text
        assert 'integration.request.header.x-org-customer-id: "context.authorizer.x-org-customer-id"' in text


# -- lint-catalog ------------------------------------------------------------------------------
IGNORED_CONSTRUCT_WARNINGS = {"APIGW018", "APIGW020"}


def test_lint_catalog_of_the_repository_is_clean() -> None:
    entries, findings = lint_catalog(ROOT)
    assert {e.entry.name for e in entries} == {"orders", "customers"}
    # Only warnings that document constructs API Gateway ignores (the backend validates those).
    assert {f.rule for f in findings} <= IGNORED_CONSTRUCT_WARNINGS, [str(f) for f in findings]


def _catalog_copy(tmp_path: Path) -> Path:
    (tmp_path / "config" / "apis" / "specs").mkdir(parents=True)
    for name in ("orders", "customers"):
        for rel in (f"config/apis/{name}.yaml", f"config/apis/specs/{name}.yaml"):
            (tmp_path / rel).write_text((ROOT / rel).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_lint_catalog_uses_the_entry_variables_and_their_lines(tmp_path: Path) -> None:
    root = _catalog_copy(tmp_path)
    entry = root / "config/apis/customers.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace(
            "stage_name: live\n", "stage_name: live\ntemplate_vars:\n  unused: x\n"
        ),
        encoding="utf-8",
    )
    _, findings = lint_catalog(root, validate_document=False)
    findings = [f for f in findings if f.rule not in IGNORED_CONSTRUCT_WARNINGS]
    assert [(f.file, f.line, f.rule) for f in findings] == [("config/apis/customers.yaml", 8, "PLAT005")]


def test_lint_catalog_reports_a_broken_spec(tmp_path: Path) -> None:
    root = _catalog_copy(tmp_path)
    spec = root / "config/apis/specs/orders.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("${vpc_link_id}", "${vpc_link}", 1), encoding="utf-8")
    _, findings = lint_catalog(root, validate_document=False)
    findings = [f for f in findings if f.rule not in IGNORED_CONSTRUCT_WARNINGS]
    assert [(f.file, f.rule) for f in findings] == [("config/apis/specs/orders.yaml", "PLAT004")]
    assert findings[0].line == spec.read_text(encoding="utf-8").split("${vpc_link}")[0].count("\n") + 1


def test_lint_catalog_rejects_an_invalid_entry(tmp_path: Path) -> None:
    root = _catalog_copy(tmp_path)
    entry = root / "config/apis/orders.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: orders", "name: order"), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_api_catalog(root)
    assert [str(p) for p in info.value.problems] == [
        "config/apis/orders.yaml:3: name: must be 'orders' to match the file name"
    ]


def test_cli_lint_picks_up_catalog_variables_and_exit_codes() -> None:
    runner = CliRunner()
    ok = runner.invoke(group, ["lint", "--no-cache", str(ROOT / "config/apis/specs/orders.yaml")])
    assert ok.exit_code == 0, ok.output
    bare = runner.invoke(group, ["lint", "--no-cache", "--no-catalog", str(ROOT / "config/apis/specs/orders.yaml")])
    assert bare.exit_code == 1
    spec_lines = (ROOT / "config/apis/specs/orders.yaml").read_text(encoding="utf-8").splitlines()
    first_use = next(n for n, line in enumerate(spec_lines, start=1) if "${backend_base_path}" in line)
    assert f"config/apis/specs/orders.yaml:{first_use}: PLAT004 template variable ${{backend_base_path}}" in bare.output
    warn = runner.invoke(
        group,
        [
            "lint",
            "--no-cache",
            "--catalog-vars",
            "backend_base_path=/v1",
            "--catalog-vars",
            "spare=1",
            str(ROOT / "config/apis/specs/orders.yaml"),
        ],
    )
    assert warn.exit_code == 0 and "PLAT005 warning:" in warn.output
    everything = runner.invoke(group, ["lint-catalog", "--no-cache"])
    assert everything.exit_code == 0, everything.output


def test_keyed_operations_need_a_tier_in_every_environment(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, "apis/orders.yaml", "environments.dev.usage_plans", None)
    (problem,) = catalogs.problems(config)
    assert problem.startswith("config/apis/orders.yaml:") and ": environments.dev: " in problem
    assert "requires an API key (x-api-key) on GET /orders, POST /orders, GET /orders/{orderId} and 2 more" in problem
    assert "no usage_plans" in problem and "403" in problem


def test_tiers_of_an_api_without_keyed_operations_are_an_error(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    tier = {"throttle": {"burst_limit": 10, "rate_limit": 5}}
    catalogs.edit(config, "apis/customers.yaml", "environments.prod.usage_plans", {"gold": tier})
    (problem,) = catalogs.problems(config)
    assert ": environments.prod.usage_plans: no operation of config/apis/specs/customers.yaml requires an API key" in (
        problem
    )
