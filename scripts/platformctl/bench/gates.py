"""Gate cost: wall time of the `make test` stages, run through make as CI runs them.

Each target runs once to warm caches (plugin cache, .terraform directories, the offline plan cache),
then `repeats` measured times. The cheap stages run by default; the expensive ones (validate,
terraform test, policy, unit, e2e) only with --gates because they take minutes each.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from platformctl.bench.stats import summarize

CHEAP_GATES = ("fmt-check", "tfvars-check", "docs-check", "lint")
ALL_GATES = (*CHEAP_GATES, "validate", "tf-test", "policy", "unit", "e2e")


def make_targets(makefile: Path) -> set[str]:
    """Targets defined in the Makefile (lines `name: ...`)."""
    text = makefile.read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_-]+):(?!=)", text, flags=re.MULTILINE))


def run_target(repo_root: Path, target: str, log_dir: Path) -> tuple[float, int]:
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{target}.log").open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        code = subprocess.run(
            ["make", "--no-print-directory", target], cwd=repo_root, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode
    return time.perf_counter() - start, code


def gate_costs(
    repo_root: Path,
    targets: Sequence[str],
    log_dir: Path,
    repeats: int = 1,
    log: Callable[[str], None] = print,
    runner: Callable[[Path, str, Path], tuple[float, int]] = run_target,
) -> list[dict[str, Any]]:
    available = make_targets(repo_root / "Makefile")
    rows: list[dict[str, Any]] = []
    for target in targets:
        if target not in available:
            rows.append({"target": target, "available": False, "note": "no such make target in this repository"})
            log(f"gate  {target}: not a make target here, skipped")
            continue
        warm_up, code = runner(repo_root, target, log_dir)
        log(f"gate  {target}: warm-up {warm_up:.1f}s (exit {code})")
        times, codes = [], [code]
        for _ in range(repeats):
            seconds, code = runner(repo_root, target, log_dir)
            times.append(seconds)
            codes.append(code)
        rows.append(
            {
                "target": target,
                "available": True,
                "first_run_seconds": round(warm_up, 3),
                "warm_seconds": summarize(times).to_dict() if times else None,
                "exit_codes": sorted(set(codes)),
                "passed": all(c == 0 for c in codes),
                "log": str(log_dir / f"{target}.log"),
            }
        )
        log(f"gate  {target}: warm {summarize(times).median:.1f}s" if times else f"gate  {target}: no warm run")
    return rows


def make_test_lanes(repo_root: Path, log_dir: Path,
                    runner: Callable[[Path, str, Path], tuple[float, int]] = run_target) -> dict[str, Any]:
    """`make test` as CI runs it (the gates in lanes, build/gates/times.json): the wall time a
    developer waits, next to each gate's own time inside the lanes."""
    seconds, code = runner(repo_root, "test", log_dir)
    try:
        lanes = json.loads((repo_root / "build" / "gates" / "times.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        lanes = {}
    return {"wall_seconds": round(seconds, 1), "exit_code": code, "lanes": lanes, "log": str(log_dir / "test.log")}
