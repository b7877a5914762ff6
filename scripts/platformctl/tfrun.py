"""Run Terraform in an environment root: init, plan to files, apply a saved plan, destroy.

Real environments use their S3 backend and the caller's AWS credentials. OFFLINE plans (any env)
and the `local` env use the embedded emulator instead; for a real env that needs an override file
that swaps the backend for a local one and points every provider alias at the emulator. The
override never enters envs/<env>: an offline run plans a shadow of the root under build/ (links to
the root's files, plus the override), so a real run, a test reading the root or a second offline
plan beside it never sees it. A real run still refuses to start while an override sits in the
root (left by an older version of this tool).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.catalog.base import ENV_NAMES
from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.emulator.control import Emulator
from platformctl.errors import PlatformError, UsageError
from platformctl.fsutil import write_atomic
from platformctl.generate import GENERATED_NOTE, dump_json, emulator_provider_settings, provider_aliases
from platformctl.paths import env_build_dir, env_dir
from platformctl.toolchain import Toolchain

OVERRIDE_NAME = "offline_override.tf.json"


class TerraformError(PlatformError):
    pass


# Subcommands that colour their output unless given -no-color.
_COLOURED = frozenset({"init", "plan", "apply", "destroy", "refresh", "validate", "test", "output", "show", "import"})


def no_color_args(args: Sequence[str], *, to_terminal: bool = True) -> list[str]:
    """`args` with -no-color unless Terraform writes to a terminal (a pipe or a CI log gets no escape codes;
    NO_COLOR=1 asks for none either)."""
    wants_colour = to_terminal and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if not args or args[0] not in _COLOURED or "-no-color" in args or wants_colour:
        return list(args)
    return [args[0], "-no-color", *args[1:]]


def check_env_name(env: str) -> None:
    if env not in ENV_NAMES:
        raise UsageError(f"unknown ENV {env!r}; valid environments: {', '.join(ENV_NAMES)}")


@dataclass
class EnvRunner:
    toolchain: Toolchain
    inputs: EnvironmentInputs
    offline: bool = False
    emulator: Emulator = field(default_factory=Emulator.from_env)
    # Where plans, TF_DATA_DIR and (for emulator runs) state live. Tests and benchmarks pass their
    # own directory so they never touch the developer's `make local` state.
    work_dir: Path | None = None

    def __post_init__(self) -> None:
        self.env = self.inputs.environment
        self.root = env_dir(self.env)
        self.workdir = self.root  # where terraform runs: the root, or its offline shadow
        self.build = self.work_dir or env_build_dir(self.env)
        self.is_emulator_env = self.inputs.emulator
        # `local` is the emulator by definition; OFFLINE=1 there changes nothing.
        self.uses_emulator = self.is_emulator_env or self.offline

    # -- environment ---------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        if self.offline and not self.is_emulator_env:
            return self.build / "offline" / ".terraform"
        if self.is_emulator_env:
            return self.build / ".terraform"
        return self.root / ".terraform"

    @property
    def state_path(self) -> Path:
        """State of the emulator env: it lives and dies with build/, like the emulator itself."""
        return self.build / "terraform.tfstate"

    def process_env(self) -> dict[str, str]:
        env = self.toolchain.env()
        env["TF_DATA_DIR"] = str(self.data_dir)
        if self.uses_emulator:
            # Never let real credentials or profiles of the caller reach an emulator run.
            for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                         "AWS_ROLE_ARN"):
                env.pop(name, None)
            env["AWS_ACCESS_KEY_ID"] = env["AWS_SECRET_ACCESS_KEY"] = "test"
            env["AWS_EC2_METADATA_DISABLED"] = "true"
            if self.is_emulator_env:
                env["TF_VAR_emulator_endpoint"] = self.emulator.url
        return env

    def preflight(self) -> None:
        """Fail early, in one line, on what would otherwise be a long Terraform error."""
        stray = sorted(p.name for p in self.root.glob("*_override.tf*"))
        if stray and not (self.offline and stray == [OVERRIDE_NAME]):
            raise TerraformError(
                f"envs/{self.env} contains {', '.join(stray)}, left by an interrupted OFFLINE run; "
                f"remove it (make clean) before a real plan"
            )
        if self.uses_emulator:
            self.emulator.start()
            return
        backend = self.root / "backend.tfbackend"
        if not backend.is_file():
            raise TerraformError(
                f"envs/{self.env}/backend.tfbackend is missing: add `backend:` to config/environments/{self.env}.yaml "
                f"and run `make tfvars`, or plan offline with OFFLINE=1"
            )
        if not _have_aws_credentials():
            raise TerraformError(
                f"no AWS credentials for ENV={self.env}: set AWS_PROFILE or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE "
                f"(GitLab OIDC), or plan without AWS using OFFLINE=1"
            )

    # -- override ------------------------------------------------------------------------------
    def override_document(self) -> dict[str, object]:
        settings = emulator_provider_settings(self.emulator.url)
        return {
            "//": f"{GENERATED_NOTE} OFFLINE plan only; removed when the command ends.",
            "terraform": [{"backend": [{"local": [{"path": str(self.build / "offline" / "terraform.tfstate")}]}]}],
            "provider": {"aws": [{"alias": alias, **settings} for alias, _ in provider_aliases(self.inputs)]},
        }

    @contextmanager
    def session(self) -> Iterator[EnvRunner]:
        self.preflight()
        self.build.mkdir(parents=True, exist_ok=True)
        if not (self.offline and not self.is_emulator_env):
            yield self
            return
        offline_dir = self.build / "offline"
        # An offline plan describes the full intent from nothing: never reuse a previous state.
        shutil.rmtree(offline_dir, ignore_errors=True)
        shadow = shadow_root(self.root, offline_dir / "tree")
        (shadow / OVERRIDE_NAME).write_text(dump_json(self.override_document()), encoding="utf-8")
        self.workdir = shadow
        try:
            yield self
        finally:
            self.workdir = self.root

    # -- terraform -----------------------------------------------------------------------------
    def run(self, args: Sequence[str], *, capture: bool = False, check: bool = True,
            quiet: bool = False) -> subprocess.CompletedProcess[str]:
        cmd = [self.toolchain.terraform, *no_color_args(args, to_terminal=not (capture or quiet))]
        stdout = subprocess.PIPE if capture or quiet else None
        result = subprocess.run(cmd, cwd=self.workdir, env=self.process_env(), text=True, stdout=stdout,
                                stderr=subprocess.PIPE if quiet else None, check=False)
        if check and result.returncode != 0:
            detail = f"\n{result.stderr.strip()}" if quiet and result.stderr else ""
            raise TerraformError(f"terraform {args[0]} failed in envs/{self.env} (exit {result.returncode}){detail}")
        return result

    def init(self) -> None:
        args = ["init", "-input=false", "-no-color"]
        if self.is_emulator_env:
            args += [f"-backend-config=path={self.state_path}", "-reconfigure"]
        elif not self.offline:
            args.append("-backend-config=backend.tfbackend")
        if self.offline and not self.is_emulator_env:
            args.append("-reconfigure")
        self.run(args, quiet=True)

    def plan(self, out: Path, *, extra: Sequence[str] = (), detailed_exitcode: bool = False,
             refresh: bool = True, quiet: bool = False) -> int:
        """Plan to `out` and write `out` with .json next to it. Returns 0 (no changes) or 2 (changes).

        With `quiet`, Terraform's output is kept unless the plan fails; only its summary line is
        printed (the plan itself is in the JSON file)."""
        out.parent.mkdir(parents=True, exist_ok=True)
        args = ["plan", "-input=false", "-out", str(out), *extra]
        if not refresh:
            args.append("-refresh=false")
        if detailed_exitcode:
            args.append("-detailed-exitcode")
        if quiet:
            args.append("-no-color")
        result = self.run(args, check=False, quiet=quiet)
        if result.returncode not in ((0, 2) if detailed_exitcode else (0,)):
            if quiet:
                print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
            raise TerraformError(f"terraform plan failed in envs/{self.env} (exit {result.returncode})")
        if quiet:
            summary = [line for line in result.stdout.splitlines()
                       if line.startswith(("Plan:", "No changes.", "Warning:"))]
            # stderr: stdout of commands such as `tf plan-offline` is for machine-readable results.
            print(f"envs/{self.env}: " + ("\n".join(summary) or "(no plan summary)"), file=sys.stderr)
        self.show_json(out, out.with_suffix(".json"))
        return result.returncode

    def show_json(self, plan: Path, target: Path) -> dict[str, object]:
        shown = self.run(["show", "-json", str(plan)], capture=True)
        document = json.loads(shown.stdout)
        # Atomic: the offline plan cache treats an existing plan.json as a finished plan.
        write_atomic(target, json.dumps(document, indent=1, sort_keys=True) + "\n")
        return document

    def apply(self, plan: Path) -> None:
        if not plan.is_file():
            raise UsageError(f"no saved plan at {plan}; run `make plan ENV={self.env}` first")
        self.run(["apply", "-input=false", "-auto-approve", str(plan)])

    def destroy(self, extra: Sequence[str] = ()) -> None:
        self.run(["destroy", "-input=false", "-auto-approve", *extra])

    def outputs_document(self) -> dict[str, Any]:
        """`terraform output -json`: {name: {value, type, sensitive}}."""
        shown = self.run(["output", "-json"], capture=True)
        return json.loads(shown.stdout or "{}")

    def outputs(self) -> dict[str, Any]:
        return {name: value.get("value") for name, value in self.outputs_document().items()}


def shadow_root(root: Path, tree: Path) -> Path:
    """`root` (envs/<env>) mirrored at tree/envs/<env>: a link per file, the lock file copied (init
    may rewrite it), and tree/modules and tree/config linked to the repo's, so the root's relative
    paths (../../modules/platform, and the module's ../../config/... spec paths, whether resolved
    lexically or through the links) land where they do from the real root."""
    repo = root.parent.parent
    shadow = tree / root.parent.name / root.name
    shadow.mkdir(parents=True)
    for name in ("modules", "config"):
        (tree / name).symlink_to(repo / name, target_is_directory=True)
    for path in sorted(root.iterdir()):
        if not path.is_file() or path.name.startswith("terraform.tfstate") or "_override." in path.name:
            continue
        if path.name == ".terraform.lock.hcl":
            shutil.copy2(path, shadow / path.name)
        else:
            (shadow / path.name).symlink_to(path)
    return shadow


def _have_aws_credentials() -> bool:
    import boto3

    try:
        return boto3.Session().get_credentials() is not None
    except Exception:  # a broken profile is "no usable credentials" here; terraform would say more
        return False

