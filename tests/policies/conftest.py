"""Shared fixtures of the policy tests: checkov (from .venv-tools) runs once per session on all fixtures."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from platformctl.paths import POLICIES_DIR
from platformctl.planjson import Plan, split_address
from platformctl.policy.checkov import ScanOutput, checkov_binary, run_checkov

FIXTURES = POLICIES_DIR / "fixtures"
CHECKS_DIR = POLICIES_DIR / "checks"
DATA = Path(__file__).parent / "data"

requires_checkov = pytest.mark.skipif(not checkov_binary().exists(),
                                      reason="checkov is not installed in .venv-tools: run `make tools`")


def custom_check_ids() -> list[str]:
    """Every id declared in policies/checks (Python `id="..."` and YAML `id: "..."`)."""
    ids = set()
    for path in CHECKS_DIR.iterdir():
        if path.suffix in (".py", ".yaml"):
            ids.update(re.findall(r'\bid\s*[=:]\s*"(CKV2?_PLAT_\d+)"', path.read_text()))
    return sorted(ids, key=lambda i: (i.startswith("CKV2"), int(i.rsplit("_", 1)[1])))


PREFIXES = ("pass_", "fail_", "for_", "unknown_", "ignored_")


def _label(address: str) -> str:
    """What an address says to expect: its resource name, or for a `this`-style name its instance key
    (module.streams.aws_x.this["fail_payments"]). Companion resources are named for_*/ignored_*."""
    name, _, key = split_address(address)[-1].partition("[")
    if name.startswith(PREFIXES) or not key:
        return name
    return key.strip('"]')


def expected_names(names: list[str]) -> tuple[set[str], set[str]]:
    return ({n for n in names if _label(n).startswith("pass_")},
            {n for n in names if _label(n).startswith("fail_")})


def hcl_addresses(main_tf: Path) -> list[str]:
    return [f"{t}.{n}" for t, n in re.findall(r'^(?:resource|data)\s+"([^"]+)"\s+"([^"]+)"', main_tf.read_text(), re.M)]


def plan_addresses(plan_json: Path) -> list[str]:
    return [change.address for change in Plan.load(plan_json).changes]


@pytest.fixture(scope="session")
def fixture_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanOutput:
    """One checkov run over policies/fixtures with only the custom checks: HCL (main.tf) and plan (plan.json)."""
    if not checkov_binary().exists():
        pytest.skip("checkov is not installed in .venv-tools: run `make tools`")
    return run_checkov(directories=[FIXTURES], out_dir=tmp_path_factory.mktemp("checkov-fixtures"),
                       checks=custom_check_ids())


@pytest.fixture(scope="session")
def fixture_results(fixture_scan: ScanOutput) -> dict[tuple[str, str, str], dict[str, set[str]]]:
    """(fixture dir, scan kind hcl|plan, check id) -> {"PASSED": {...}, "FAILED": {...}, "SKIPPED": {...}}."""
    results: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in fixture_scan.records:
        assert record.file is not None
        relative = record.file.relative_to(FIXTURES)
        kind = "plan" if record.file.name == "plan.json" else "hcl"
        results[(relative.parts[0], kind, record.check_id)][record.result].add(record.resource)
    return results
