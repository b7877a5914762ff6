"""The catalog loader: valid input, and one clear error per problem for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.catalog.loader import load_catalog
from platformctl.errors import CatalogError


def problems(config: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(config)
    return [str(p) for p in info.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_catalog_is_valid(catalog) -> None:
    assert set(catalog.environments) == {"local", "dev", "staging", "prod"}
    for env in catalog.environments:
        tags = catalog.tags(env)
        assert tags["Environment"] == env
        assert {"CostCenter", "Owner", "DataClassification"} <= set(tags)


def test_environment_overrides_platform_tags(catalog) -> None:
    assert catalog.tags("prod")["DataClassification"] == "confidential"
    assert catalog.tags("dev")["DataClassification"] == "internal"


def test_unknown_key_is_an_error_with_file_line_and_path(config_copy: Path) -> None:
    edit(config_copy / "environments/dev.yaml", "  api: ", "  apis: ")
    found = problems(config_copy)
    assert "config/environments/dev.yaml:5: accounts.apis: unknown key (check the spelling; see the catalog reference "\
        "in README.md)" in found
    assert "config/environments/dev.yaml:3: accounts.api: required key is missing" in found


def test_bad_account_id_names_the_key(config_copy: Path) -> None:
    edit(config_copy / "environments/staging.yaml", '"220000000002"', '"22000000000"')
    [problem] = problems(config_copy)
    assert problem.startswith(
        "config/environments/staging.yaml:5: accounts.api: '22000000000' is not valid: expected exactly 12 digits"
    )


def test_every_problem_is_reported_not_just_the_first(config_copy: Path) -> None:
    edit(config_copy / "environments/dev.yaml", "region: eu-west-1\naccounts", "region: Europe\naccounts")
    edit(config_copy / "environments/prod.yaml", "DataClassification: confidential", "DataClassification: secret")
    found = problems(config_copy)
    prod_lines = (config_copy / "environments/prod.yaml").read_text().splitlines()
    tags_line = prod_lines.index("tags:") + 1  # the problem points at the mapping that holds the bad value
    assert any(p.startswith("config/environments/dev.yaml:2: region:") for p in found)
    assert any(p.startswith(f"config/environments/prod.yaml:{tags_line}: tags: DataClassification must be one of")
               for p in found), found
    assert len(found) == 2


def test_duplicate_keys_are_rejected(config_copy: Path) -> None:
    edit(config_copy / "environments/dev.yaml", "name: dev\n", "name: dev\nname: dev\n")
    [problem] = problems(config_copy)
    assert problem.startswith("config/environments/dev.yaml:2: invalid YAML")
    assert "duplicate key" in problem


def test_broken_yaml_names_the_line(config_copy: Path) -> None:
    edit(config_copy / "environments/dev.yaml", "accounts:\n", "accounts: [\n")
    [problem] = problems(config_copy)
    assert problem.startswith("config/environments/dev.yaml:")
    assert "invalid YAML" in problem


def test_missing_environment_file(config_copy: Path) -> None:
    (config_copy / "environments/staging.yaml").unlink()
    assert problems(config_copy) == ["config/environments/staging.yaml: file is missing"]


def test_unknown_environment_file(config_copy: Path) -> None:
    (config_copy / "environments/qa.yaml").write_text("name: qa\n")
    assert problems(config_copy) == [
        "config/environments/qa.yaml: unexpected file; environments are local.yaml, dev.yaml, staging.yaml, prod.yaml"
    ]


def test_name_must_match_file(config_copy: Path) -> None:
    edit(config_copy / "environments/staging.yaml", "name: staging", "name: prod")
    assert problems(config_copy) == [
        "config/environments/staging.yaml:1: name: must be 'staging' to match the file name"
    ]


def test_real_environment_needs_a_backend(config_copy: Path) -> None:
    path = config_copy / "environments/dev.yaml"
    path.write_text(path.read_text().split("backend:")[0])
    [problem] = problems(config_copy)
    assert problem.startswith("config/environments/dev.yaml:1: backend: required for a real environment")


def test_emulator_environment_rejects_a_backend(config_copy: Path) -> None:
    path = config_copy / "environments/local.yaml"
    path.write_text(path.read_text() + "backend:\n  bucket: some-bucket\n  region: us-east-1\n")
    [problem] = problems(config_copy)
    assert "an emulator environment keeps local state" in problem


def test_mandatory_tag_without_a_value(config_copy: Path) -> None:
    edit(config_copy / "platform.yaml", '  CostCenter: "7263"\n', "")
    found = problems(config_copy)
    assert len(found) == 4  # once per environment, each pointing at its own file
    assert "config/environments/dev.yaml:1: tags: mandatory tag CostCenter has no value here or in "\
        "config/platform.yaml" in found


def test_reserved_tag_prefix(config_copy: Path) -> None:
    edit(config_copy / "environments/prod.yaml", "tags:\n", "tags:\n  aws:owner: me\n")
    [problem] = problems(config_copy)
    assert "the aws: prefix is reserved by AWS" in problem


def test_duplicate_source_account(config_copy: Path) -> None:
    edit(config_copy / "environments/dev.yaml", '"210000000012"', '"210000000011"')
    [problem] = problems(config_copy)
    assert "account 210000000011 is listed twice" in problem


def test_document_must_be_a_mapping(config_copy: Path) -> None:
    (config_copy / "platform.yaml").write_text("- just\n- a list\n")
    assert problems(config_copy) == ["config/platform.yaml: the document must be a mapping of keys to values"]
