"""The GraphQL-over-HTTP spec, held against the served registry: graphql-http's audit suite (npm), and the two
media types a client may ask for."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from registry.config import Settings
from registry.graphql.media_types import GRAPHQL_RESPONSE, JSON, response_media_type
from tests.served import serving

NODE = Path(__file__).resolve().parent.parent / "node"


def test_accept_header_picks_the_media_type() -> None:
    assert response_media_type(None) == JSON
    assert response_media_type("*/*") == JSON
    assert response_media_type(GRAPHQL_RESPONSE) == GRAPHQL_RESPONSE
    assert response_media_type(f"{JSON}, {GRAPHQL_RESPONSE}") == GRAPHQL_RESPONSE
    assert response_media_type(f"{GRAPHQL_RESPONSE};q=0.5, {JSON}") == JSON
    assert response_media_type(f"{GRAPHQL_RESPONSE};q=0, */*") == JSON
    assert response_media_type("text/html") == JSON


async def test_refused_request_is_400_without_data_for_graphql_response_json(client: httpx.AsyncClient) -> None:
    bad = {"query": "{ noSuchField }"}
    new = await client.post("/graphql", json=bad, headers={"Accept": GRAPHQL_RESPONSE})
    assert new.status_code == 400 and new.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in new.json() and new.json()["errors"]
    legacy = await client.post("/graphql", json=bad, headers={"Accept": JSON})
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith(JSON)
    assert legacy.json()["data"] is None
    # A field's error is not a refused request: data is there, and the status stays 200.
    partial = await client.post("/graphql", json={"query": '{ organization(slug: "nope") { slug } }'},
                                headers={"Accept": GRAPHQL_RESPONSE})
    assert partial.status_code == 200 and "data" in partial.json()


@pytest.mark.skipif(not (NODE / "node_modules" / "graphql-http").exists() or not shutil.which("node"),
                    reason="graphql-http is not installed: run ./dev setup test (needs npm)")
@pytest.mark.subprocess
def test_graphql_http_audit_suite_passes_every_audit(settings: Settings, tokens: dict[str, str],
                                                     tmp_path: Path) -> None:
    assert settings.mongodb_uri
    env = {"MONGODB_URI": settings.mongodb_uri, "REGISTRY_SEED_ON_EMPTY": "0"}
    with serving(env, tmp_path / "serve.log") as served:
        run = subprocess.run(["node", str(NODE / "audit.mjs"), f"{served.url}/graphql", tokens["viewer"]],
                             capture_output=True, text=True, timeout=120, cwd=NODE)
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    not_ok = [r for r in results if r["status"] != "ok"]
    print(f"graphql-http audits: {len(results) - len(not_ok)} of {len(results)} ok, "
          f"{sum(r['status'] == 'warn' for r in results)} warnings")
    assert len(results) >= 60 and not not_ok, json.dumps(not_ok, indent=1)
