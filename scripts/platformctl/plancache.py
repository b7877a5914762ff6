"""Full-intent plans of every environment, made offline and cached by the digest of their inputs.

The policy gate, the plan-JSON tests and the benchmark all need "what would this environment
create from nothing": an OFFLINE plan with empty state. Planning costs tens of seconds per
environment, so a plan is reused while nothing it depends on (config/, modules/, the env root)
has changed.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from platformctl.catalog import Catalog, resolve
from platformctl.emulator.control import Emulator, private_emulator
from platformctl.paths import BUILD_DIR, CONFIG_DIR, ENVS_DIR, MODULES_DIR
from platformctl.planjson import Plan
from platformctl.tfroots import PassCache, content_digest, run_salt
from platformctl.tfrun import EnvRunner
from platformctl.toolchain import ensure_toolchain

PLANS_DIR = BUILD_DIR / "plans"
_SKIP_PARTS = {".terraform", "__pycache__"}


def _input_files(env: str) -> list[Path]:
    files: list[Path] = []
    for base in (CONFIG_DIR, MODULES_DIR, ENVS_DIR / env):
        for path in sorted(base.rglob("*")):
            if not path.is_file() or _SKIP_PARTS & set(path.parts):
                continue
            if path.name.startswith("terraform.tfstate") or "_override." in path.name:
                continue
            files.append(path)
    return files


def inputs_digest(env: str) -> str:
    digest = hashlib.sha256()
    for path in _input_files(env):
        digest.update(str(path.relative_to(ENVS_DIR.parent)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def cached_plan(env: str) -> Path:
    """Where the offline plan of `env` for today's inputs lives (it may not exist yet)."""
    # <digest>/<env>/plan.json: tools name a plan after its parent directory, like build/<env>/plan.json.
    return PLANS_DIR / inputs_digest(env) / env / "plan.json"


@contextmanager
def _planning_lock(env: str) -> Iterator[None]:
    """One offline plan of an env at a time across processes: an offline plan writes an override
    file into envs/<env>/, and two gates running side by side would otherwise plan it twice."""
    PLANS_DIR.mkdir(parents=True, exist_ok=True)
    with (PLANS_DIR / f".{env}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def offline_plan(catalog: Catalog, env: str, emulator: Emulator | None = None) -> Path:
    """Path of the plan JSON of `env` planned from empty state; planned now unless cached.

    Without an `emulator`, the plan runs against a private one on a free port, stopped afterwards,
    so a gate never leaves a server behind or depends on the default port being free."""
    plan_json = cached_plan(env)
    if plan_json.is_file():
        return plan_json
    with _planning_lock(env):
        if plan_json.is_file():  # planned by another process while we waited
            return plan_json
        work = plan_json.parent
        toolchain = ensure_toolchain()
        root = ENVS_DIR / env
        # Taken before planning, so an edit made while the plan runs is validated again.
        validated = content_digest(root, run_salt(toolchain.flavour, toolchain.version, ["validate"]))
        with nullcontext(emulator) if emulator else private_emulator() as endpoint:
            runner = EnvRunner(toolchain, resolve(catalog, env), offline=True, emulator=endpoint, work_dir=work)
            with runner.session():
                runner.init()
                runner.plan(work / "plan.tfplan", refresh=False, quiet=True)
        # Terraform validates a configuration before it plans it (the local backend's "validation
        # operation", internal/backend/local/backend_local.go): `tf validate` need not run this root again.
        PassCache.for_label("validate").mark_passed(root, validated)
    return plan_json


def load_plan(path: Path) -> dict[str, Any]:
    return dict(Plan.load(path).document)
