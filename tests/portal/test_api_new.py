"""`platformctl api new`: the written entry and spec pass the catalog, tfvars and the linter as they are;
conflicts are refused with the catalog's messages and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from platformctl import generate
from platformctl.api.bootstrap import bootstrap
from platformctl.api.skeleton import NewApi
from platformctl.catalog import load_catalog, resolve
from platformctl.cli import cli
from platformctl.errors import CatalogError, UsageError
from platformctl.openapi.catalog_specs import lint_catalog
from platformctl.paths import CONFIG_DIR


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root whose config/ is a private copy (the command writes there)."""
    shutil.copytree(CONFIG_DIR, tmp_path / "config")
    return tmp_path


def _files(repo: Path) -> set[str]:
    return {str(p.relative_to(repo)) for p in (repo / "config").rglob("*") if p.is_file()}


def test_new_api_passes_the_catalog_tfvars_and_the_linter_without_edits(repo: Path) -> None:
    written = bootstrap(repo, repo / "config", NewApi("demo", "team-demo", "A demo API.", ("local",)))
    assert sorted(str(p.relative_to(repo)) for p in written) == ["config/apis/demo.yaml", "config/apis/specs/demo.yaml"]
    catalog = load_catalog(repo / "config")
    entry = next(api for api in catalog.apis if api.name == "demo")
    assert entry.owner == "team-demo"
    local = resolve(catalog, "local")
    assert "demo" in local.apis
    others = [api for name, api in local.apis.items() if name != "demo"]
    assert local.apis["demo"].authorizer.function_arn == others[0].authorizer.function_arn
    assert local.apis["demo"].custom_domain is not None
    assert local.apis["demo"].custom_domain.mapping_key == "v1/demo"
    assert generate.render_all(catalog)
    _, findings = lint_catalog(repo)
    assert [str(f) for f in findings if f.file == "config/apis/specs/demo.yaml"] == []


def test_real_environment_with_backend_and_link_maps_the_base_path(repo: Path) -> None:
    request = NewApi(
        "payments",
        "team-pay",
        "Payments.",
        ("dev",),
        backend="payments.dev.example.com",
        base_path="v2/payments",
        vpc_link_id="d3vpay",
    )
    bootstrap(repo, repo / "config", request)
    dev = resolve(load_catalog(repo / "config"), "dev").apis["payments"]
    assert dev.backend_endpoint == "payments.dev.example.com"
    assert dev.custom_domain is not None and dev.custom_domain.mapping_key == "v2/payments"


def test_a_taken_base_path_is_refused_with_the_catalogs_message_and_nothing_is_written(repo: Path) -> None:
    before = _files(repo)
    catalog = load_catalog(repo / "config")
    taken = next(api for api in catalog.apis if api.environments["local"].custom_domain is not None)
    path = taken.environments["local"].custom_domain.mapping_key  # type: ignore[union-attr]
    with pytest.raises(CatalogError) as error:
        bootstrap(repo, repo / "config", NewApi("zzz-new", "team", "New.", ("local",), base_path=path))
    messages = [str(p) for p in error.value.problems]
    assert any(f"{path} on " in m and "is already used by" in m and "choose another base path" in m for m in messages)
    assert any(m.startswith("config/apis/zzz-new.yaml") for m in messages)
    assert _files(repo) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("orders", "config/apis/orders.yaml: the API 'orders' is already in the catalog"),
        ("Bad_Name", "config/apis/Bad_Name.yaml:3: name: 'Bad_Name' is not valid: expected 2-40 lower-case letters"),
    ],
)
def test_a_taken_or_invalid_name_is_refused(repo: Path, name: str, expected: str) -> None:
    before = _files(repo)
    with pytest.raises(CatalogError) as error:
        bootstrap(repo, repo / "config", NewApi(name, "team", "x", ("local",)))
    assert any(str(p).startswith(expected) for p in error.value.problems), error.value.problems
    assert _files(repo) == before


def test_a_real_environment_needs_a_backend_and_a_vpc_link(repo: Path) -> None:
    with pytest.raises(UsageError, match="pass --backend"):
        bootstrap(repo, repo / "config", NewApi("demo", "team", "x", ("dev",)))


def test_a_name_that_is_not_a_file_name_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match="cannot be a file name"):
        bootstrap(repo, repo / "config", NewApi("../escape", "team", "x", ("local",)))


def test_free_text_cannot_inject_template_placeholders(repo: Path) -> None:
    request = NewApi("demo", 'Team "A" ${evil}', "Costs ${x} and %{if y}", ("local",))
    bootstrap(repo, repo / "config", request)
    _, findings = lint_catalog(repo)
    assert [str(f) for f in findings if f.file == "config/apis/specs/demo.yaml"] == []
    entry = next(api for api in load_catalog(repo / "config").apis if api.name == "demo")
    assert entry.owner == 'Team "A" ${evil}'
    assert entry.description == "Costs ${x} and %{if y}"


def test_the_cli_command_is_registered_under_api() -> None:
    result = CliRunner().invoke(cli, ["api", "new", "--help"])
    assert result.exit_code == 0
    assert "--owner" in result.output and "--base-path" in result.output
