"""Synthetic catalogs: N APIs, N Iceberg tables, N source accounts, written into a repo copy.

A benchmark case is a copy of the parts of the repository a plan of envs/local reads (modules/,
envs/local without its generated files, config/), with the catalog replaced where the case says so:

- `apis`: N entries bench-NNN, each with a generated 10-path spec (the linter benchmark's ordinary
  spec) and the catalog's defaults otherwise (WAF created, no usage plan, no custom domain);
- `tables`: N Iceberg tables, each owning its Firehose stream (one entry = one table + one stream,
  the ordinary way a team onboards a table);
- `accounts`: N source accounts in `accounts.sources` of config/environments/local.yaml, with the
  local eventing rollout switched to StackSet mode (principal scope: organization, as the catalog
  requires for StackSets). Source accounts then only feed provider aliases the generator writes;
  the StackSet targets OUs, so the plan must not grow with N.

Everything else (warehouse, central bus) stays as the repository has it. The case's env inputs are
rendered by the real generator (`platformctl.generate.render_all`) from the copy's catalog, so an
invalid synthetic catalog fails exactly like a team's would.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from platformctl import generate, transaction
from platformctl.catalog.loader import Catalog, load_catalog
from platformctl.openapi.benchmark import ordinary_spec

ENV = "local"
# The API account of config/environments/local.yaml: the authorizer ARN must be in the API's region.
_API_ACCOUNT = "222222222222"
# Source account ids that cannot collide with the local role accounts (111..., 222..., 333...).
_FIRST_SOURCE_ACCOUNT = 700_000_000_000
STACKSET_OU = "ou-ab12-55555555"
# Hand-written files of the env root; the generated ones are rendered per case.
_ENV_ROOT_IGNORE = shutil.ignore_patterns(
    ".terraform",
    "terraform.tfstate*",
    "*_override.tf*",
    "catalog.auto.tfvars.json",
    "platform.tf.json",
    "providers.tf.json",
    "forwarders.tf.json",
    "backend.tfbackend",
)
_TREE_IGNORE = shutil.ignore_patterns(".terraform", "terraform.tfstate*", "*_override.tf*", "__pycache__")


@dataclass(frozen=True, order=True)
class CaseSize:
    """How big one synthetic catalog is."""

    apis: int = 1
    tables: int = 1
    accounts: int = 10

    def __post_init__(self) -> None:
        if self.apis < 1 or self.tables < 1 or self.accounts < 0:
            raise ValueError(f"a case needs at least 1 API and 1 table, and accounts >= 0: {self}")
        if self.apis > 999 or self.tables > 999:
            raise ValueError("at most 999 APIs and 999 tables (names are zero-padded to 3 digits)")

    @property
    def name(self) -> str:
        return f"apis{self.apis}-tables{self.tables}-accounts{self.accounts}"


def api_name(index: int) -> str:
    return f"bench-{index:03d}"


def api_entry(index: int) -> dict[str, Any]:
    """A catalog entry (config/apis/<name>.yaml) for synthetic API `index`, deployed in local only."""
    name = api_name(index)
    return {
        "name": name,
        "description": f"Synthetic benchmark API {index}.",
        "owner": "platform-benchmark@example.com",
        "spec": f"specs/{name}.yaml",
        "stage_name": "live",
        "tags": {"Team": "benchmark"},
        "environments": {
            ENV: {
                "backend_endpoint": f"{name}.local.internal.example.com",
                "vpc_link_id": f"bench{index:03d}",
                "authorizer": {
                    "function_arn": f"arn:aws:lambda:us-east-1:{_API_ACCOUNT}:function:local-platform-authorizer",
                    # The function does not exist in the emulator (as for the catalog's local APIs).
                    "grant_invoke_permission": False,
                },
            }
        },
    }


def table_name(index: int) -> str:
    return f"bench_table_{index:03d}"


def stream_entry(index: int) -> dict[str, Any]:
    """A streams catalog entry (config/streams/<table>.yaml): one table owning its stream."""
    return {
        "table": table_name(index),
        "description": f"Synthetic benchmark table {index}.",
        "environments": [ENV],
        "columns": [
            {"name": "type", "type": "struct<device:string,event:string,action:string>"},
            {"name": "customer_id", "type": "string"},
            {"name": "event_timestamp", "type": "timestamp"},
            {"name": "region", "type": "string"},
        ],
        "stream": {
            "name": f"bench-stream-{index:03d}",
            "source": {"type": "direct_put"},
            "buffering": {"size_mib": 1, "interval_seconds": 60},
            "error_prefix": f"error/bench-{index:03d}/",
        },
    }


def source_accounts(count: int) -> list[str]:
    return [str(_FIRST_SOURCE_ACCOUNT + i) for i in range(count)]


def _dump(path: Path, document: Any, comment: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {comment}\n" + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_synthetic_config(config_dir: Path, size: CaseSize) -> None:
    """Replace the APIs, streams, local source accounts and local rollout of `config_dir` (a copy)."""
    note = "Synthetic benchmark catalog written by `platformctl bench`; not part of the repository."
    apis_dir = config_dir / "apis"
    for old in [*apis_dir.glob("*.y*ml"), *(apis_dir / "specs").glob("*")]:
        old.unlink()
    for index in range(size.apis):
        _dump(apis_dir / f"{api_name(index)}.yaml", api_entry(index), note)
        (apis_dir / "specs" / f"{api_name(index)}.yaml").write_text(ordinary_spec(index, paths=10), encoding="utf-8")

    streams_dir = config_dir / "streams"
    for old in streams_dir.glob("*.y*ml"):
        old.unlink()
    for index in range(size.tables):
        _dump(streams_dir / f"{table_name(index)}.yaml", stream_entry(index), note)

    # Column-level Lake Formation grants name the repository's tables, which the synthetic ones replaced.
    warehouse_file = config_dir / "warehouse.yaml"
    warehouse = _load(warehouse_file)
    for settings in warehouse["environments"].values():
        settings.pop("lakehouse_column_access", None)
    _dump(warehouse_file, warehouse, note)

    env_file = config_dir / "environments" / f"{ENV}.yaml"
    environment = _load(env_file)
    environment["accounts"]["sources"] = source_accounts(size.accounts)
    _dump(env_file, environment, note)

    eventing_file = config_dir / "eventing.yaml"
    eventing = _load(eventing_file)
    local = eventing["environments"][ENV]
    # Stack instance Regions are event_sources.forwarder_regions of the environment file (us-east-1 for local).
    local["rollout"] = {"mode": "stackset", "organizational_unit_ids": [STACKSET_OU]}
    local["principal_scope"] = {"mode": "organization"}
    _dump(eventing_file, eventing, note)


@dataclass(frozen=True)
class Case:
    size: CaseSize
    root: Path  # the repo copy
    catalog: Catalog

    @property
    def env_root(self) -> Path:
        return self.root / "envs" / ENV


def build_case(repo_root: Path, work_dir: Path, size: CaseSize) -> Case:
    """Copy modules/, envs/local and config/ of `repo_root` to `work_dir`, write the synthetic
    catalog, validate it with the catalog loader and render envs/local's inputs from it."""
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    shutil.copytree(repo_root / "modules", work_dir / "modules", ignore=_TREE_IGNORE)
    shutil.copytree(repo_root / "config", work_dir / "config", ignore=_TREE_IGNORE)
    shutil.copytree(repo_root / "envs" / ENV, work_dir / "envs" / ENV, ignore=_ENV_ROOT_IGNORE)
    write_synthetic_config(work_dir / "config", size)
    catalog = load_catalog(work_dir / "config")
    transaction.write(generate.render_all(catalog, work_dir / "envs", work_dir / "modules", envs=[ENV]), work_dir)
    return Case(size, work_dir, catalog)
