"""Watching the registry run: the request log (one JSON line per request, no secrets, no variable values) and the
Prometheus metrics (admin-only on the API's port, alone on the metrics port), on a real `registry serve`."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import httpx
import pytest

from registry.app import create_app
from registry.config import Settings
from registry.storage.database import Database
from registry.storage.embedded import free_port
from tests.served import serving
from tests.support import bearer

QUERY = "query OrgBySlug($slug: String!) { organization(slug: $slug) { slug } }"
SECRET_VALUE = "januscaler"  # a variable's value: must never reach the log
INLINE = "literal-in-the-query-42"  # nor a value written into the query text


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.subprocess
def test_request_log_and_metrics_of_a_served_registry(settings: Settings, tokens: dict[str, str],
                                                      tmp_path: Path) -> None:
    assert settings.mongodb_uri
    metrics_port = free_port()
    env = {"MONGODB_URI": settings.mongodb_uri, "REGISTRY_SEED_ON_EMPTY": "0",
           "REGISTRY_METRICS_PORT": str(metrics_port)}
    viewer, admin = tokens["viewer"], tokens["admin"]
    with serving(env, tmp_path / "serve.log") as served, httpx.Client(base_url=served.url) as http:
        scrape = f"http://127.0.0.1:{metrics_port}/metrics"
        before = httpx.get(scrape).text
        for _ in range(3):
            r = http.post("/graphql", json={"query": QUERY, "variables": {"slug": SECRET_VALUE}},
                          headers={**bearer(viewer), "X-Request-ID": "trace-0001"})
            assert r.status_code == 200 and r.json()["data"]["organization"]["slug"] == SECRET_VALUE
            assert r.headers["x-request-id"] == "trace-0001"
        refused = http.post("/graphql", json={"query": f'query Broken {{ organization(slug: "{INLINE}") {{ x }} }}'},
                            headers=bearer(viewer))
        assert refused.status_code == 200 and refused.json()["errors"]
        coerced = http.post("/graphql", json={"query": QUERY, "variables": {"slug": {"bad": SECRET_VALUE}}},
                            headers=bearer(viewer))
        assert coerced.status_code == 200 and SECRET_VALUE in coerced.text  # the caller sees its own value

        # On the API's port: no token 401, a viewer 403, an admin gets the metrics.
        assert http.get("/metrics").status_code == 401
        assert http.get("/metrics", headers=bearer(viewer)).status_code == 403
        as_admin = http.get("/metrics", headers=bearer(admin))
        assert as_admin.status_code == 200 and "registry_graphql_requests_total" in as_admin.text
        # The metrics port serves /metrics alone.
        assert httpx.post(f"http://127.0.0.1:{metrics_port}/graphql", json={"query": "{ __typename }"}
                          ).status_code == 404
        after = httpx.get(scrape).text

    ok = {"operation": "OrgBySlug", "outcome": "ok"}
    assert sample(after, "registry_graphql_requests_total", **ok) - sample(before, "registry_graphql_requests_total",
                                                                           **ok) == 3
    assert sample(after, "registry_graphql_requests_total", operation="Broken", outcome="BAD_USER_INPUT") == 1
    assert sample(after, "registry_graphql_request_duration_seconds_count", operation="OrgBySlug") == 4  # 3 ok, 1 bad
    assert sample(after, "registry_http_requests_total", handler="/metrics", status="403") == 1
    assert sample(after, "registry_database_command_duration_seconds_count", command="find") > \
        sample(before, "registry_database_command_duration_seconds_count", command="find")
    assert sample(after, "registry_read_cache_hits_total") + sample(after, "registry_read_cache_misses_total") > \
        sample(before, "registry_read_cache_hits_total") + sample(before, "registry_read_cache_misses_total")
    viewer_key = viewer.split("_")[1]
    assert sample(after, "registry_token_requests_total", token_key=viewer_key, role="VIEWER") >= 5
    assert sample(after, "registry_api_tokens", role="ADMIN", state="active") >= 1
    assert sample(after, "registry_findings", organization="januscaler", severity="HIGH") + \
        sample(after, "registry_findings", organization="januscaler", severity="MEDIUM") > 0

    output = served.output()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [e for e in lines if e.get("event") == "request"]
    traced = [e for e in requests if e["request_id"] == "trace-0001"]
    assert len(traced) == 3
    assert traced[0] | {"duration_ms": 0, "timestamp": ""} == traced[0] | {
        "duration_ms": 0, "timestamp": "", "method": "POST", "path": "/graphql", "status": 200,
        "operation": "OrgBySlug", "outcome": "ok", "token_key": viewer_key, "role": "VIEWER", "level": "info"}
    broken = next(e for e in requests if e.get("operation") == "Broken")
    assert broken["outcome"] == "BAD_USER_INPUT" and broken["level"] == "warning"
    secret = viewer.split("_", 2)[2]
    assert secret not in output and admin.split("_", 2)[2] not in output
    assert SECRET_VALUE not in output and INLINE not in output  # values, nowhere in what the server wrote


async def test_metrics_are_not_public_when_access_control_is_off(settings: Settings, database: Database) -> None:
    app = create_app(dataclasses.replace(settings, auth_required=False), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        r = await c.get("/metrics")
    assert r.status_code == 403 and "REGISTRY_METRICS_PORT" in r.json()["errors"][0]["message"]


async def test_the_metrics_port_answers_without_a_token(settings: Settings, database: Database) -> None:
    app = create_app(dataclasses.replace(settings, metrics_port=9464), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:9464") as c:
        assert (await c.get("/metrics")).status_code == 200
        assert (await c.get("/graphql?query={__typename}")).status_code == 404
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as c:
        assert (await c.get("/metrics")).status_code == 401  # the API's port still wants a token
