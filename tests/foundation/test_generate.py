"""Catalog -> Terraform inputs: content, determinism, staleness detection and one-transaction writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl import generate, transaction
from platformctl.catalog import load_catalog, resolve
from platformctl.paths import ENVS_DIR, ROOT


def render(catalog, tmp_path: Path) -> dict[Path, str | None]:
    return generate.render_all(catalog, tmp_path / "envs", tmp_path / "modules")


def test_committed_env_inputs_are_up_to_date(catalog) -> None:
    result = transaction.check(generate.render_all(catalog), ROOT)
    assert result.ok, f"stale: {result.stale}, missing: {result.missing}, {result.leftovers}; run `make tfvars`"


def test_rendering_is_deterministic(catalog) -> None:
    first = generate.render_all(catalog)
    second = generate.render_all(load_catalog(catalog.root))
    assert first == second
    for path, content in first.items():
        if path.suffix == ".json" and content is not None:
            assert content == generate.dump_json(json.loads(content)), f"{path} is not in canonical form"


def test_tfvars_carry_accounts_region_and_tags(catalog) -> None:
    tfvars = generate.tfvars(resolve(catalog, "dev"))
    assert tfvars["environment"] == "dev"
    assert tfvars["region"] == "eu-west-1"
    assert tfvars["accounts"] == {
        "central": "210000000001", "api": "210000000002", "data": "210000000003",
        "sources": ["210000000011", "210000000012"],
    }
    assert tfvars["tags"] == {
        "CostCenter": "7263", "DataClassification": "internal", "Environment": "dev",
        "Owner": "platform-engineering@example.com",
    }


def test_one_provider_alias_per_account_assuming_the_deploy_role(catalog) -> None:
    providers = generate.providers_document(resolve(catalog, "dev"))["provider"]["aws"]
    by_alias = {p["alias"]: p for p in providers}
    # Each source account also has an alias in every other forwarder Region (event_sources.forwarder_regions).
    assert sorted(by_alias) == [
        "api", "central", "data", "source_210000000011", "source_210000000011_us_east_1",
        "source_210000000012", "source_210000000012_us_east_1",
    ]
    assert by_alias["source_210000000011"]["region"] == "eu-west-1"
    assert by_alias["source_210000000011_us_east_1"]["region"] == "us-east-1"
    assert by_alias["source_210000000011_us_east_1"]["allowed_account_ids"] == ["210000000011"]
    central = by_alias["central"]
    assert central["assume_role"] == [{
        "role_arn": "arn:aws:iam::210000000001:role/platform-deployer", "session_name": "platform-dev-central",
    }]
    assert central["allowed_account_ids"] == ["210000000001"]
    assert "endpoints" not in central and "access_key" not in central


def test_the_emulator_env_points_every_endpoint_at_the_emulator(catalog) -> None:
    for provider in generate.providers_document(resolve(catalog, "local"))["provider"]["aws"]:
        endpoints = provider["endpoints"][0]
        assert set(endpoints) == set(generate.EMULATED_SERVICES)
        assert set(endpoints.values()) == {generate.EMULATOR_ENDPOINT_REF}
        assert provider["skip_credentials_validation"] is True
        assert provider["skip_requesting_account_id"] is False  # moto's STS answers; ARNs need the account


def test_backend_config_per_environment(catalog) -> None:
    assert generate.backend_config(catalog, "local") is None
    backend = generate.backend_config(catalog, "prod")
    assert 'bucket = "acme-platform-tfstate-prod"' in backend
    assert 'key = "platform/prod/terraform.tfstate"' in backend
    assert "use_lockfile = true" in backend and "encrypt = true" in backend


def test_staleness_is_detected(catalog, tmp_path: Path) -> None:
    files = render(catalog, tmp_path)
    transaction.write(files, tmp_path)
    assert transaction.check(files, tmp_path).ok
    tfvars = tmp_path / "envs" / "dev" / "catalog.auto.tfvars.json"
    tfvars.write_text(tfvars.read_text().replace("eu-west-1", "eu-west-2"))
    (tmp_path / "envs" / "prod" / "providers.tf.json").unlink()
    result = transaction.check(files, tmp_path)
    assert result.stale == [tfvars]
    assert result.missing == [tmp_path / "envs" / "prod" / "providers.tf.json"]


def test_a_generated_file_that_must_not_exist_is_stale_and_removed(catalog, tmp_path: Path) -> None:
    files = render(catalog, tmp_path)
    leftover = tmp_path / "envs" / "prod" / "forwarders.tf.json"  # prod rolls out by StackSet: no forwarder modules
    assert files[leftover] is None
    transaction.write(files, tmp_path)
    leftover.write_text("{}")
    assert transaction.check(files, tmp_path).stale == [leftover]
    assert transaction.write(files, tmp_path) == [leftover]
    assert not leftover.exists()


def test_write_reports_only_changed_files(catalog, tmp_path: Path) -> None:
    files = render(catalog, tmp_path)
    assert len(transaction.write(files, tmp_path)) == sum(content is not None for content in files.values())
    assert transaction.write(files, tmp_path) == []


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "platformctl.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """config/ and envs/ inputs in a scratch root, so the CLI can be run against broken input."""
    root = tmp_path / "repo"
    (root / "envs").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    import shutil

    shutil.copytree(ROOT / "config", root / "config")
    # The eventing catalog reads the central bus module's default priority list.
    shutil.copytree(ROOT / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    for env_root in ENVS_DIR.iterdir():
        shutil.copytree(env_root, root / "envs" / env_root.name, ignore=shutil.ignore_patterns(".terraform"))
    return root


def test_a_generation_killed_before_its_commit_point_leaves_targets_untouched(catalog, tmp_path: Path) -> None:
    files = render(catalog, tmp_path)
    transaction.write(files, tmp_path)
    tfvars = tmp_path / "envs" / "dev" / "catalog.auto.tfvars.json"
    staged = tfvars.with_name(f".{tfvars.name}.dead0001.staged")
    staged.write_text("{}")  # what a kill between staging and the journal leaves
    result = transaction.check(files, tmp_path)
    assert result.leftovers == [staged] and not result.stale
    assert transaction.write(files, tmp_path) == [] and not staged.exists()
    assert transaction.check(files, tmp_path).ok


def test_a_generation_killed_after_its_commit_point_is_finished_by_the_next_run(catalog, tmp_path: Path) -> None:
    files = render(catalog, tmp_path)
    transaction.write(files, tmp_path)
    dev = tmp_path / "envs" / "dev" / "catalog.auto.tfvars.json"
    prod = tmp_path / "envs" / "prod" / "catalog.auto.tfvars.json"
    old_dev, new_prod = dev.read_text(), prod.read_text()
    # A committed journal whose first rename happened and second did not: the envs are half updated.
    dev.write_text(old_dev.replace("eu-west-1", "eu-west-2"))
    staged = prod.with_name(f".{prod.name}.dead0002.staged")
    staged.write_text(new_prod)
    prod.write_text("{}")
    journal = tmp_path / transaction.JOURNAL_NAME
    journal.write_text(json.dumps({"replace": [[str(staged.relative_to(tmp_path)), str(prod.relative_to(tmp_path))]],
                                   "remove": []}))
    result = transaction.check(files, tmp_path)
    assert journal in result.leftovers and staged in result.leftovers
    transaction.write(files, tmp_path)
    assert prod.read_text() == new_prod and dev.read_text() == old_dev
    assert not journal.exists() and transaction.check(files, tmp_path).ok


def test_check_names_leftovers_through_the_cli(repo_copy: Path) -> None:
    import os

    env = {**os.environ, "PLATFORM_ROOT": str(repo_copy)}
    assert run_cli("catalog", "generate", env=env).returncode == 0
    stray = repo_copy / "envs" / "dev" / ".providers.tf.json.abc.staged"
    stray.write_text("{}")
    result = run_cli("catalog", "generate", "--check", env=env)
    assert result.returncode == 1
    assert "left over: envs/dev/.providers.tf.json.abc.staged" in result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr


def test_cli_invalid_catalog_exits_non_zero_and_writes_nothing(repo_copy: Path) -> None:
    import os

    before = {p: p.read_bytes() for p in (repo_copy / "envs").rglob("*") if p.is_file()}
    (repo_copy / "config/environments/dev.yaml").write_text(
        (repo_copy / "config/environments/dev.yaml").read_text().replace("eu-west-1\naccounts", "mars-1\naccounts")
    )
    # A valid change elsewhere must not be written either while the catalog has errors.
    (repo_copy / "config/environments/prod.yaml").write_text(
        (repo_copy / "config/environments/prod.yaml").read_text().replace("confidential", "restricted")
    )
    result = run_cli("catalog", "generate", env={**os.environ, "PLATFORM_ROOT": str(repo_copy)})
    assert result.returncode == 1
    assert "config/environments/dev.yaml:2: region: 'mars-1' is not valid: expected an AWS region code" in result.stderr
    assert "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    after = {p: p.read_bytes() for p in (repo_copy / "envs").rglob("*") if p.is_file()}
    assert after == before


def test_cli_check_fails_on_stale_inputs(repo_copy: Path) -> None:
    import os

    env = {**os.environ, "PLATFORM_ROOT": str(repo_copy)}
    assert run_cli("catalog", "generate", "--check", env=env).returncode == 0
    (repo_copy / "config/environments/prod.yaml").write_text(
        (repo_copy / "config/environments/prod.yaml").read_text().replace("confidential", "restricted")
    )
    result = run_cli("catalog", "generate", "--check", env=env)
    assert result.returncode == 1
    assert "stale: envs/prod/catalog.auto.tfvars.json" in result.stderr
    assert run_cli("catalog", "generate", env=env).returncode == 0
    assert run_cli("catalog", "generate", "--check", env=env).returncode == 0
