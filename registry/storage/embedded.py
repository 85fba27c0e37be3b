"""The embedded default database: FerretDB v1 with its SQLite backend, started and stopped by the registry.

Nobody but the registry can reach it: it listens only on a Unix socket inside the data folder (mode 0700, so
only the registry's own user can connect), never on TCP, and its debug listener (metrics, pprof) is off unless
`debug_addr` asks for it. Its files are created 0600. Telemetry is disabled.

One database process per data folder, whatever happens to the registry:
- the FerretDB process is stopped when the registry process dies, even by kill -9 (Linux `PR_SET_PDEATHSIG`);
- the data-folder lock is inherited by FerretDB, so it is held until both have exited, and the lock file names
  the registry that holds it. A FerretDB left running by a registry that no longer exists (its pid is in
  `ferretdb.pid`) is stopped before a new one starts; a folder held by a living registry is refused.

A running `registry serve` writes its database address to `server.json` in the data folder, so the other
commands work beside it.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

log = logging.getLogger("registry.database")

SOCKET_NAME = "ferretdb.sock"
PID_NAME = "ferretdb.pid"
LOCK_NAME = ".lock"
MAX_SOCKET_PATH = 100
"""Unix socket paths are limited to 107 bytes on Linux (sun_path)."""
PR_SET_PDEATHSIG = 1
GOGC = "400"
"""The Go collector's target for FerretDB (Go's default is 100), unless GOGC is set in the environment. FerretDB
turns each stored document into many short-lived values; collecting less often made reading 2,000 activities
take 0.42 s instead of 0.50 s and 20,000 4.6 s instead of 5.4 s, its peak memory 91 MB instead of 62 MB
(scratch measurements, 2-core machine, with unsorted reads)."""


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
    """Raise DataFolderInUse when another registry holds the data folder (checked before serving). A folder held
    only by a FerretDB whose registry is gone counts as free: starting stops that FerretDB first."""
    if not (data_dir / LOCK_NAME).exists():
        return
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except BlockingIOError:
        if _orphan(data_dir, fd) is None:
            raise DataFolderInUse(data_dir) from None
    finally:
        os.close(fd)


def _orphan(data_dir: Path, lock: int) -> int | None:
    """The pid of a FerretDB serving `data_dir` whose registry is gone: its parent is not the registry the lock
    file names (it was re-parented when that registry died), which holds even if that pid has been reused."""
    text = os.pread(lock, 32, 0).strip()
    owner = int(text) if text.isdigit() else 0
    pid = _read_pid(data_dir / PID_NAME)
    if pid is None or not _alive(pid) or not _serves(pid, data_dir / "sqlite") or _parent(pid) == owner:
        return None
    return pid


def _serves(pid: int, sqlite_dir: Path) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"--sqlite-url=file:{sqlite_dir}/".encode() in args


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent(parent: int) -> None:
    """Run in the child between fork and exec: private files, and SIGTERM when the registry dies."""
    os.umask(0o077)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the registry died before the signal was armed
        os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip() or "0") or None
    except (OSError, ValueError):
        return None


@dataclass
class EmbeddedFerretDB:
    """A FerretDB process serving `data_dir` on a Unix socket in that folder; use as a context manager."""

    binary: Path
    data_dir: Path
    debug_addr: str | None = None
    """`host:port` for FerretDB's HTTP debug listener (metrics, pprof); None (the default) turns it off."""
    die_with_parent: bool = True
    """Only tests turn this off, to leave an orphan behind on purpose."""
    process: subprocess.Popen[bytes] | None = None
    _lock: int | None = None

    @property
    def socket_path(self) -> Path:
        return self.data_dir / SOCKET_NAME

    @property
    def uri(self) -> str:
        """The one address of this database, for PyMongo (the socket path, percent-encoded)."""
        return f"mongodb://{quote(str(self.socket_path), safe='')}/registry"

    @property
    def metrics_url(self) -> str | None:
        """Prometheus metrics (a counter of commands received by name), when the debug listener is on."""
        return f"http://{self.debug_addr}/debug/metrics" if self.debug_addr else None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, timeout: float = 30.0) -> EmbeddedFerretDB:
        """Take the data folder, start FerretDB and wait until it accepts connections."""
        self.prepare()
        try:
            self.spawn()
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def prepare(self) -> None:
        """Check the installation, create the private folders and take the data-folder lock."""
        if not self.binary.exists():
            raise EmbeddedDatabaseError(
                f"FerretDB is not installed at {self.binary}. Run scripts/setup.sh (it builds FerretDB v1.24.2 "
                "with Go), or set MONGODB_URI to a MongoDB server."
            )
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise EmbeddedDatabaseError(
                f"The data folder path {self.data_dir} is too long for the database's socket (at most "
                f"{MAX_SOCKET_PATH - len(SOCKET_NAME) - 1} characters); set REGISTRY_DATA_DIR to a shorter path.")
        for folder in (self.data_dir, self.sqlite_dir, self.data_dir / "state"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        for f in self.sqlite_dir.iterdir():  # files written by earlier versions were world-readable
            if f.is_file():
                os.chmod(f, 0o600)
        if self._lock is None:
            self._take_lock()

    @property
    def sqlite_dir(self) -> Path:
        return self.data_dir / "sqlite"

    def _take_lock(self) -> None:
        fd = os.open(self.data_dir / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            if not self._try_lock(fd):
                orphan = _orphan(self.data_dir, fd)
                if orphan is None:
                    raise DataFolderInUse(self.data_dir)
                self._stop_orphan(orphan)
                if not self._wait_for_lock(fd):
                    raise EmbeddedDatabaseError(
                        f"The data folder {self.data_dir} is still in use by a database process that could not "
                        "be stopped. Stop it first, or point REGISTRY_DATA_DIR at another folder.")
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock = fd
        withdraw_server(self.data_dir)  # we hold the lock: an address left by a registry that was killed is stale

    @staticmethod
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    @classmethod
    def _wait_for_lock(cls, fd: int, seconds: float = 10.0) -> bool:
        """A stopped process releases its files a moment after it looks dead (its other threads still exit)."""
        deadline = time.monotonic() + seconds
        while not cls._try_lock(fd):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _stop_orphan(self, pid: int) -> None:
        log.warning("A FerretDB (pid %d) left running by a stopped registry still serves %s; stopping it.",
                    pid, self.data_dir)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid) and time.monotonic() < deadline + 5:
                time.sleep(0.05)

    def spawn(self) -> None:
        """Start the FerretDB process (call from a thread that lives as long as the registry: on Linux the
        process is stopped when the thread that started it ends)."""
        assert self._lock is not None, "prepare() first"
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # left by a process that was killed; we hold the lock
        log_file = open(self.data_dir / "ferretdb.log", "ab")  # noqa: SIM115 - handed to the child process
        os.chmod(self.data_dir / "ferretdb.log", 0o600)
        parent = os.getpid()
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--handler=sqlite",
                f"--sqlite-url=file:{self.sqlite_dir}/",
                "--listen-addr=",
                f"--listen-unix={self.socket_path}",
                f"--debug-addr={self.debug_addr or ''}",
                f"--state-dir={self.data_dir / 'state'}",
                "--telemetry=disable",
                "--log-level=warn",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "GOGC": os.environ.get("GOGC", GOGC)},
            # The lock travels with the database process: it is released only when both have exited.
            pass_fds=(self._lock,),
            preexec_fn=(lambda: _die_with_parent(parent)) if self.die_with_parent else (lambda: os.umask(0o077)),
        )
        log_file.close()
        (self.data_dir / PID_NAME).write_text(f"{self.process.pid}\n")

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until FerretDB accepts connections on its socket."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedDatabaseError(
                    f"FerretDB exited with code {self.process.returncode}; see {self.data_dir / 'ferretdb.log'}")
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(0.5)
                try:
                    s.connect(str(self.socket_path))
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise EmbeddedDatabaseError(f"FerretDB did not listen on {self.socket_path} within {timeout:.0f}s; see "
                                    f"{self.data_dir / 'ferretdb.log'}")

    def exit_code(self) -> int | None:
        """The code FerretDB exited with (and the exit collected, so no zombie stays), or None while it runs."""
        return self.process.poll() if self.process else None

    def stop_process(self) -> None:
        """Stop FerretDB (SIGTERM, then SIGKILL after 10 s) but keep the data folder: for a restart."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        """Stop FerretDB cleanly and release the data folder."""
        self.stop_process()
        if self.process is not None:
            with contextlib.suppress(FileNotFoundError):
                (self.data_dir / PID_NAME).unlink()
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
