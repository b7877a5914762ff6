"""Every class of bad catalog input gets `config/<file>:<line>: <key path>: <reason>`, never a traceback.

Each case edits a private copy of the repository's catalog the way a service team might, then
checks the problem the loader reports: the file, the key path and the reason in words.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from platformctl.catalog.yamlsource import MAX_FILE_BYTES
from platformctl.paths import ENVS_DIR, ROOT
from tests.catalog import helpers as catalogs

Edit = Callable[[Path], None]


def set_key(name: str, dotted: str, value: object) -> Edit:
    return lambda config: catalogs.edit(config, name, dotted, value)


def copy_file(source: str, target: str) -> Edit:
    return lambda config: (config / target).write_bytes((config / source).read_bytes())


def write_bytes(name: str, data: bytes) -> Edit:
    return lambda config: (config / name).write_bytes(data)


def symlink(name: str, target: str) -> Edit:
    def edit(config: Path) -> None:
        (config / name).unlink()
        (config / name).symlink_to(target)

    return edit


def alias_bomb(config: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    (config / "streams" / "firehose_events.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


ORDERS = "apis/orders.yaml"
DEV_CERT = "environments.dev.custom_domain.certificate_arn"
CERT_ID = "certificate/0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
CASES: dict[str, tuple[Edit, str, str]] = {
    # name: (edit, file the problem names, text of the problem)
    "same API in .yaml and .yml": (
        copy_file(ORDERS, "apis/orders.yml"),
        "config/apis/orders.yml",
        "config/apis/orders.yaml already defines 'orders'",
    ),
    "two APIs on one base path": (
        set_key("apis/customers.yaml", "environments.dev.custom_domain.base_path", "v1/orders"),
        "config/apis/orders.yaml",
        "environments.dev.custom_domain.base_path: v1/orders on api.dev.example.com is already used by customers",
    ),
    "two APIs create one domain": (
        lambda config: catalogs.edit(
            config, "apis/customers.yaml", DEV_CERT, catalogs.read(config, ORDERS)["environments"]["dev"][
                "custom_domain"]["certificate_arn"]
        ),
        "config/apis/orders.yaml",
        "api.dev.example.com is already created by customers",
    ),
    "a mapping on a domain no API creates": (
        set_key(ORDERS, DEV_CERT, None),
        "config/apis/customers.yaml",
        "no API creates api.dev.example.com in dev",
    ),
    "one account for two roles": (
        set_key("environments/dev.yaml", "accounts.api", "210000000001"),
        "config/environments/dev.yaml",
        "accounts.api: account 210000000001 is already the central account",
    ),
    "a source account that is central": (
        set_key("environments/dev.yaml", "accounts.sources", ["210000000001"]),
        "config/environments/dev.yaml",
        "accounts.sources.0: account 210000000001 is the central account",
    ),
    "an account id in Arabic-Indic digits": (
        set_key("environments/dev.yaml", "accounts.data", "٢١٠٠٠٠٠٠٠٠٠٣"),
        "config/environments/dev.yaml",
        "accounts.data: '٢١٠٠٠٠٠٠٠٠٠٣' is not valid: expected exactly 12 digits 0-9",
    ),
    "a region that does not exist": (
        set_key("environments/dev.yaml", "region", "eu-west-9"),
        "config/environments/dev.yaml",
        "region: 'eu-west-9' is not a Region of partition aws",
    ),
    "a certificate in another region": (
        set_key(ORDERS, DEV_CERT, f"arn:aws:acm:us-east-1:210000000002:{CERT_ID}"),
        "config/apis/orders.yaml",
        f"{DEV_CERT}: ARN is in region us-east-1, this environment is in eu-west-1",
    ),
    "a certificate in another account": (
        set_key(ORDERS, DEV_CERT, f"arn:aws:acm:eu-west-1:999999999999:{CERT_ID}"),
        "config/apis/orders.yaml",
        "it must be in the api account 210000000002",
    ),
    "an authorizer in another region": (
        set_key(
            ORDERS,
            "environments.dev.authorizer.function_arn",
            "arn:aws:lambda:eu-central-1:210000000002:function:dev-platform-authorizer",
        ),
        "config/apis/orders.yaml",
        "environments.dev.authorizer.function_arn: ARN is in region eu-central-1",
    ),
    "an authorizer permission Terraform cannot grant": (
        set_key(
            ORDERS,
            "environments.dev.authorizer.function_arn",
            "arn:aws:lambda:eu-west-1:999999999999:function:dev-platform-authorizer",
        ),
        "config/apis/orders.yaml",
        "environments.dev.authorizer.grant_invoke_permission: the function is in account 999999999999",
    ),
    "an ARN in another partition": (
        set_key(
            "streams/firehose_events.yaml", "stream.source", {
                "type": "kinesis",
                "stream_arns": {e: "arn:aws-cn:kinesis:eu-west-1:210000000003:stream/s" for e in ("dev",)},
            }
        ),
        "config/streams/firehose_events.yaml",
        "stream.source.stream_arns",
    ),
    "a data classification outside the table": (
        set_key(ORDERS, "tags.DataClassification", "secret"),
        "config/apis/orders.yaml",
        "tags.DataClassification: 'secret' is not a data classification; use one of public, internal",
    ),
    "an Environment tag that contradicts the file": (
        set_key("environments/dev.yaml", "tags", {"Environment": "prod"}),
        "config/environments/dev.yaml",
        "tags.Environment: says 'prod' in the dev environment",
    ),
    "a spec that is a symlink to a file of the runner": (
        symlink("apis/specs/orders.yaml", "/etc/hostname"),
        "config/apis/orders.yaml",
        "spec: config/apis/specs/orders.yaml resolves to /etc/hostname, outside apis/",
    ),
    "a spec that is another catalog file": (
        set_key(ORDERS, "spec", "customers.yaml"),
        "config/apis/orders.yaml",
        "spec: config/apis/customers.yaml is a catalog entry, not a spec",
    ),
    "a catalog file that is a symlink out of config/": (
        symlink("warehouse.yaml", "/etc/hostname"),
        "config/warehouse.yaml",
        "resolves to /etc/hostname, outside config/",
    ),
    "bytes that are not UTF-8": (
        write_bytes("environments/dev.yaml", b"name: dev\nregion: eu-west-1\n# caf\xe9\n"),
        "config/environments/dev.yaml:3",
        "not UTF-8: byte 0xe9 at offset 33",
    ),
    "a YAML alias bomb": (alias_bomb, "config/streams/firehose_events.yaml", "aliases expand to more than 200,000"),
    "a file larger than the limit": (
        write_bytes("streams/firehose_events.yaml", b"#" * (MAX_FILE_BYTES + 1)),
        "config/streams/firehose_events.yaml",
        f"catalog files may be at most {MAX_FILE_BYTES:,} bytes",
    ),
    "burst limit 0 in prod": (
        set_key(ORDERS, "environments.prod.throttling.burst_limit", 0),
        "config/apis/orders.yaml",
        "environments.prod.throttling.burst_limit: 0 throttles every request",
    ),
    "a stray file among the environments": (
        write_bytes("environments/qa.yml", b"name: qa\n"),
        "config/environments/qa.yml",
        "unexpected file",
    ),
    "an environment missing from eventing.yaml": (
        set_key("eventing.yaml", "environments.staging", None),
        "config/eventing.yaml",
        "has no entry for environment 'staging'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_problem(tmp_path: Path, case: str) -> None:
    edit, file, text = CASES[case]
    config = catalogs.copy_catalog(tmp_path)
    edit(config)
    problems = catalogs.problems(config)
    assert any(p.startswith(file) and text in p for p in problems), problems


def test_burst_zero_is_accepted_in_the_emulator_environment(tmp_path: Path) -> None:
    config = catalogs.copy_catalog(tmp_path)
    catalogs.edit(config, ORDERS, "environments.local.throttling.burst_limit", 0)
    assert catalogs.problems(config) == []


def test_duplicate_columns_in_a_large_stream_file_are_found(tmp_path: Path) -> None:
    # The duplicate check used to be quadratic; a file near the size limit must still load.
    config = catalogs.copy_catalog(tmp_path)
    columns = [{"name": f"c{i}", "type": "string"} for i in range(12_000)] + [{"name": "c7", "type": "string"}]
    catalogs.edit(config, "streams/firehose_events_2.yaml", "columns", columns)
    assert (config / "streams/firehose_events_2.yaml").stat().st_size < MAX_FILE_BYTES
    assert any("duplicate column names: c7" in p for p in catalogs.problems(config))


# -- through the CLI: exit 1, plain text, nothing written ------------------------------------------------------


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    shutil.copytree(ROOT / "config", root / "config")
    shutil.copytree(ROOT / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    shutil.copytree(ENVS_DIR, root / "envs", ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    return root


def generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "platformctl.cli", "catalog", "generate", *args],
        cwd=root, env={**os.environ, "PLATFORM_ROOT": str(root), "COLUMNS": "400"},
        capture_output=True, text=True, check=False,
    )


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for base in ("envs", "modules") for p in (root / base).rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", ["a spec that is a symlink to a file of the runner", "a YAML alias bomb",
                                  "two APIs create one domain", "bytes that are not UTF-8"])
def test_cli_refuses_with_exit_1_and_writes_nothing(repo_copy: Path, case: str) -> None:
    edit, file, text = CASES[case]
    edit(repo_copy / "config")
    before = snapshot(repo_copy)
    result = generate(repo_copy)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"error: {file}" in result.stderr and text in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(repo_copy) == before


def test_user_text_is_never_read_as_markup(repo_copy: Path) -> None:
    catalogs.edit(repo_copy / "config", "environments/dev.yaml", "region", "[bold]eu-west-1[/bold]")
    result = generate(repo_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'[bold]eu-west-1[/bold]' is not valid: expected an AWS region code such as eu-west-1" in result.stderr
