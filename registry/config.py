"""Settings, built once from the environment and passed in explicitly: never a module-level global."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the API; each is a REGISTRY_MAX_* variable."""

    depth: int = 12
    aliases: int = 30
    tokens: int = 3000
    body_bytes: int = 262_144
    list_items: int = 1000
    page_size: int = 200


@dataclass(frozen=True)
class Settings:
    """Everything the registry needs to know about where it runs."""

    mongodb_uri: str | None = None
    """A MongoDB-compatible server to use; None starts the embedded FerretDB."""
    data_dir: Path = PROJECT_ROOT / ".data"
    """Where the embedded database keeps its files (and its state)."""
    ferretdb_bin: Path = PROJECT_ROOT / "bin" / "ferretdb"
    seed_dir: Path = PROJECT_ROOT / "seed"
    assets_dir: Path = PROJECT_ROOT / ".assets" / "graphiql"
    """GraphiQL's JavaScript and CSS, installed from the npm registry by the setup."""
    host: str = "127.0.0.1"
    port: int = 8000
    db_timeout_ms: int = 5000
    seed_on_empty: bool = True
    auth_required: bool = True
    """Every API request needs a bearer token (REGISTRY_AUTH=off disables it, for local experiments only)."""
    bootstrap_admin: bool = True
    """On a register with no token at all, the first start creates an admin token and prints it once."""
    limits: Limits = field(default_factory=Limits)
    development: bool = False
    """REGISTRY_DEV=1: field suggestions in error messages ("Did you mean ...")."""
    graphiql: bool = True
    """REGISTRY_GRAPHIQL=off serves no GraphiQL page (production)."""
    cors_origins: tuple[str, ...] = ()
    read_cache_items: int = 50_000
    """REGISTRY_READ_CACHE_ITEMS: records each API process keeps in memory between changes (0: none; see
    registry/storage/cache.py)."""
    response_cache_bytes: int = 64 * 1024 * 1024
    """REGISTRY_RESPONSE_CACHE_BYTES: bytes of query answers each API process keeps between changes, to answer a
    repeated query at once and with `304 Not Modified` (0: none; see registry/graphql/response_cache.py)."""
    """REGISTRY_CORS_ORIGINS (comma-separated): browsers on these origins may call the API; none by default."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read MONGODB_URI and REGISTRY_* variables; unset ones keep their defaults."""
        e = os.environ if env is None else env
        kw: dict[str, object] = {"mongodb_uri": e.get("MONGODB_URI") or None}
        if "REGISTRY_DATA_DIR" in e:
            kw["data_dir"] = Path(e["REGISTRY_DATA_DIR"]).resolve()
        if "REGISTRY_FERRETDB_BIN" in e:
            kw["ferretdb_bin"] = Path(e["REGISTRY_FERRETDB_BIN"]).resolve()
        if "REGISTRY_SEED_DIR" in e:
            kw["seed_dir"] = Path(e["REGISTRY_SEED_DIR"]).resolve()
        if "REGISTRY_ASSETS_DIR" in e:
            kw["assets_dir"] = Path(e["REGISTRY_ASSETS_DIR"]).resolve()
        if "REGISTRY_HOST" in e:
            kw["host"] = e["REGISTRY_HOST"]
        if "REGISTRY_PORT" in e:
            kw["port"] = int(e["REGISTRY_PORT"])
        if "REGISTRY_READ_CACHE_ITEMS" in e:
            kw["read_cache_items"] = int(e["REGISTRY_READ_CACHE_ITEMS"])
        if "REGISTRY_RESPONSE_CACHE_BYTES" in e:
            kw["response_cache_bytes"] = int(e["REGISTRY_RESPONSE_CACHE_BYTES"])
        if "REGISTRY_DB_TIMEOUT_MS" in e:
            kw["db_timeout_ms"] = int(e["REGISTRY_DB_TIMEOUT_MS"])
        if "REGISTRY_SEED_ON_EMPTY" in e:
            kw["seed_on_empty"] = e["REGISTRY_SEED_ON_EMPTY"].lower() not in ("0", "false", "no")
        if "REGISTRY_AUTH" in e:
            kw["auth_required"] = e["REGISTRY_AUTH"].lower() not in ("0", "false", "no", "off")
        if "REGISTRY_BOOTSTRAP_ADMIN" in e:
            kw["bootstrap_admin"] = e["REGISTRY_BOOTSTRAP_ADMIN"].lower() not in ("0", "false", "no", "off")
        limits = {f: int(e[f"REGISTRY_MAX_{f.upper()}"]) for f in Limits.__dataclass_fields__
                  if f"REGISTRY_MAX_{f.upper()}" in e}
        kw["limits"] = Limits(**limits)
        kw["development"] = e.get("REGISTRY_DEV", "").lower() in ("1", "true", "yes", "on")
        kw["graphiql"] = e.get("REGISTRY_GRAPHIQL", "on").lower() not in ("0", "false", "no", "off")
        if e.get("REGISTRY_CORS_ORIGINS"):
            kw["cors_origins"] = tuple(o.strip() for o in e["REGISTRY_CORS_ORIGINS"].split(",") if o.strip())
        return cls(**kw)  # type: ignore[arg-type]
