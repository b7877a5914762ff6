"""Start, stop, reset and inspect the embedded moto server.

The server runs detached from the calling process, records its PID in a pidfile and a boot id
(a fresh value per start), and is reached on 127.0.0.1 only. Start is idempotent; stop only
signals the PID it started, after checking that the PID still belongs to our server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from platformctl.emulator.compat import HEALTH_PATH
from platformctl.errors import PlatformError
from platformctl.paths import BUILD_DIR

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
STATE_DIR = BUILD_DIR / "emulator"
READY_TIMEOUT_S = 30.0


class EmulatorError(PlatformError):
    pass


@dataclass(frozen=True)
class Emulator:
    host: str
    port: int
    state_dir: Path = STATE_DIR

    @classmethod
    def from_env(cls) -> Emulator:
        port = os.environ.get("PLATFORM_EMULATOR_PORT", str(DEFAULT_PORT))
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise EmulatorError(f"PLATFORM_EMULATOR_PORT={port!r} is not a TCP port number")
        return cls(os.environ.get("PLATFORM_EMULATOR_HOST", DEFAULT_HOST), int(port))

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.state_dir / f"moto-{self.port}.pid"

    @property
    def bootfile(self) -> Path:
        return self.state_dir / f"moto-{self.port}.boot"

    @property
    def logfile(self) -> Path:
        return self.state_dir / f"moto-{self.port}.log"

    # -- probes -----------------------------------------------------------------------------
    def is_ready(self) -> bool:
        return self._probe() is not None

    def _probe(self) -> bytes | None:
        try:
            with urllib.request.urlopen(f"{self.url}{HEALTH_PATH}", timeout=5) as response:
                return response.read() if response.status == 200 else None
        except (urllib.error.URLError, OSError):
            return None

    def _port_in_use(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            return probe.connect_ex((self.host, self.port)) == 0

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _is_our_server(pid) else None

    def boot_id(self) -> str | None:
        try:
            return self.bootfile.read_text().strip() or None
        except FileNotFoundError:
            return None

    # -- actions ----------------------------------------------------------------------------
    def start(self) -> bool:
        """Start the server unless it already runs. Returns True when a new server was started."""
        if self.pid() is not None and self.is_ready():
            return False
        if self._port_in_use():
            raise EmulatorError(
                f"port {self.port} on {self.host} is already in use by a process this repo did not start "
                f"(or whose pidfile is gone); stop it or set PLATFORM_EMULATOR_PORT to a free port"
            )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        # Credentials in the caller's environment must never reach a real account by accident.
        with self.logfile.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "platformctl.emulator.server", "--host", self.host, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        self.pidfile.write_text(f"{process.pid}\n")
        self.bootfile.write_text(f"{uuid.uuid4()}\n")
        deadline = time.monotonic() + READY_TIMEOUT_S
        try:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    self._forget(process.pid)
                    raise EmulatorError(
                        f"the emulator exited during start-up (code {process.returncode}); see {self.logfile}"
                    )
                if self.is_ready():
                    return True
                time.sleep(0.2)
        except KeyboardInterrupt:
            # Interrupted while it boots (Ctrl-C, or make test stopping a lane): the caller never got
            # a server to stop, so do not leave one running detached. Signal the child we hold, not
            # the pidfile's PID: it may not have exec'd our server module yet, so stop() would not
            # recognise it.
            _terminate_group(process.pid)
            self._forget(process.pid)
            raise
        self.stop()
        raise EmulatorError(f"the emulator did not become ready on {self.url} within {READY_TIMEOUT_S:.0f}s")

    def stop(self) -> bool:
        """Stop the server we started. Returns False when none was running."""
        pid = self.pid()
        if pid is None:
            self._forget()
            return False
        _terminate_group(pid)
        self._forget()
        return True

    def reset(self) -> None:
        """Drop every resource in every account: the emulator is then as after a fresh start."""
        if not self.is_ready():
            raise EmulatorError(f"no emulator answers on {self.url}; run `make emulator-start` first")
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200:
                raise EmulatorError(f"reset failed with HTTP {response.status}")
        self.bootfile.write_text(f"{uuid.uuid4()}\n")

    def status(self) -> dict[str, object]:
        return {"url": self.url, "pid": self.pid(), "ready": self.is_ready(), "boot_id": self.boot_id()}

    def _forget(self, pid: int | None = None) -> None:
        """Drop the pidfile (only if it still names `pid`, when given) and the boot id."""
        if pid is not None and self.pidfile.is_file() and self.pidfile.read_text().strip() != str(pid):
            return
        self.pidfile.unlink(missing_ok=True)
        self.bootfile.unlink(missing_ok=True)


def _terminate_group(pid: int, grace_s: float = 10.0) -> None:
    """SIGTERM the server's process group; SIGKILL it if it outlives `grace_s`."""
    with contextlib.suppress(ProcessLookupError):  # it may have exited on its own meanwhile
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # A zombie child of ours still "exists"; reap it so stop() does not wait for nothing.
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _is_our_server(pid: int) -> bool:
    """Guard against a recycled PID: only signal a process running our server module."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)
    return b"platformctl.emulator.server" in cmdline


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def private_emulator() -> Iterator[Emulator]:
    """An emulator of our own: a free port, a throwaway state directory, stopped on exit.

    For work that needs an endpoint but no shared state (offline plans): it never collides with
    a developer's `make local` on the default port, nor with another checkout's emulator."""
    with tempfile.TemporaryDirectory(prefix="platformctl-emulator-") as state_dir:
        emulator = Emulator(DEFAULT_HOST, free_port(), Path(state_dir))
        emulator.start()
        try:
            yield emulator
        finally:
            emulator.stop()


def running_endpoint() -> str:
    """URL of the emulator `PLATFORM_EMULATOR_PORT` names, which must be answering (commands against `local`)."""
    emulator = Emulator.from_env()
    if not emulator.is_ready():
        raise EmulatorError(f"no emulator answers on {emulator.url}: run `make local` first")
    return emulator.url
