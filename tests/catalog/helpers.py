"""A private copy of the repository's catalog that a test may edit, load and resolve."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from platformctl.catalog import Catalog, load_catalog
from platformctl.errors import CatalogError
from platformctl.paths import CONFIG_DIR


def copy_catalog(tmp_path: Path) -> Path:
    """tmp_path/config: the repository's config/ (entries and specs), free to edit."""
    target = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, target)
    return target


def read(config: Path, name: str) -> dict[str, Any]:
    return yaml.safe_load((config / name).read_text(encoding="utf-8"))


def write(config: Path, name: str, document: Any) -> None:
    (config / name).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def edit(config: Path, name: str, dotted: str, value: Any) -> None:
    """Set key path `dotted` (a.b.0.c) of config/<name> to `value`; None deletes the key."""
    document = read(config, name)
    *parents, leaf = dotted.split(".")
    node = document
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(leaf)] = value
    elif value is None:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    write(config, name, document)


def load(config: Path) -> Catalog:
    return load_catalog(config)


def problems(config: Path) -> list[str]:
    """Every problem of the catalog at `config`, as printed; [] if it loads."""
    try:
        load_catalog(config)
    except CatalogError as error:
        return [str(problem) for problem in error.problems]
    return []
