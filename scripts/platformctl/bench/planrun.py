"""Timed Terraform runs for the benchmark: wall time, CPU time and emulator API calls per plan.

Wall time on a shared machine depends on what else runs, so each plan also records the CPU seconds
of terraform and its provider plugins (RUSAGE_CHILDREN: every reaped descendant), the CPU seconds
the emulator spent answering, and the number of HTTP requests the emulator served (one line per
request in its log), which is what refresh and data sources cost in API calls.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.emulator.control import Emulator
from platformctl.planjson import Plan
from platformctl.tfrun import EnvRunner, TerraformError


@dataclass
class CopyRunner(EnvRunner):
    """EnvRunner for an env root outside the repository (a benchmark case's copy of envs/local)."""

    env_root: Path | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.env_root is not None:
            self.root = self.env_root


@dataclass(frozen=True)
class RunSample:
    """One timed terraform command."""

    wall_seconds: float
    cpu_seconds: float  # terraform + provider plugins
    emulator_cpu_seconds: float | None
    api_calls: int | None
    exit_code: int
    extra: dict[str, Any] = field(default_factory=dict)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int | None) -> float | None:
    """utime + stime of a running process (Linux /proc), None when it cannot be read."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    # After the command name: state is fields[0]; utime and stime are the 14th and 15th stat fields.
    return (int(fields[11]) + int(fields[12])) / ticks


def count_requests(log: Path) -> int:
    """HTTP requests the emulator logged so far (werkzeug writes one `"METHOD /path HTTP/1.1" status` line each)."""
    try:
        with log.open("rb") as handle:
            return sum(1 for line in handle if b' HTTP/1.1" ' in line)
    except OSError:
        return 0


@dataclass
class _ProcessTree:
    """CPU seconds of each descendant of a process, sampled from /proc while it runs.

    Provider plugins exit before terraform does, so their last sample is slightly low (by at most
    one sampling interval), and a plugin living less than one interval can be missed: the process
    count is a lower bound. Terraform's own CPU (and the total) is exact from RUSAGE_CHILDREN."""

    root: int
    cpu: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def sample(self) -> None:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
        tree = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        for pid in tree - {self.root}:
            seconds = process_cpu_seconds(pid)
            if seconds is None:
                continue
            self.cpu[pid] = max(seconds, self.cpu.get(pid, 0.0))
            if pid not in self.names:
                try:
                    self.names[pid] = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    self.names[pid] = "?"

    def providers(self) -> list[float]:
        return [seconds for pid, seconds in self.cpu.items() if self.names.get(pid, "").startswith("terraform-pro")]


def timed(
    runner: EnvRunner,
    args: Sequence[str],
    emulator: Emulator | None = None,
    ok_codes: Sequence[int] = (0,),
    sample_interval: float = 0.1,
) -> tuple[RunSample, str]:
    """Run `terraform args` in the runner's root and measure it; returns the sample and stdout."""
    pid = emulator.pid() if emulator else None
    emu_cpu = process_cpu_seconds(pid)
    calls = count_requests(emulator.logfile) if emulator else None
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [runner.toolchain.terraform, *args],
        cwd=runner.workdir,
        env=runner.process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tree = _ProcessTree(process.pid)
    output: dict[str, str] = {}

    def _drain() -> None:
        output["stdout"], output["stderr"] = process.communicate()

    import threading

    reader = threading.Thread(target=_drain, daemon=True)
    reader.start()
    while reader.is_alive():
        tree.sample()
        reader.join(sample_interval)
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    emu_after = process_cpu_seconds(pid)
    providers = tree.providers()
    sample = RunSample(
        wall_seconds=wall,
        cpu_seconds=cpu,
        emulator_cpu_seconds=None if emu_cpu is None or emu_after is None else emu_after - emu_cpu,
        api_calls=None if calls is None or emulator is None else count_requests(emulator.logfile) - calls,
        exit_code=process.returncode,
        extra={"provider_processes": len(providers), "provider_cpu_seconds": round(sum(providers), 3)},
    )
    if process.returncode not in ok_codes:
        text = output.get("stderr") or output.get("stdout") or ""
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise TerraformError(f"terraform {args[0]} failed in {runner.root} (exit {process.returncode}):\n{tail}")
    return sample, output.get("stdout", "")


def plan_args(out: Path, *, refresh: bool, extra: Sequence[str] = (), detailed: bool = False) -> list[str]:
    args = ["plan", "-input=false", "-no-color", "-out", str(out), *extra]
    if not refresh:
        args.append("-refresh=false")
    if detailed:
        args.append("-detailed-exitcode")
    return args


def show_json(runner: EnvRunner, plan: Path) -> dict[str, Any]:
    shown = runner.run(["show", "-json", str(plan)], capture=True, quiet=True)
    return json.loads(shown.stdout)


def managed_resource_count(plan: dict[str, Any]) -> int:
    """Managed resource instances the plan describes (to create, update or keep), data sources excluded."""
    return len(Plan(plan).managed())


def data_source_count(plan: dict[str, Any]) -> int:
    """Data source instances read during the plan (prior_state holds what was read)."""
    return sum(1 for resource in Plan(plan).prior_resources() if resource.get("mode") == "data")


def pending_changes(plan: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(address, actions) of every managed resource the plan would change."""
    return [(change.address, list(change.actions)) for change in Plan(plan).pending()]
