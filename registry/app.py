"""The ASGI application: GraphQL at /graphql, GraphiQL's files, health checks; the lifespan opens the database."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pymongo.errors import ConnectionFailure, PyMongoError, ServerSelectionTimeoutError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.graphql.http import RegistryGraphQL
from registry.graphql.schema import build_schema
from registry.services.inventory_files import load_reference
from registry.services.seeding import is_empty, seed
from registry.services.taxonomy_migration import migrate_if_needed
from registry.services.tokens import create_token
from registry.storage.database import Database, open_database
from registry.storage.repositories import Repositories
from registry.storage.sessions import SessionStore
from registry.storage.supervisor import supervise
from registry.storage.writer import Writer
from registry.web.auth import TokenGuard, database_unavailable
from registry.web.budget import RequestBudget
from registry.web.data_map import data_map_endpoint
from registry.web.dpia import dpia_endpoint
from registry.web.errors import InternalErrors, http_error
from registry.web.headers import SecurityHeaders
from registry.web.imports import UPLOAD_PATH, import_endpoint, template_endpoint, workbook_endpoint
from registry.web.limits import BodySizeLimit
from registry.web.logging import log_request
from registry.web.login import sign_in_routes
from registry.web.metrics import Metrics, MetricsPort, metrics_endpoint
from registry.web.notices import notices_endpoint
from registry.web.observe import ObserveRequests
from registry.web.records import records_endpoint
from registry.web.ropa import ropa_endpoint
from registry.web.session import SessionGate

log = logging.getLogger("registry")

RECOVERY_EVERY = 60.0
"""Seconds between recovery passes while the registry runs."""
GC_THRESHOLDS = (10_000, 10, 10)
"""The collector's thresholds for a serving process (Python's default is 700, 10, 10). A whole-register answer
allocates millions of short-lived objects beside a read cache of hundreds of thousands of long-lived ones; with
the default, a full collection, which walks the whole cache, ran every 70,000 allocations, and took a fifth of
the 2,000-activity record's time (bench/RESULTS.md). Young cyclic garbage stays bounded by 10,000 objects."""


def tune_garbage_collection() -> None:
    """Set GC_THRESHOLDS for this process: `registry serve` does, and the benchmarks that stand for it."""
    gc.set_threshold(*GC_THRESHOLDS)


def settle_heap() -> None:
    """Collect once, then keep everything the process holds now out of later collections (`gc.freeze`): for a
    server whose read cache was just filled. Those records live as long as the process; each full collection
    walked all of them again, which made the 20,000-activity record ~9% slower (scratch measurement). What is
    frozen is still freed as usual when nothing refers to it any more."""
    gc.collect()
    gc.freeze()


CONFIRM_EVERY = 60.0
"""Seconds between two checks that the read cache is current, when no request made one: a cache confirmed within
the change log's keeping is brought up to date record by record, never emptied (storage/cache.py)."""


async def _keep_cache(db: Database) -> None:
    """Fill the read cache at start, then keep it confirmed while the server is idle."""
    me = asyncio.current_task()
    try:
        held = await db.repos.warm_cache()
        if held:
            settle_heap()
            log.info("Read cache filled with %d records.", held)
        else:
            log.info("Read cache left to fill on demand (off, or the register is larger than it holds).")
    except PyMongoError as e:
        log.warning("Read cache not filled at start, the database is unavailable: %s", e)
    # A stop asked while the cache was filling can be swallowed by a read under way (the driver's own handling of
    # a cancelled operation): the task is then still marked as being cancelled, and ends here.
    while me is None or not me.cancelling():
        await asyncio.sleep(CONFIRM_EVERY)
        with contextlib.suppress(PyMongoError):
            await db.repos.cache.generation()


async def _keep_recovering(db: Database) -> None:
    """Finish or abort, while this process runs, changes that another process stopped in the middle of. The
    audit log shows committed changes only; this pass commits an interrupted change whose record was written
    within about two minutes (the writer's grace period and this pass's period), without every audit-log read
    scanning the history for it."""
    while True:
        await asyncio.sleep(RECOVERY_EVERY)
        try:
            done = await Writer(db.repos).recover()
        except PyMongoError as e:
            log.warning("Recovery pass skipped, the database is unavailable: %s", e)
        else:
            if done:
                log.warning("Finished %d change(s) interrupted by a stopped process.", done)


FIRST_TOKEN = """
==========================================================================================
 First start: an admin API token was created. It is shown this once and stored only as a hash.

     {token}

 Sign in at http://{host}:{port}/login with it to use GraphiQL and the downloads in your browser;
 tools send it as the header  Authorization: Bearer <token>
 Make tokens for people and tools with: registry token create --role viewer|editor|admin --name NAME
==========================================================================================
"""


