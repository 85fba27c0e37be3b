"""Settings, built once from the environment and passed in explicitly: never a module-level global."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

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
    cost: int = 10_000_000
    """The most a query may cost (registry/graphql/cost.py): fields, lists multiplied by their expected size."""
    heavy: int = 100_000
    """A query costing more is heavy: it waits for one of `heavy_concurrent` places before it runs."""
    heavy_concurrent: int = 1
    seconds: int = 30
    """A request's time budget: after it (or when its client goes away) it starts no further database read."""
    import_rows: int = 1000
    """Rows per sheet a workbook or CSV import takes (REGISTRY_MAX_IMPORT_ROWS)."""
    upload_bytes: int = 10_485_760
    """The largest file POST /organizations/{slug}/import takes (REGISTRY_MAX_UPLOAD_BYTES)."""


@dataclass(frozen=True)
class SignIn:
    """How people sign in from a browser. With an issuer set, single sign-on over OpenID Connect; without one,
    `/login` takes an API token once. Either way the browser then holds a session cookie."""

    oidc_issuer: str | None = None
    """REGISTRY_OIDC_ISSUER: the identity provider's issuer URL, exactly as its discovery document states it."""
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid email profile"
    """REGISTRY_OIDC_SCOPES: what to ask the provider for; add the scope that releases groups if it needs one."""
    oidc_role_claim: str = "groups"
    """REGISTRY_OIDC_ROLE_CLAIM: the ID-token claim that lists the person's groups."""
    oidc_role_map: tuple[tuple[str, str], ...] = ()
    """REGISTRY_OIDC_ROLE_MAP (`dpo-team=EDITOR,admins=ADMIN`): group to role. Set, a person in none of the
    groups is refused; unset, everyone the provider signs in is a VIEWER."""
    oidc_allowed_domains: tuple[str, ...] = ()
    """REGISTRY_OIDC_ALLOWED_DOMAINS (comma-separated): only people with an email address at these domains."""
    public_url: str | None = None
    """REGISTRY_PUBLIC_URL (`https://registry.example.org`): the address people open, when a proxy in front
    changes it; the sign-in callback and the cookies' Secure flag follow it."""
    secret: str | None = None
    """REGISTRY_SESSION_SECRET: signs the short-lived sign-in cookie; set it when several processes serve the
    registry (otherwise each process draws its own at start)."""
    idle_minutes: int = 60
    """REGISTRY_SESSION_IDLE_MINUTES: a session unused this long ends."""
    max_hours: int = 12
    """REGISTRY_SESSION_MAX_HOURS: a session ends this long after sign-in, however busy."""

    @property
    def single_sign_on(self) -> bool:
        return bool(self.oidc_issuer)

    @classmethod
    def from_env(cls, e: Mapping[str, str]) -> SignIn:
        kw: dict[str, object] = {}
        for name in ("oidc_issuer", "oidc_client_id", "oidc_client_secret", "oidc_scopes", "oidc_role_claim"):
            if e.get(f"REGISTRY_{name.upper()}"):
                kw[name] = e[f"REGISTRY_{name.upper()}"].strip()
        if e.get("REGISTRY_SESSION_SECRET"):
            kw["secret"] = e["REGISTRY_SESSION_SECRET"]
        for name in ("idle_minutes", "max_hours"):
            if e.get(f"REGISTRY_SESSION_{name.upper()}"):
                kw[name] = int(e[f"REGISTRY_SESSION_{name.upper()}"])
        if e.get("REGISTRY_OIDC_ROLE_MAP"):
            kw["oidc_role_map"] = parse_role_map(e["REGISTRY_OIDC_ROLE_MAP"])
        if e.get("REGISTRY_OIDC_ALLOWED_DOMAINS"):
            kw["oidc_allowed_domains"] = tuple(d.strip().lower().lstrip("@")
                                               for d in e["REGISTRY_OIDC_ALLOWED_DOMAINS"].split(",") if d.strip())
        sign_in = cls(**kw)  # type: ignore[arg-type]
        if sign_in.oidc_issuer and not (sign_in.oidc_client_id and sign_in.oidc_client_secret):
            raise ValueError("REGISTRY_OIDC_ISSUER is set but REGISTRY_OIDC_CLIENT_ID or REGISTRY_OIDC_CLIENT_SECRET "
                             "is not: register the registry as a client at the identity provider and set both.")
        return sign_in


ROLES = ("VIEWER", "EDITOR", "ADMIN")


