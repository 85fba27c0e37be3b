"""Schemathesis against the running GraphQL endpoint: every query and mutation of the schema, with an admin
token, bounded in examples and time; zero server errors and zero non-conforming responses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from bench.server import registry_server
from registry.graphql.schema import schema

EXAMPLES_PER_OPERATION = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "40"))
SEEN: Counter[str] = Counter()
TOKEN: dict[str, str] = {}

pytestmark = pytest.mark.subprocess



@pytest.fixture(scope="module")
def fuzz_server(server_uri: str) -> Iterator[str]:
    uri = server_uri + "fuzz"  # a database of its own: the fuzzer creates and archives records
    env = {**os.environ, "MONGODB_URI": uri, "REGISTRY_BOOTSTRAP_ADMIN": "0"}
    subprocess.run([sys.executable, "-m", "registry", "seed"], env=env, check=True, capture_output=True)
    made = subprocess.run([sys.executable, "-m", "registry", "token", "create", "--role", "admin", "--name", "fuzz"],
                          env=env, check=True, capture_output=True, text=True)
    TOKEN["admin"] = made.stdout.strip().splitlines()[-1]
    try:
        with registry_server(env, log_level="error", quiet=True) as (base, _):
            yield f"{base}/graphql"
    finally:
        import pymongo

        with pymongo.MongoClient(uri) as c:
            c.drop_database(uri.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_server: str) -> schemathesis.graphql.GraphQLSchema:
    return schemathesis.graphql.from_url(fuzz_server, headers={"Authorization": f"Bearer {TOKEN['admin']}"})


def conforming_graphql_response(ctx: object, response: object, case: object) -> None:
    """A GraphQL answer is a JSON object with `data` and/or `errors`, and every error has a message."""
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body
    for error in body.get("errors") or []:
        assert isinstance(error.get("message"), str) and error["message"], error
        assert "Traceback" not in error["message"]


def test_fuzz_every_operation(fuzz_schema: schemathesis.graphql.GraphQLSchema) -> None:
    # Driven through each operation's Hypothesis strategy (schemathesis' pytest plugin does not run under
    # pytest 9 yet).
    headers = {"Authorization": f"Bearer {TOKEN['admin']}"}
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    gql = schema._schema  # every root field of the schema the server runs, queries and mutations
    assert gql.query_type is not None and gql.mutation_type is not None
    assert len(operations) == len(gql.query_type.fields) + len(gql.mutation_type.fields)
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            SEEN[case.operation.label] += 1
            case.call_and_validate(headers=headers, timeout=30, checks=[not_a_server_error],
                                   additional_checks=[conforming_graphql_response])

        run()
    total = sum(SEEN.values())
    print(f"\nschemathesis: {total} generated queries and mutations over {len(SEEN)} operations")
    assert total >= 1000, (total, len(SEEN))
