"""Run lanes of gates concurrently, each gate a `make <target>` with its output in a log file.

Stages in one lane run in order; lanes run side by side. The first failure stops the run: the
other lanes are interrupted with SIGINT (so pytest's fixtures stop their emulators), then
terminated if they do not exit. Times go to build/gates/times.json for `make bench --gates` and
for anyone comparing runs, with each gate's CPU time beside its wall time: on two cores the
CPU seconds, not the wall seconds, say which gate is worth making cheaper.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformctl.fsutil import write_atomic
from platformctl.gates.lanes import Lane

INTERRUPT_GRACE_S = 60.0


@dataclass
class StageResult:
    stage: str
    lane: str
    status: str  # passed | failed | interrupted | not run
    seconds: float = 0.0
    # user + system time of the gate and of every process it waited for (terraform, its providers,
    # pytest's emulators): what the gate cost the machine, whatever else was running.
    cpu_seconds: float = 0.0
    returncode: int | None = None
    log: str = ""


@dataclass
class RunReport:
    wall_seconds: float
    stages: list[StageResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(stage.status == "passed" for stage in self.stages)

    @property
    def serial_seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)

    @property
    def cpu_seconds(self) -> float:
        return sum(stage.cpu_seconds for stage in self.stages)

    def to_dict(self) -> dict[str, object]:
        return {"wall_seconds": round(self.wall_seconds, 1), "serial_seconds": round(self.serial_seconds, 1),
                "cpu_seconds": round(self.cpu_seconds, 1), "passed": self.passed,
                "stages": [asdict(stage) for stage in self.stages]}


Events = Callable[[str, StageResult], None]  # ("start" | "end", result)


class LaneRunner:
    """Owns the child processes so a failure in one lane can stop the others."""

    def __init__(self, command_for: Callable[[str], Sequence[str]], cwd: Path, log_dir: Path,
                 env: dict[str, str] | None = None) -> None:
        self.command_for, self.cwd, self.log_dir, self.env = command_for, cwd, log_dir, env
        self._lock = threading.Lock()
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping = threading.Event()

    def run(self, lanes: Sequence[Lane], on_event: Events) -> RunReport:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        results = {stage: StageResult(stage, lane.name, "not run") for lane in lanes for stage in lane.stages}
        start = time.perf_counter()
        threads = [threading.Thread(target=self._run_lane, args=(lane, results, on_event), name=lane.name)
                   for lane in lanes]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:
            # Ctrl-C reaches only this process (each gate has its own session): pass it on to the
            # gates, so none of them and none of their emulators keeps running unseen.
            self.stop_others()
            for thread in threads:
                thread.join()
            raise
        return RunReport(time.perf_counter() - start, list(results.values()))

    def _run_lane(self, lane: Lane, results: dict[str, StageResult], on_event: Events) -> None:
        for stage in lane.stages:
            if self._stopping.is_set():
                return
            result = results[stage]
            result.log = str(self.log_dir / f"{stage}.log")
            on_event("start", result)
            begun = time.perf_counter()
            with open(result.log, "wb") as log:
                # Started and registered under the lock that stop_others() snapshots under, so a
                # gate cannot start unseen while another lane is stopping the run.
                with self._lock:
                    if self._stopping.is_set():
                        return
                    process = subprocess.Popen(list(self.command_for(stage)), cwd=self.cwd, env=self.env,
                                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                               start_new_session=True)
                    self._running[stage] = process
                result.returncode, result.cpu_seconds = _wait_with_usage(process)
                with self._lock:
                    self._running.pop(stage, None)
            result.seconds = round(time.perf_counter() - begun, 1)
            if result.returncode == 0:
                result.status = "passed"
            else:
                result.status = "interrupted" if self._stopping.is_set() else "failed"
            on_event("end", result)
            if result.status == "failed":
                self.stop_others()
                return

    def stop_others(self) -> None:
        """Interrupt every running stage; terminate, then kill, what outlives the grace period."""
        with self._lock:
            self._stopping.set()
            running = list(self._running.values())
        for process in running:
            _signal_group(process, signal.SIGINT)
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)


def _wait_with_usage(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Wait for `process` as Popen.wait() would, and return its exit code and CPU seconds."""
    while True:
        try:
            _, status, usage = os.wait4(process.pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:  # reaped by stop_others() meanwhile: the code is known, the usage is not
            return process.wait(), 0.0
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, round(usage.ru_utime + usage.ru_stime, 1)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
        os.killpg(process.pid, sig)


def write_times(report: RunReport, path: Path) -> None:
    write_atomic(path, json.dumps(report.to_dict(), indent=1) + "\n")


def log_tail(path: str, lines: int) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
