"""The module's validation messages, word for word.

`terraform test` can only assert THAT a variable is refused (expect_failures), not what it says. This test
plans the module once per bad input (one test file each, so one failure never skips the next) and checks that
the operator reads an actionable message. It runs the real terraform binary with the mock provider: no AWS.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from platformctl.paths import MODULES_DIR
from platformctl.toolchain import ensure_toolchain

pytestmark = pytest.mark.terraform

MODULE = MODULES_DIR / "redshift-serverless"

BASE_VARIABLES = """
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix     = "dev"
  environment     = "dev"
  protected       = false
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
  tags            = { CostCenter = "7263", Environment = "dev", Owner = "o@example.com", DataClassification = "x" }
  capacity        = { base_capacity = 8, max_capacity = 64 }
  usage_limits    = [{ period = "daily", amount = 24, breach_action = "deactivate" }]
  network = {
    vpc_id        = "vpc-0123456789abcdef0"
    subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs = ["10.20.0.0/16"]
  }
}
"""

CASES = {
    "base_not_multiple_of_8": (
        "capacity = { base_capacity = 12, max_capacity = 64 }",
        "capacity.base_capacity must be a multiple of 8 between 8 and 1024 (got 12): RPUs are allocated in steps of 8.",
    ),
    "base_out_of_range": (
        "capacity = { base_capacity = 1032, max_capacity = 2048 }",
        "capacity.base_capacity must be between 8 and 1024 RPUs (got 1032), in multiples of 8.",
    ),
    "max_below_base": (
        "capacity = { base_capacity = 64, max_capacity = 32 }",
        "capacity.max_capacity (32) must be greater than or equal to capacity.base_capacity (64).",
    ),
    "both_modes": (
        "capacity = { base_capacity = 8, price_performance_level = 50, max_capacity = 64 }",
        "capacity.base_capacity and capacity.price_performance_level are alternative capacity modes: "
        "set one of them, not both.",
    ),
    "no_mode": (
        "capacity = { max_capacity = 64 }",
        "capacity needs a capacity mode: set capacity.base_capacity (e.g. 8) or capacity.price_performance_level",
    ),
    "bad_period": (
        'usage_limits = [{ period = "hourly", amount = 4, breach_action = "log" }]',
        "usage_limits[*].period must be daily, weekly or monthly (got hourly).",
    ),
    "bad_breach_action": (
        'usage_limits = [{ period = "daily", amount = 4, breach_action = "shutdown" }]',
        "usage_limits[*].breach_action must be log, emit-metric or deactivate (got shutdown).",
    ),
    "prod_unprotected": (
        'environment = "prod"\n    protected = false',
        'protected must be true when environment is "prod"',
    ),
    "internet_ingress": (
        'network = { vpc_id = "vpc-0123456789abcdef0", subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", '
        '"subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"], ingress_cidrs = ["0.0.0.0/0"] }',
        "network.ingress_cidrs must not open 5439 to the internet",
    ),
}


@pytest.fixture(scope="module")
def plan_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    toolchain = ensure_toolchain()
    work = tmp_path_factory.mktemp("redshift-module")
    for tf in MODULE.glob("*.tf"):
        shutil.copy(tf, work / tf.name)
    shutil.copytree(MODULE / "tests" / "mocks", work / "tests" / "mocks")
    for name, (assignment, _) in CASES.items():
        body = f'run "{name}" {{\n  command = plan\n\n  variables {{\n    {assignment}\n  }}\n}}\n'
        (work / "tests" / f"{name}.tftest.hcl").write_text(BASE_VARIABLES + "\n" + body)
    env = toolchain.env()
    subprocess.run(
        [toolchain.terraform, "init", "-backend=false", "-input=false", "-no-color"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    result = subprocess.run([toolchain.terraform, "test", "-json"], cwd=work, env=env, capture_output=True, text=True)
    # One JSON object per line; diagnostics name the test file they belong to.
    errors: dict[str, list[str]] = {name: [] for name in CASES}
    for line in result.stdout.splitlines():
        event = json.loads(line)
        if event.get("type") != "diagnostic" or event["diagnostic"]["severity"] != "error":
            continue
        name = event.get("@testfile", "").removeprefix("tests/").removesuffix(".tftest.hcl")
        if name in errors:
            diagnostic = event["diagnostic"]
            errors[name].append(f"{diagnostic['summary']}: {diagnostic.get('detail', '')}")
    return errors


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_an_actionable_message(plan_errors: dict[str, list[str]], case: str) -> None:
    # Exactly one error per bad input: the message for that input, nothing else.
    assert len(plan_errors[case]) == 1, plan_errors[case]
    assert plan_errors[case][0].startswith("Invalid value for variable: ")
    assert CASES[case][1] in plan_errors[case][0]
