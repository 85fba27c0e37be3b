"""Concurrent HTTP load from wrk (Debian's `wrk`), for the point-read figures.

Why not a Python client: on this 2-core machine an httpx load generator takes about as much CPU as the server
it measures, so a fast server's figure was the client's ceiling. wrk is an event-driven C program: one thread
keeps 32 connections busy for a few percent of a core. The same load is sent to Fides and to the registry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    requests_per_second: float
    requests: int
    failed: int
    """Responses other than 2xx/3xx, and socket errors."""
    latency_ms: float
    """Mean latency, as wrk reports it."""


def available() -> bool:
    return shutil.which("wrk") is not None


def load(url: str, seconds: float, headers: dict[str, str], body: str | None = None, connections: int = 32) -> Rate:
    """`connections` clients sending the same request for `seconds`: POST with `body`, GET without."""
    script = "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    if body is not None:
        script += f"wrk.method = 'POST'\nwrk.body = {json.dumps(body)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s",
                              f.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency_ms = float(latency.group(1)) * scale[latency.group(2)] if latency else 0.0
    return Rate(rps, total, failed, latency_ms)
