"""One terraform command across many roots (modules, env roots), a few roots at a time.

`terraform validate` and `terraform test` spend most of their time in one single-threaded process
per root, so on a machine with N cores N roots run at once. Each root gets its own TF_DATA_DIR
under build/ so module directories stay clean and parallel runs never share a `.terraform`.

Inits run one after another before anything runs in parallel: they are cheap once the plugin
cache holds the provider, and Terraform does not promise that concurrent inits filling the same
plugin cache are safe.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from platformctl.errors import PlatformError
from platformctl.fsutil import read_json_object, write_atomic
from platformctl.paths import BUILD_DIR

JOBS_VARIABLE = "PLATFORM_TF_JOBS"
# `source = "./tests/mocks"` inside a mock_provider block: Terraform >= 1.7 reads shared .tfmock.hcl
# files from there; OpenTofu rejects the argument (opentofu/opentofu#1778).
_MOCK_SOURCE = re.compile(r'mock_provider\s+"[^"]+"\s*\{[^}]*?\bsource\s*=', re.DOTALL)


@dataclass(frozen=True)
class RootResult:
    root: Path
    returncode: int
    output: str
    seconds: float

    @property
    def last_line(self) -> str:
        return (self.output.strip().splitlines() or [""])[-1]


def parallel_jobs(environ: dict[str, str] | None = None, cpus: int | None = None) -> int:
    """Roots at a time: PLATFORM_TF_JOBS if set, else the machine's usable cores."""
    environ = os.environ if environ is None else environ
    configured = environ.get(JOBS_VARIABLE, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise PlatformError(f"{JOBS_VARIABLE}={configured!r} must be a whole number of 1 or more")
        return int(configured)
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus)


def longest_first(roots: Sequence[Path], history: Path) -> list[Path]:
    """Roots ordered by their last recorded duration, longest first (unknown ones first of all):
    with a few workers, starting the long pole early keeps the tail short."""
    seconds = read_json_object(history)
    return sorted(roots, key=lambda root: -float(seconds.get(str(root), float("inf"))))  # type: ignore[arg-type]


def record_durations(results: Sequence[RootResult], history: Path) -> None:
    """Merge this run's durations into the history (roots not run this time keep theirs)."""
    seconds = read_json_object(history)
    seconds.update({str(r.root): round(r.seconds, 1) for r in results})
    write_atomic(history, json.dumps(seconds, indent=1, sort_keys=True))


# HCL `source = "../x"` and JSON `"source": "../x"`.
_LOCAL_SOURCE = re.compile(r'\bsource"?\s*[=:]\s*"(\.\.?/[^"]*)"')
_SOURCE_SUFFIXES = (".tf", ".tf.json", ".hcl", ".tftpl", ".json", ".yaml", ".yml")


def content_digest(root: Path, salt: str = "") -> str:
    """Digest of everything a root's validate/test result depends on: its files, and those of every
    local module it (or its tests' fixtures) calls, transitively, plus `salt` (the tool version)."""
    seen: set[Path] = set()
    pending = [root.resolve()]
    digest = hashlib.sha256(salt.encode())
    while pending:
        directory = pending.pop()
        if directory in seen or not directory.is_dir():
            continue
        seen.add(directory)
        for path in sorted(directory.rglob("*")):
            if ".terraform" in path.parts or not path.is_file() or not path.name.endswith(_SOURCE_SUFFIXES):
                continue
            content = path.read_bytes()
            digest.update(str(path).encode() + b"\0" + content + b"\0")
            if path.name.endswith((".tf", ".tf.json", ".hcl")):
                pending += [(path.parent / source).resolve() for source in _LOCAL_SOURCE.findall(content.decode())]
    return digest.hexdigest()[:16]


def run_salt(flavour: str, version: tuple[int, int, int], command: Sequence[str]) -> str:
    """What besides a root's content decides a result: the tool, its version and the command."""
    return f"{flavour} {version} {' '.join(command)}"


class PassCache:
    """Roots whose last run passed with exactly today's content: running them again proves nothing new.

    Two gates may write the same cache at once (`validate`, and an offline plan that validated a
    root on the way), so a write merges into the file as it is now, under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.passed = {root: str(digest) for root, digest in read_json_object(path).items()}

    @classmethod
    def for_label(cls, label: str) -> PassCache:
        return cls(BUILD_DIR / label / "passed.json")

    def hit(self, root: Path, digest: str) -> bool:
        return self.passed.get(str(root)) == digest

    def refresh(self) -> None:
        self.passed = {root: str(digest) for root, digest in read_json_object(self.path).items()}

    def record(self, results: Sequence[RootResult], digests: dict[Path, str]) -> None:
        self._update({str(r.root): digests[r.root] if r.returncode == 0 else None for r in results})

    def mark_passed(self, root: Path, digest: str) -> None:
        self._update({str(root): digest})

    def _update(self, changes: dict[str, str | None]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_name(self.path.name + ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self.refresh()
            for root, digest in changes.items():
                if digest is None:
                    self.passed.pop(root, None)
                else:
                    self.passed[root] = digest
            write_atomic(self.path, json.dumps(self.passed, indent=1, sort_keys=True))


def uses_mock_sources(module: Path) -> bool:
    """True when any test file of `module` loads its mocks through mock_provider `source`."""
    return any(_MOCK_SOURCE.search(test.read_text(encoding="utf-8"))
               for test in sorted((module / "tests").glob("*.tftest.hcl")))


def _run(args: Sequence[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=root, env=env, capture_output=True, text=True, check=False)


def run_in_roots(
    terraform: str,
    roots: Sequence[Path],
    command: Sequence[str],
    *,
    env_for: Callable[[Path], dict[str, str]],
    jobs: int,
    on_result: Callable[[RootResult], None],
    runner: Callable[[Sequence[str], Path, dict[str, str]], subprocess.CompletedProcess[str]] = _run,
) -> list[RootResult]:
    """`terraform init -backend=false` in every root, then `command` in up to `jobs` roots at once.

    `on_result` sees each root as it finishes (from the calling thread, so output never interleaves);
    the returned list is in the order of `roots`."""
    results: dict[Path, RootResult] = {}
    ready: list[Path] = []
    for root in roots:
        start = time.perf_counter()
        init = runner([terraform, "init", "-backend=false", "-input=false", "-no-color"], root, env_for(root))
        if init.returncode:
            results[root] = RootResult(root, init.returncode, init.stdout + init.stderr, time.perf_counter() - start)
            on_result(results[root])
        else:
            ready.append(root)

    def run_command(root: Path) -> RootResult:
        start = time.perf_counter()
        done = runner([terraform, *command, "-no-color"], root, env_for(root))
        return RootResult(root, done.returncode, done.stdout + done.stderr, time.perf_counter() - start)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(ready) or 1))) as pool:
        futures = [pool.submit(run_command, root) for root in ready]
        for future in as_completed(futures):
            result = future.result()
            results[result.root] = result
            on_result(result)
    return [results[root] for root in roots]
