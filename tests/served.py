"""A real `registry serve` process for tests that need the registry on a TCP port (Node clients, the CLI beside
a running server). Started with the test's environment, stopped (SIGTERM, then SIGKILL) at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from registry.storage.embedded import free_port


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def environment(changes: dict[str, str | None]) -> dict[str, str]:
    env = {**os.environ}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@contextmanager
def serving(env: dict[str, str | None], log: Path, *args: str, timeout: float = 60.0) -> Iterator[Served]:
    """`registry serve` on a free loopback port, ready (its /health/ready answers 200) when this yields. An
    `env` value of None removes that variable."""
    port = free_port()
    out = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the child writes to it until it stops
    process = subprocess.Popen([sys.executable, "-m", "registry", "serve", "--port", str(port), *args],
                               env=environment(env), stdout=out, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"registry serve exited with {process.returncode}:\n{served.output()}")
            try:
                if httpx.get(f"{served.url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"registry serve was not ready within {timeout:.0f}s:\n{served.output()}")
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        out.close()
