"""Synthetic catalogs validate against the catalog models and render like a team's catalog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from platformctl import generate
from platformctl.bench.synthetic import CaseSize, build_case, source_accounts, write_synthetic_config
from platformctl.catalog import load_catalog, resolve
from platformctl.openapi.engine import lint_file
from platformctl.paths import CONFIG_DIR, ROOT


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    write_synthetic_config(config, CaseSize(apis=3, tables=4, accounts=25))
    return config


def test_the_synthetic_catalog_loads_and_validates(synthetic: Path) -> None:
    catalog = load_catalog(synthetic)
    assert sorted(api.name for api in catalog.apis) == ["bench-000", "bench-001", "bench-002"]
    assert len(catalog.streams) == 4
    lake = resolve(catalog, "local").lakehouse
    assert len(lake.streams) == 4 and len(lake.tables) == 4
    local = catalog.environment("local")
    assert list(local.accounts.sources) == source_accounts(25)
    assert {local.accounts.central, local.accounts.api, local.accounts.data}.isdisjoint(local.accounts.sources)


def test_local_rolls_out_by_stackset_so_accounts_add_no_resources(synthetic: Path) -> None:
    catalog = load_catalog(synthetic)
    inputs = resolve(catalog, "local")
    assert inputs.rollout_mode == "stackset" and inputs.forwarder_accounts == ()
    assert inputs.central_bus.principal_scope.mode == "organization"
    files = generate.render_all(catalog, synthetic.parent / "envs", synthetic.parent / "modules", envs=["local"])
    assert files[synthetic.parent / "envs" / "local" / "forwarders.tf.json"] is None
    providers = json.loads(files[synthetic.parent / "envs" / "local" / "providers.tf.json"] or "{}")
    # The generator still declares one alias per listed source account; Terraform prunes unused ones.
    assert len(providers["provider"]["aws"]) == 3 + 25


def test_other_environments_are_untouched(synthetic: Path) -> None:
    original = load_catalog(CONFIG_DIR)
    catalog = load_catalog(synthetic)
    assert catalog.environment("prod") == original.environment("prod")
    assert catalog.eventing.environments["prod"] == original.eventing.environments["prod"]
    # Column-level grants name the repository's tables, which the synthetic tables replace everywhere.
    drop = {"environments": {"__all__": {"lakehouse_column_access"}}}
    assert catalog.warehouse.model_dump(exclude=drop) == original.warehouse.model_dump(exclude=drop)


def test_generated_specs_are_lint_clean(synthetic: Path) -> None:
    catalog = load_catalog(synthetic)
    entry = catalog.apis[0]
    assert lint_file(synthetic.parent / entry.spec_path, validate_document=False) == []


def test_build_case_copies_the_repo_and_renders_local_inputs(tmp_path: Path) -> None:
    case = build_case(ROOT, tmp_path / "case", CaseSize(apis=2, tables=1, accounts=3))
    assert (case.root / "modules" / "platform" / "main.tf").is_file()
    assert not (case.env_root / ".terraform").exists()
    tfvars = json.loads((case.env_root / "catalog.auto.tfvars.json").read_text())
    assert sorted(tfvars["apis"]) == ["bench-000", "bench-001"]
    assert tfvars["apis"]["bench-000"]["spec_path"] == "config/apis/specs/bench-000.yaml"
    assert (case.root / tfvars["apis"]["bench-000"]["spec_path"]).is_file()
    assert tfvars["forwarder_stackset"] is not None  # StackSet rollout
    assert (case.env_root / "platform.tf.json").is_file() and not (case.env_root / "forwarders.tf.json").exists()


@pytest.mark.parametrize("size", [dict(apis=0), dict(tables=0), dict(accounts=-1), dict(apis=1000)])
def test_invalid_sizes_are_refused(size: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        CaseSize(**size)