def parse_role_map(text: str) -> tuple[tuple[str, str], ...]:
    """`dpo-team=EDITOR,admins=ADMIN` as pairs; a malformed entry is refused with what to write instead."""
    pairs = []
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        group, sep, role = item.rpartition("=")
        if not sep or not group.strip() or role.strip().upper() not in ROLES:
            raise ValueError(f"REGISTRY_OIDC_ROLE_MAP entry '{item}' is not GROUP=ROLE with ROLE one of "
                             f"{', '.join(ROLES)} (e.g. dpo-team=EDITOR,admins=ADMIN)")
        pairs.append((group.strip(), role.strip().upper()))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    """Everything the registry needs to know about where it runs."""

    mongodb_uri: str | None = None
    """A MongoDB-compatible server to use; None starts the embedded FerretDB."""
    mongodb_password: str | None = field(default=None, repr=False)
    """Read from the file MONGODB_PASSWORD_FILE names (a Docker secret), for the user the URI names; it stays
    out of the URI, the environment and the process list."""
    data_dir: Path = PROJECT_ROOT / ".data"
    """Where the embedded database keeps its files (and its state)."""
    ferretdb_bin: Path = PROJECT_ROOT / "bin" / "ferretdb"
    ferretdb_debug_addr: str | None = None
    """REGISTRY_FERRETDB_DEBUG_ADDR (`127.0.0.1:PORT`): turns on the embedded FerretDB's debug listener (metrics,
    pprof). Off by default: it has no access control."""
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
    """REGISTRY_CORS_ORIGINS (comma-separated): browsers on these origins may call the API; none by default."""
    metrics_port: int | None = None
    """REGISTRY_METRICS_PORT: a second port serving only /metrics, without a token, for a Prometheus scraper.
    Unset: /metrics is on the API's port, for ADMIN tokens only."""
    metrics_host: str = "127.0.0.1"
    """REGISTRY_METRICS_HOST: the address the metrics port binds (loopback unless you open it on purpose)."""
    sign_in: SignIn = field(default_factory=SignIn)
    """How people sign in from a browser (REGISTRY_OIDC_* and REGISTRY_SESSION_*)."""
    read_cache_items: int = 50_000
    """REGISTRY_READ_CACHE_ITEMS: records each API process keeps in memory between changes (0: none; see
    registry/storage/cache.py)."""
    public_url: str | None = None
    """REGISTRY_PUBLIC_URL: the address people use to reach the registry (`https://ropa.example.com`), for the
    absolute links it writes (the Atom feed's own address). Default: http://127.0.0.1:PORT."""
    allowed_hosts: tuple[str, ...] = ()
    """REGISTRY_ALLOWED_HOSTS (comma-separated): the Host names requests may carry; any other is refused, which
    stops a malicious web page from reaching a local registry through DNS rebinding. Default: localhost,
    127.0.0.1, [::1] and the public URL's host."""

    @property
    def base_url(self) -> str:
        """The public URL without a trailing slash."""
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def trusted_hosts(self) -> list[str]:
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        public = urlsplit(self.base_url).hostname or "127.0.0.1"
        return list(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", f"[{public}]" if ":" in public else public]))
    response_cache_bytes: int = 64 * 1024 * 1024
    """REGISTRY_RESPONSE_CACHE_BYTES: bytes of query answers each API process keeps between changes, to answer a
    repeated query at once and with `304 Not Modified` (0: none; see registry/graphql/response_cache.py)."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read MONGODB_URI and REGISTRY_* variables; unset ones keep their defaults."""
        e = os.environ if env is None else env
        kw: dict[str, object] = {"mongodb_uri": e.get("MONGODB_URI") or None}
        if e.get("MONGODB_PASSWORD_FILE"):
            kw["mongodb_password"] = _secret(e["MONGODB_PASSWORD_FILE"])
        if "REGISTRY_DATA_DIR" in e:
            kw["data_dir"] = Path(e["REGISTRY_DATA_DIR"]).resolve()
        if "REGISTRY_FERRETDB_BIN" in e:
            kw["ferretdb_bin"] = Path(e["REGISTRY_FERRETDB_BIN"]).resolve()
        if e.get("REGISTRY_FERRETDB_DEBUG_ADDR"):
            kw["ferretdb_debug_addr"] = e["REGISTRY_FERRETDB_DEBUG_ADDR"]
        if "REGISTRY_SEED_DIR" in e:
            kw["seed_dir"] = Path(e["REGISTRY_SEED_DIR"]).resolve()
        if "REGISTRY_ASSETS_DIR" in e:
            kw["assets_dir"] = Path(e["REGISTRY_ASSETS_DIR"]).resolve()
        if "REGISTRY_HOST" in e:
            kw["host"] = e["REGISTRY_HOST"]
        if "REGISTRY_PORT" in e:
            kw["port"] = int(e["REGISTRY_PORT"])
        if e.get("REGISTRY_METRICS_PORT"):
            kw["metrics_port"] = int(e["REGISTRY_METRICS_PORT"])
        if "REGISTRY_METRICS_HOST" in e:
            kw["metrics_host"] = e["REGISTRY_METRICS_HOST"]
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
        if e.get("REGISTRY_PUBLIC_URL"):
            kw["public_url"] = _public_url(e["REGISTRY_PUBLIC_URL"])
        if e.get("REGISTRY_ALLOWED_HOSTS"):
            kw["allowed_hosts"] = tuple(h.strip().lower() for h in e["REGISTRY_ALLOWED_HOSTS"].split(",") if h.strip())
        if e.get("REGISTRY_CORS_ORIGINS"):
            kw["cors_origins"] = tuple(o.strip() for o in e["REGISTRY_CORS_ORIGINS"].split(",") if o.strip())
        # REGISTRY_PUBLIC_URL is read once, checked above; the sign-in callback and cookies follow it too.
        public_url = kw.get("public_url")
        kw["sign_in"] = replace(SignIn.from_env(e), public_url=public_url if isinstance(public_url, str) else None)
        return cls(**kw)  # type: ignore[arg-type]


def _public_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"REGISTRY_PUBLIC_URL must be an http(s) address such as https://ropa.example.com, "
                         f"without a query; got {value!r}")
    return value.strip()


def _secret(path: str) -> str:
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ValueError(f"MONGODB_PASSWORD_FILE names {path}, which cannot be read ({e.strerror}); mount the "
                         "secret there or unset the variable") from None
    if not value:
        raise ValueError(f"MONGODB_PASSWORD_FILE names {path}, which is empty; write the password into it")
    return value