def create_app(settings: Settings, database: Database | None = None, metrics: Metrics | None = None) -> Starlette:
    """The registry as an ASGI app. With `database` given, the caller owns it; otherwise the lifespan opens one
    (the embedded FerretDB when MONGODB_URI is unset) and seeds it when it is empty. Its database commands are
    counted in `metrics` only when the lifespan opens the database (a caller's database: pass
    `event_listeners=[metrics.commands]` when opening it)."""
    state: dict[str, Database] = {}
    metrics = metrics or Metrics()
    if database is not None:
        state["db"] = database

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if database is not None:
            yield
            return
        async with open_database(settings, serve=True, event_listeners=[metrics.commands]) as db:
            recovered = await Writer(db.repos).recover()
            if recovered:
                log.warning("Finished %d change(s) interrupted by an earlier stop.", recovered)
            # A process that stopped between a write and its cache notice leaves other processes' caches stale.
            await db.repos.cache.changed()
            if settings.seed_on_empty and await is_empty(db.repos):
                report = await seed(db.repos, settings.seed_dir)
                log.warning("Empty database: loaded the seed (%d records).", report.changed)
            else:
                moved = await migrate_if_needed(
                    db.repos, lambda: load_reference(settings.seed_dir / "reference").data_categories)
                for line in moved:
                    print(line, flush=True)
                if moved:
                    log.warning("Moved the register onto fideslang's data-category taxonomy: %s", moved[0])
            if settings.auth_required and settings.bootstrap_admin and await db.repos.tokens.count() == 0:
                _, text = await create_token(db.repos, "first admin", AccessRole.ADMIN)
                print(FIRST_TOKEN.format(token=text, host=settings.host, port=settings.port), flush=True)
            state["db"] = db
            recovery = asyncio.create_task(_keep_recovering(db))
            supervisor = asyncio.create_task(supervise(db))
            cache = asyncio.create_task(_keep_cache(db))
            yield
            for task in (recovery, supervisor, cache):  # stopped before the database is closed under them
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            state.pop("db", None)

    def repos() -> Repositories:
        return state["db"].repos

    metrics.watch_cache(repos)
    graphql_app = RegistryGraphQL(lambda: state["db"].repos, build_schema(settings.limits, settings.development),
                                  graphiql=settings.graphiql, limits=settings.limits,
                                  response_cache_bytes=settings.response_cache_bytes)

    async def live(request: Request) -> Response:
        return JSONResponse({"status": "live"})

    async def ready(request: Request) -> Response:
        try:
            await state["db"].probe()
        except Exception as e:  # noqa: BLE001 - any failure means not ready; the reason is reported
            return JSONResponse({"status": "not ready", "database": f"unavailable: {type(e).__name__}"}, 503)
        return JSONResponse({"status": "ready", "database": "ok"})

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    def sessions() -> SessionStore:
        return SessionStore(state["db"].db)

    static = StaticFiles(directory=settings.assets_dir, packages=[("registry.graphql", "static")],
                         check_dir=False)
    routes = [
        Route("/", home),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/organizations/{slug}/records-of-processing.{format}", records_endpoint(lambda: state["db"].repos)),
        Route("/organizations/{slug}/ropa/{template}.{format}", ropa_endpoint(lambda: state["db"].repos)),
        Route("/organizations/{slug}/data-map", data_map_endpoint(repos)),
        Route("/organizations/{slug}/data-map.{format}", data_map_endpoint(repos)),
        Route("/organizations/{slug}/activities/{key}/dpia-draft.{format}", dpia_endpoint(lambda: state["db"].repos)),
        Route("/organizations/{slug}/subprocessors.{format}",
              notices_endpoint(lambda: state["db"].repos, settings.base_url)),
        Route("/organizations/{slug}/activities/{key}/dpia.pia.json", dpia_endpoint(lambda: state["db"].repos)),
        Route("/organizations/{slug}/register.xlsx", workbook_endpoint(lambda: state["db"].repos)),
        Route("/organizations/{slug}/register-ico.xlsx", workbook_endpoint(lambda: state["db"].repos, ico=True)),
        Route("/organizations/{slug}/import", import_endpoint(lambda: state["db"].repos, settings.limits),
              methods=["POST"]),
        Route("/templates/register.xlsx", template_endpoint(lambda: state["db"].repos)),
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/metrics", metrics_endpoint(metrics, repos)),
        *sign_in_routes(settings.sign_in, lambda: state["db"].repos, sessions, settings.auth_required),
        Mount("/static/graphiql", static, name="graphiql-assets"),
        Mount("/static/map", StaticFiles(directory=settings.assets_dir, packages=[("registry.web", "static")],
                                         check_dir=False), name="map-assets"),
    ]
    async def db_down(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
        return database_unavailable()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={ConnectionFailure: db_down, ServerSelectionTimeoutError: db_down,
                                        HTTPException: http_error})
    # The first added runs innermost. From the outside: the request log and metrics see every request, the Host
    # check refuses foreign names, every answer gets the security headers, an unexpected error becomes JSON.
    app.add_middleware(RequestBudget, seconds=settings.limits.seconds)
    app.add_middleware(TokenGuard, repos_getter=lambda: state["db"].repos, required=settings.auth_required)
    app.add_middleware(SessionGate, repos_getter=lambda: state["db"].repos, store_getter=sessions,
                       rules=settings.sign_in, required=settings.auth_required)
    if settings.sign_in.single_sign_on:  # holds a sign-in's state (PKCE verifier, nonce) for ten minutes
        app.add_middleware(SessionMiddleware, secret_key=settings.sign_in.secret or secrets.token_urlsafe(32),
                           session_cookie="registry_signin", max_age=600, same_site="lax",
                           https_only=(settings.sign_in.public_url or "").startswith("https://"))
    app.add_middleware(BodySizeLimit, max_bytes=settings.limits.body_bytes,
                       uploads=(UPLOAD_PATH, settings.limits.upload_bytes))
    if settings.cors_origins:  # CORS stays off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(InternalErrors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts, www_redirect=False)
    app.add_middleware(MetricsPort, port=settings.metrics_port, metrics=metrics, repos_getter=repos)
    app.add_middleware(ObserveRequests, observers=[log_request, metrics.record])
    app.state.metrics = metrics
    return app
