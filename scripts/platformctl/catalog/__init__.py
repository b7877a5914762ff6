"""The catalog: config/ read into typed models, every rule checked at load time, and resolved per
environment into the one model of intent (`EnvironmentInputs`) that everything else reads."""

from __future__ import annotations

from pathlib import Path

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.catalog.loader import Catalog, load_catalog
from platformctl.catalog.resolve import resolve, resolve_all

__all__ = ["Catalog", "EnvironmentInputs", "load_catalog", "load_inputs", "resolve", "resolve_all"]


def load_inputs(env: str, config_dir: Path | None = None) -> EnvironmentInputs:
    """Load the catalog (every rule) and resolve one environment: what commands call at their edge."""
    from platformctl.paths import CONFIG_DIR

    return resolve(load_catalog(config_dir or CONFIG_DIR), env)
