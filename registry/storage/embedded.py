"""The embedded default database: FerretDB v1 with its SQLite backend, started and stopped by the registry.

It listens on loopback only, with telemetry disabled, and keeps its data under the data folder, so a local
registry persists across restarts. A lock file stops two registries from sharing one data folder; a running
`registry serve` writes its database address to `server.json` there, so the other commands work beside it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType


class EmbeddedDatabaseError(RuntimeError):
    """The embedded FerretDB could not be started; the message says why and what to do."""


SERVER_FILE = "server.json"
"""In the data folder while `registry serve` runs there: its database address and process ID."""


def publish_server(data_dir: Path, uri: str) -> None:
    """Say, in the data folder, where this running registry's database listens (for the other commands)."""
    path, tmp = data_dir / SERVER_FILE, data_dir / f".{SERVER_FILE}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"uri": uri, "pid": os.getpid()}, f)
    os.replace(tmp, path)


def withdraw_server(data_dir: Path) -> None:
    (data_dir / SERVER_FILE).unlink(missing_ok=True)


def running_server(data_dir: Path) -> tuple[str, int] | None:
    """The database address and PID of the registry serving this data folder, if one is alive."""
    try:
        info = json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8"))
        uri, pid = str(info["uri"]), int(info["pid"])
        os.kill(pid, 0)
    except PermissionError:  # alive, another user's
        return uri, pid
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return uri, pid


class DataFolderInUse(EmbeddedDatabaseError):
    """Another process holds the data folder; `server` is its (uri, pid) when it is a running registry."""

    def __init__(self, data_dir: Path):
        self.server = running_server(data_dir)
        if self.server:
            uri, pid = self.server
            message = (f"A registry (PID {pid}) is already serving the data folder {data_dir}; a second `registry "
                       "serve` on it is refused. The other commands (token create, export, import, check, records, "
                       "seed) work beside it as they are. To run a second API process on the same register, start "
                       f"it with MONGODB_URI={uri} and another --port.")
        else:
            message = (f"Another registry command is using the data folder {data_dir} right now. Wait for it to "
                       "finish and try again, or point REGISTRY_DATA_DIR at another folder for another register.")
        super().__init__(message)


def ensure_free(data_dir: Path) -> None:
    """Raise DataFolderInUse when another process holds the data folder (checked before serving)."""
    if not (data_dir / ".lock").exists():
        return
    fd = os.open(data_dir / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except BlockingIOError:
        raise DataFolderInUse(data_dir) from None
    finally:
        os.close(fd)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class EmbeddedFerretDB:
    """A FerretDB process serving `data_dir` on 127.0.0.1; use as a context manager."""

    binary: Path
    data_dir: Path
    port: int = 0
    debug_port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _lock: int | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/registry"

    @property
    def metrics_url(self) -> str:
        """Prometheus metrics, among them a counter of commands received by name."""
        return f"http://127.0.0.1:{self.debug_port}/debug/metrics"

    def start(self, timeout: float = 30.0) -> EmbeddedFerretDB:
        if not self.binary.exists():
            raise EmbeddedDatabaseError(
                f"FerretDB is not installed at {self.binary}. Run scripts/setup.sh (it builds FerretDB v1.24.2 "
                "with Go), or set MONGODB_URI to a MongoDB server."
            )
        sqlite_dir = self.data_dir / "sqlite"
        state_dir = self.data_dir / "state"
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        state_dir.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.data_dir / ".lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise DataFolderInUse(self.data_dir) from None
        withdraw_server(self.data_dir)  # we hold the lock: an address left by a registry that was killed is stale
        self.port = self.port or free_port()
        self.debug_port = self.debug_port or free_port()
        log = open(self.data_dir / "ferretdb.log", "ab")  # noqa: SIM115 - handed to the child process
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--handler=sqlite",
                f"--sqlite-url=file:{sqlite_dir}/",
                f"--listen-addr=127.0.0.1:{self.port}",
                f"--debug-addr=127.0.0.1:{self.debug_port}",
                f"--state-dir={state_dir}",
                "--telemetry=disable",
                "--log-level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._release()
                raise EmbeddedDatabaseError(
                    f"FerretDB exited with code {self.process.returncode}; see {self.data_dir / 'ferretdb.log'}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise EmbeddedDatabaseError(f"FerretDB did not listen on 127.0.0.1:{self.port} within {timeout:.0f}s")

    def stop(self) -> None:
        """Stop FerretDB cleanly (SIGTERM, then SIGKILL after 10 s)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> EmbeddedFerretDB:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
