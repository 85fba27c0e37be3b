"""The schema is a product surface: exported from code, and documented everywhere."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from registry.config import PROJECT_ROOT
from registry.graphql.schema import schema
from tests.support import GraphQLClient


def test_schema_graphql_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema.as_str() + "\n", "schema.graphql is stale: run `./dev registry export-schema`"


LINT_RULES = ("arguments-have-descriptions,enum-values-have-descriptions,fields-have-descriptions,"
              "types-have-descriptions,input-object-values-have-descriptions,relay-connection-types-spec,"
              "relay-page-info-spec")
LINTER = PROJECT_ROOT / "tests" / "node" / "node_modules" / ".bin" / "graphql-schema-linter"


@pytest.mark.subprocess
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed for graphql-schema-linter")
def test_schema_lint_finds_nothing() -> None:
    """graphql-schema-linter (npm, installed by ./dev setup) with its description and Relay rules."""
    assert LINTER.exists(), "run ./dev setup test: it installs tests/node from its package-lock.json"
    r = subprocess.run([str(LINTER), "--rules", LINT_RULES, str(PROJECT_ROOT / "schema.graphql")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


INTROSPECT = """{ __schema { types { name kind description
  fields { name description args { name description } }
  inputFields { name description } enumValues { name description } } } }"""


async def test_every_type_and_field_has_a_description(gql: GraphQLClient) -> None:
    types = (await gql.data(INTROSPECT))["__schema"]["types"]
    missing = []
    for t in types:
        if t["name"].startswith("__") or t["kind"] == "SCALAR":
            continue
        if not t["description"]:
            missing.append(t["name"])
        for f in (t["fields"] or []) + (t["inputFields"] or []) + (t["enumValues"] or []):
            if not f["description"]:
                missing.append(f"{t['name']}.{f['name']}")
            for a in f.get("args") or []:
                if not a["description"]:
                    missing.append(f"{t['name']}.{f['name']}({a['name']})")
    assert missing == []


async def test_required_names_are_present(gql: GraphQLClient) -> None:
    q = '{ __type(name: "ProcessingActivity") { fields { name } } }'
    fields = {f["name"] for f in (await gql.data(q))["__type"]["fields"]}
    assert {"name", "role", "purposes", "lawfulBases", "dataCategories", "dataSubjects", "subprocessors",
            "transfers", "retentionRules"} <= fields
    role = (await gql.data('{ __type(name: "Role") { enumValues { name } } }'))["__type"]["enumValues"]
    assert {v["name"] for v in role} == {"CONTROLLER", "PROCESSOR", "JOINT_CONTROLLER"}
