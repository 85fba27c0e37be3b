"""Prometheus metrics at /metrics (prometheus-client, the official library), never public by accident: on the
API's port only an ADMIN token may read them; REGISTRY_METRICS_PORT opens a second port (on
REGISTRY_METRICS_HOST, loopback by default) that serves /metrics alone, without a token, for a scraper.

Counted as requests happen: requests by GraphQL operation and outcome, their latency, HTTP requests by endpoint
and status, requests by API token, database commands (latency, errors). Read when scraped: the read cache's
hits and misses, tokens by role and state, and findings by severity per organisation (recomputed only when the
register changed since the last scrape).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from pymongo import monitoring
from pymongo.errors import PyMongoError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from registry.domain.enums import AccessRole, Severity
from registry.services.findings import find
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories
from registry.web.errors import error_response
from registry.web.observe import RequestRecord

log = logging.getLogger("registry.metrics")
OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
MAX_OPERATIONS = 200
"""Distinct operation names counted; later new names are counted as `other` (clients choose the names)."""


class DatabaseCommands(monitoring.CommandListener):
    """Every command the client sends: its duration by command name, and its failures."""

    def __init__(self, seconds: Histogram, errors: Counter):
        self.seconds, self.errors = seconds, errors

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.seconds.labels(event.command_name).observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.seconds.labels(event.command_name).observe(event.duration_micros / 1e6)
        self.errors.labels(event.command_name).inc()


class ReadCacheCounts(Collector):
    """The read cache's own hit and miss counts, read at scrape time."""

    def __init__(self, repos_getter: Callable[[], Repositories]):
        self.repos_getter = repos_getter

    def collect(self) -> Iterator[Metric]:
        try:
            cache = self.repos_getter().cache
        except (KeyError, LookupError):  # the database is not open (yet, or any more)
            return
        yield CounterMetricFamily("registry_read_cache_hits", "Records served from the read cache.", cache.hits)
        yield CounterMetricFamily("registry_read_cache_misses", "Records the read cache had to read.", cache.misses)


class Metrics:
    """The registry's metrics, in a registry of their own (two apps in one process do not mix)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.graphql_requests = Counter("registry_graphql_requests", "GraphQL requests by operation name and "
                                        "outcome (ok, or the first error code).", ["operation", "outcome"], registry=r)
        self.graphql_seconds = Histogram("registry_graphql_request_duration_seconds", "GraphQL request latency.",
                                         ["operation"], registry=r)
        self.http_requests = Counter("registry_http_requests", "HTTP requests by endpoint and status code.",
                                     ["handler", "status"], registry=r)
        self.http_seconds = Histogram("registry_http_request_duration_seconds", "HTTP request latency.",
                                      ["handler"], registry=r)
        self.token_requests = Counter("registry_token_requests", "Requests made with each API token.",
                                      ["token_key", "role"], registry=r)
        self.tokens = Gauge("registry_api_tokens", "API tokens by role and state.", ["role", "state"], registry=r)
        self.findings = Gauge("registry_findings", "Compliance findings by organisation and severity.",
                              ["organization", "severity"], registry=r)
        self.commands = DatabaseCommands(
            Histogram("registry_database_command_duration_seconds", "Database command latency by command.",
                      ["command"], registry=r,
                      buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)),
            Counter("registry_database_command_errors", "Database commands that failed, by command.", ["command"],
                    registry=r))
        self._operations: set[str] = set()
        self._findings_generation: str | None = None

    def watch_cache(self, repos_getter: Callable[[], Repositories]) -> None:
        self.registry.register(ReadCacheCounts(repos_getter))

    def _operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not OPERATION_NAME.match(name):
            return "invalid"
        if name not in self._operations:
            if len(self._operations) >= MAX_OPERATIONS:
                return "other"
            self._operations.add(name)
        return name

    def record(self, request: RequestRecord) -> None:
        """Count one finished request (an observer of registry/web/observe.py)."""
        self.http_requests.labels(request.handler, str(request.status)).inc()
        self.http_seconds.labels(request.handler).observe(request.duration)
        if request.handler == "/graphql" and request.method in ("GET", "POST") and request.status != 401:
            operation = self._operation_label(request.operation)
            self.graphql_requests.labels(operation, request.outcome).inc()
            self.graphql_seconds.labels(operation).observe(request.duration)
        if request.token_key:
            self.token_requests.labels(request.token_key, request.role or "").inc()

    async def refresh(self, repos: Repositories) -> None:
        """Update what is read at scrape time: tokens, and findings when the register changed."""
        self.tokens.clear()
        for t in await repos.tokens.find():
            self.tokens.labels(t.role.value, "revoked" if t.revoked_at else "active").inc()
        generation, _ = await repos.cache.generation()
        if generation and generation == self._findings_generation:
            return
        reference = await read_reference(repos)
        self.findings.clear()
        for org in await repos.organizations.find():
            found = find(await read_inventory(repos, org.slug), reference)
            for severity in Severity:
                self.findings.labels(org.slug, severity.value).set(sum(f.severity == severity for f in found))
        self._findings_generation = generation

    async def exposition(self, repos: Repositories) -> Response:
        try:
            await self.refresh(repos)
        except PyMongoError as e:  # the counters are still worth having; the database metrics show the outage
            log.warning("metrics: tokens and findings not refreshed, the database is unavailable: %s",
                        type(e).__name__)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def metrics_endpoint(metrics: Metrics, repos_getter: Callable[[], Repositories]) -> Callable[..., Any]:
    """/metrics on the API's port: for an ADMIN token only."""

    async def endpoint(request: Request) -> Response:
        token = request.scope.get("state", {}).get("token")
        if token is None or token.role != AccessRole.ADMIN:
            return error_response(403, "Metrics are for admins: send an ADMIN token, or have your scraper use the "
                                  "port set by REGISTRY_METRICS_PORT.")
        return await metrics.exposition(repos_getter())

    return endpoint


class MetricsPort:
    """ASGI middleware: requests that arrived on the metrics port get /metrics (no token) or 404, nothing else."""

    def __init__(self, app: ASGIApp, port: int | None, metrics: Metrics, repos_getter: Callable[[], Repositories]):
        self.app, self.port, self.metrics, self.repos_getter = app, port, metrics, repos_getter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server") or (None, None)
        if self.port is None or scope["type"] != "http" or server[1] != self.port:
            await self.app(scope, receive, send)
            return
        if scope["path"] != "/metrics" or scope["method"] not in ("GET", "HEAD"):
            response: Response = PlainTextResponse("Only GET /metrics is served on the metrics port.", 404)
        else:
            response = await self.metrics.exposition(self.repos_getter())
        await response(scope, receive, send)
