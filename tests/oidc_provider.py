"""The test OpenID provider (tests/oidc/provider.js, panva's oidc-provider) as a context manager."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
NODE = shutil.which("node")
AVAILABLE = NODE is not None and (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir()
WHY_NOT = "node or tests/oidc/node_modules is missing (./dev test installs oidc-provider with npm ci)"
CLIENT_ID, CLIENT_SECRET = "registry", "registry-test-secret"


@contextmanager
def oidc_provider(redirect_uris: list[str], clock_skew_seconds: int = 0) -> Iterator[str]:
    """Start the provider with the registry registered as a client; yield its issuer URL."""
    assert NODE is not None
    env = {**os.environ, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_REDIRECT_URIS": ",".join(redirect_uris), "OIDC_CLOCK_SKEW_SECONDS": str(clock_skew_seconds)}
    proc = subprocess.Popen([NODE, "provider.js"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the provider prints its issuer once it listens
        if not line:
            raise RuntimeError(f"the test OpenID provider did not start (exit code {proc.wait(5)})")
        yield str(json.loads(line)["issuer"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def sso_env(issuer: str, **extra: str) -> dict[str, str]:
    """The registry's settings for signing in with the test provider."""
    return {"REGISTRY_OIDC_ISSUER": issuer, "REGISTRY_OIDC_CLIENT_ID": CLIENT_ID,
            "REGISTRY_OIDC_CLIENT_SECRET": CLIENT_SECRET, "REGISTRY_OIDC_SCOPES": "openid email profile groups",
            "REGISTRY_OIDC_ROLE_MAP": "dpo-team=EDITOR,admins=ADMIN",
            "REGISTRY_OIDC_ALLOWED_DOMAINS": "januscaler.example", **extra}
