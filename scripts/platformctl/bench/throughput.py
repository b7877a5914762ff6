"""Tool throughput (OpenAPI linter, tfvars generation) and eventing policy bytes per mode."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformctl import generate
from platformctl.bench.stats import summarize
from platformctl.bench.synthetic import CaseSize, write_synthetic_config
from platformctl.catalog.loader import load_catalog
from platformctl.eventing.policy import EVENT_BUS_POLICY_SIZE_LIMIT, max_accounts_in_accounts_mode, policy_bytes_by_mode
from platformctl.openapi.benchmark import measure, write_ordinary_specs

LINTER_TARGET_SECONDS = 1.0


def cli_lint_seconds(paths: Sequence[Path]) -> tuple[float, int]:
    """One `platformctl openapi lint --no-cache` in a new interpreter: (wall seconds, findings).

    This is what a developer waits for on a first run: interpreter start, imports and the validator's
    schema compilation included, which an in-process measurement hides."""
    command = [sys.executable, "-c", "from platformctl.cli import main; main()", "openapi", "lint"]
    command += ["--no-cache", "--no-catalog", "--format", "json", *map(str, paths)]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"openapi lint exited {completed.returncode}: {completed.stderr.strip()[-400:]}")
    return seconds, len(json.loads(completed.stdout)["findings"])


def linter_throughput(work_dir: Path, specs: int = 100, repeats: int = 3) -> dict[str, Any]:
    """Lint `specs` ordinary specs: cold (empty validation cache), warm (same cache again), rules only,
    and cold in a fresh process (the CLI as a developer runs it, without a cache).

    Each repeat uses a fresh cache directory, so every cold run really validates every document."""
    spec_dir = work_dir / "specs"
    shutil.rmtree(spec_dir, ignore_errors=True)
    paths = write_ordinary_specs(spec_dir, count=specs, paths=10)
    runs: dict[str, list[Any]] = {"cold": [], "warm": [], "rules_only": []}
    process_runs: list[tuple[float, int]] = []
    findings = 0
    for index in range(repeats):
        cache = work_dir / f"cache-{index}"
        shutil.rmtree(cache, ignore_errors=True)
        runs["cold"].append(measure(paths, cache_dir=cache))
        runs["warm"].append(measure(paths, cache_dir=cache))
        runs["rules_only"].append(measure(paths, validate_document=False))
        findings = max(findings, *(r[-1].findings for r in runs.values()))
        process_runs.append(cli_lint_seconds(paths))
    result: dict[str, Any] = {
        "specs": specs,
        "paths_per_spec": 10,
        "findings": findings,
        "target_seconds": LINTER_TARGET_SECONDS,
    }
    for name, measured in runs.items():
        wall = summarize([m.seconds for m in measured])
        result[name] = {
            "wall_seconds": wall.to_dict(),
            "cpu_seconds": summarize([m.cpu_seconds for m in measured]).to_dict(),
            "specs_per_second": round(specs / wall.median, 1) if wall.median else None,
            "meets_target": wall.median < LINTER_TARGET_SECONDS,
        }
    process_wall = summarize([seconds for seconds, _ in process_runs])
    result["cold_process"] = {
        "wall_seconds": process_wall.to_dict(),
        "findings": max(found for _, found in process_runs),
        "specs_per_second": round(specs / process_wall.median, 1) if process_wall.median else None,
        "meets_target": process_wall.median < LINTER_TARGET_SECONDS,
    }
    return result


def tfvars_throughput(repo_root: Path, apis: int = 100, repeats: int = 3) -> dict[str, Any]:
    """Load + validate a catalog of `apis` synthetic APIs, then render every env's inputs from it."""
    with tempfile.TemporaryDirectory(prefix="bench-tfvars-") as tmp:
        config = Path(tmp) / "config"
        shutil.copytree(repo_root / "config", config)
        write_synthetic_config(config, CaseSize(apis=apis, tables=1, accounts=10))
        load_times, render_times = [], []
        rendered_bytes = 0
        for _ in range(repeats):
            start = time.perf_counter()
            catalog = load_catalog(config)
            load_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            files = generate.render_all(catalog, Path(tmp) / "envs", Path(tmp) / "modules")
            render_times.append(time.perf_counter() - start)
            rendered_bytes = sum(len(content) for content in files.values() if content)
    return {
        "apis": apis,
        "load_and_validate_seconds": summarize(load_times).to_dict(),
        "render_all_seconds": summarize(render_times).to_dict(),
        "rendered_files": len(files),
        "rendered_bytes": rendered_bytes,
    }


def policy_bytes(account_counts: Sequence[int] = (10, 1000, 10000)) -> dict[str, Any]:
    """Central bus policy size per principal-scope mode (eventing.policy mirrors the module byte for byte)."""
    rows = []
    for count in account_counts:
        sizes = policy_bytes_by_mode([f"{100_000_000_000 + i}" for i in range(count)])
        rows.append(
            {
                "source_accounts": count,
                "bytes": sizes,
                "accounts_mode_fits": sizes["accounts"] <= EVENT_BUS_POLICY_SIZE_LIMIT,
            }
        )
    return {
        "limit_bytes": EVENT_BUS_POLICY_SIZE_LIMIT,
        "max_accounts_in_accounts_mode": max_accounts_in_accounts_mode(),
        "rows": rows,
    }
