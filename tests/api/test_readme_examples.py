"""Every GraphQL example in the README runs as written, without errors (the DPIA example once asked for a root
field that does not exist). Changes run on a database of their own."""

from __future__ import annotations

import re

import httpx

from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token
from tests.support import bearer, own_database

EXAMPLES = re.findall(r"```graphql\n(.*?)```", (PROJECT_ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 8 and any("dpiaScreening" in e for e in EXAMPLES)


async def test_every_readme_example_runs_as_written(settings: Settings) -> None:
    async with own_database(settings, "readme") as db:
        _, token = await create_token(db.repos, "readme examples", AccessRole.EDITOR)
        app = create_app(Settings(mongodb_uri=settings.mongodb_uri, seed_on_empty=False), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            last: dict[str, object] = {}
            for example in EXAMPLES:
                variables = {}
                if "$a" in example:  # the README says: take an id from the list the example before it gives
                    activities = last["organization"]["processingActivities"]  # type: ignore[index]
                    variables = {"a": activities[0]["id"]}  # type: ignore[index]
                r = await c.post("/graphql", json={"query": example, "variables": variables})
                body = r.json()
                assert r.status_code == 200 and not body.get("errors"), (example, body)
                payloads = [v for v in body["data"].values() if isinstance(v, dict) and "userErrors" in v]
                assert all(p["userErrors"] == [] for p in payloads), (example, payloads)
                last = body["data"]
