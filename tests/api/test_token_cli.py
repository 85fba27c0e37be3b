"""`registry token create | list | revoke`, and what the created token can do."""

from __future__ import annotations

import httpx
import pytest

from registry.app import create_app
from registry.config import Settings
from tests.support import bearer, cli, own_database

pytestmark = pytest.mark.subprocess



async def test_token_lifecycle_from_the_command_line(settings: Settings) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "tokens") as db:
        uri = settings.mongodb_uri + "tokens"
        made = cli(uri, "token", "create", "--role", "editor", "--name", "ropa-exporter")
        assert made.returncode == 0, made.stderr
        text = made.stdout.strip().splitlines()[-1]
        assert text.startswith("rgy_")
        stored = (await db.repos.tokens.find())[0]
        assert text not in str(db.repos.tokens.to_doc(stored))  # only a hash is stored
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            ok = await c.post("/graphql", json={"query": "{ organizations { slug } }"}, headers=bearer(text))
            assert ok.status_code == 200 and len(ok.json()["data"]["organizations"]) == 4
            listed = cli(uri, "token", "list")
            assert stored.key in listed.stdout and "EDITOR" in listed.stdout and text not in listed.stdout
            assert cli(uri, "token", "revoke", stored.key).returncode == 0
            gone = await c.post("/graphql", json={"query": "{ organizations { slug } }"}, headers=bearer(text))
            assert gone.status_code == 401
        assert cli(uri, "token", "revoke", "nosuchkey").returncode == 2
