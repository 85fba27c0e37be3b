"""A real `registry serve` process on a free loopback port, for benchmarks and end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from registry.storage.embedded import free_port


@contextmanager
def registry_server(env: dict[str, str], log_level: str = "warning", quiet: bool = False,
                    ready_within: float = 120) -> Iterator[tuple[str, int]]:
    """Yield (base URL, pid) once /health/ready answers 200 (within `ready_within` seconds: a large register on a
    busy machine takes a while); stop the server on exit."""
    port = free_port()
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen([sys.executable, "-m", "registry", "serve", "--port", str(port), "--log-level", log_level],
                            env={**os.environ, **env}, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            try:
                if httpx.get(f"{base}/health/ready").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"registry serve did not become ready (exit code {proc.poll()})")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
