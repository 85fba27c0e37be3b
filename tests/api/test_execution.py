"""The registry's executor (registry/graphql/execution.py) answers exactly as graphql-core's own: the same data,
the same errors at the same paths, for plain fields, related records, aliases, fragments, directives and
`__typename`, on the seed and on a synthetic register."""

from __future__ import annotations

import re
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bench.commands import CommandCounter
from bench.generate import FULL_RECORD_QUERY
from registry.graphql.context import Context
from registry.graphql.execution import RegistryExecutor
from registry.graphql.inventory.records import Purpose
from registry.graphql.loaders import Loaders
from registry.graphql.schema import build_schema
from registry.storage.database import Database

QUERIES = [
    (FULL_RECORD_QUERY, {"slug": "januscaler"}),
    ("""query($slug: String!) { organization(slug: $slug) { processingActivities {
          __typename key renamed: name role role
          ...Bases
          purposes { __typename name purpose { key name } specialCategoryConditions { code } }
          dataCategories @include(if: true) { key name specialCategory ccpaCategory criminalOffenceData parent { key } }
          recipients @skip(if: true) { name }
          transfers { destination { code adequacy } destinationAgain: destination { code } mechanism { code } }
          retentionRules { covers period trigger dataCategories { key } }
        } } }
        fragment Bases on ProcessingActivity { lawfulBases { framework code article title } }""",
     {"slug": "janusipm"}),
    ("""{ organizations { slug legalName processingActivities { name dataSubjects { key name }
          subprocessors { name countries { code name adequacy } } } } }""", {}),
]


def executor(schema: strawberry.Schema, cls: type) -> strawberry.Schema:
    schema.execution_context_class = cls
    return schema


async def answer(db: Database, schema: strawberry.Schema, query: str, variables: dict[str, Any]) -> Any:
    generation = db.repos.cache.snapshot()
    context = Context(repos=db.repos, loaders=Loaders(db.repos, generation), generation=generation)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    # An internal error's message carries a random reference for the operators' log: compare without it.
    errors = [(re.sub(r"reference: \w+", "reference", e.message), e.path) for e in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize(("query", "variables"), QUERIES)
async def test_the_same_answer_as_graphql_core_on_the_seed(database: Database, query: str,
                                                           variables: dict[str, Any]) -> None:
    ours = executor(build_schema(), RegistryExecutor)
    stock = executor(build_schema(), StrawberryGraphQLCoreExecutionContext)
    mine, theirs = await answer(database, ours, query, variables), await answer(database, stock, query, variables)
    assert mine == theirs
    assert mine[0] and not mine[1], mine[1]


async def test_the_same_answer_on_a_synthetic_register(synthetic: tuple[Database, CommandCounter]) -> None:
    db, _ = synthetic
    ours = executor(build_schema(), RegistryExecutor)
    stock = executor(build_schema(), StrawberryGraphQLCoreExecutionContext)
    variables = {"slug": "synthetic-400"}
    assert await answer(db, ours, FULL_RECORD_QUERY, variables) == await answer(db, stock, FULL_RECORD_QUERY,
                                                                                variables)


async def test_a_null_in_a_non_null_field_is_reported_as_graphql_core_reports_it(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    # A purpose answered with its required name missing (as a broken record could be): the error, its path and
    # the nulls propagated up to the nearest nullable parent are graphql-core's.
    built = Purpose.from_domain.__func__  # type: ignore[attr-defined]

    def broken(cls: type[Purpose], p: Any) -> Purpose:
        made = built(cls, p)
        if made.key == "security":
            object.__setattr__(made, "name", None)
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(Purpose, "from_domain", classmethod(broken))
    query = """{ organization(slug: "januscaler") {
      processingActivities { key purposes { purpose { key name } } } } }"""
    mine = await answer(database, executor(build_schema(), RegistryExecutor), query, {})
    theirs = await answer(database, executor(build_schema(), StrawberryGraphQLCoreExecutionContext), query, {})
    assert mine == theirs
    assert mine[1] and mine[1][0][1][-2:] == ["purpose", "name"]
    assert caplog_has(caplog, "Cannot return null for non-nullable field Purpose.name")


def caplog_has(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return sum(text in r.getMessage() for r in caplog.records) == 2  # once per executor


@pytest.mark.parametrize("odd", ["null", "subclass"])
async def test_an_unexpected_item_in_a_list_of_records_is_completed_as_graphql_core_does(
    database: Database, monkeypatch: pytest.MonkeyPatch, odd: str,
) -> None:
    # The direct completion of related records takes only exact classes; a null item (refused by the schema) or an
    # object of a subclass goes through graphql-core, with the same answer and error.
    built = Purpose.from_domain.__func__  # type: ignore[attr-defined]

    class Odd(Purpose):
        pass

    def made(cls: type[Purpose], p: Any) -> Purpose | None:
        purpose = built(cls, p)
        if purpose.key != "security":
            return purpose  # type: ignore[no-any-return]
        return None if odd == "null" else built(Odd, p)  # type: ignore[no-any-return]

    monkeypatch.setattr(Purpose, "from_domain", classmethod(made))
    query = """{ organization(slug: "januscaler") { processingActivities { key purposes { purpose { key } } } } }"""
    mine = await answer(database, executor(build_schema(), RegistryExecutor), query, {})
    theirs = await answer(database, executor(build_schema(), StrawberryGraphQLCoreExecutionContext), query, {})
    assert mine == theirs
    assert bool(mine[1]) is (odd == "null")
