"""The create, update, archive and restore mutations every editable record kind has.

Each area declares its mutation fields by name (`update_purpose = crud.update(kinds.PURPOSE, Purpose)`); this
module builds their inputs, payloads and resolvers from the record-kinds table and the record's GraphQL type.
The resolvers only translate: the editing service (`services/editing.py`) reads, merges, validates and writes.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import strawberry
from strawberry import relay

from registry.domain.errors import Problem
from registry.domain.kinds import BY_COLLECTION, RecordKind
from registry.graphql.context import Info
from registry.graphql.errors import id_problem
from registry.graphql.inputs import make_input, to_plain
from registry.graphql.permissions import IsEditor
from registry.services.editing import Editor, EditResult


@strawberry.type(description="Something wrong with the input that the caller can fix.")
class UserError:
    field: str = strawberry.field(description="Path of the offending input field, e.g. `purposes[0].lawfulBases`.")
    message: str = strawberry.field(description="What was wrong and what to do.")
    code: str = strawberry.field(description="Stable code, e.g. UNKNOWN_REFERENCE, VERSION_CONFLICT, DUPLICATE_KEY.")


def camel(path: str) -> str:
    parts = path.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def user_errors(problems: list[Problem]) -> list[UserError]:
    return [UserError(field=camel(p.path), message=p.message, code=p.code) for p in problems]


@strawberry.input(description="Which record to archive, and the version you read.")
class ArchiveInput:
    id: relay.GlobalID = strawberry.field(description="The record's global ID.")
    version: int = strawberry.field(description="The version you read; a stale one is refused with a conflict.")


@strawberry.input(description="Which archived record to bring back, and the version you read.")
class RestoreInput:
    id: relay.GlobalID = strawberry.field(description="The archived record's global ID.")
    version: int = strawberry.field(description="The version you read; a stale one is refused with a conflict.")


def editor(info: Info) -> Editor:
    """The editing service for this request (it shares the request's read of the register's generation)."""
    return Editor(info.context.repos, info.context.limits.list_items, info.context.generation)


@cache
def payload(out: type) -> type:
    """`{Type}Payload`: the record as stored after the change (in a field named after its kind, as the mutations
    are: `createDataSubject` answers `dataSubject`), or the user errors."""
    field_name = camel(BY_COLLECTION[out.collection].singular)  # type: ignore[attr-defined]
    ns = {
        "__annotations__": {field_name: out | None, "user_errors": list[UserError]},
        field_name: strawberry.field(description="The record as stored after the change; null on errors."),
        "user_errors": strawberry.field(description="Why the input could not be applied; empty on success."),
    }
    cls = strawberry.type(type(f"{out.__name__}Payload", (), ns),
                          description=f"Result of a change to a {out.__name__}.")
    cls.record_field = field_name  # type: ignore[attr-defined]
    return cls


def answer(out: type, result: EditResult) -> Any:
    """The payload of a change: the record as `out` (its GraphQL type), or the user errors."""
    cls = payload(out)
    record = out.from_domain(result.record) if result.record is not None else None  # type: ignore[attr-defined]
    return cls(**{cls.record_field: record, "user_errors": user_errors(result.errors)})  # type: ignore[attr-defined]


def refuse(out: type, problems: list[Problem]) -> Any:
    return answer(out, EditResult(errors=problems))


def described(input_type: Any, description: str) -> Any:
    """An `input` argument's type with its description."""
    return Annotated[input_type, strawberry.argument(description=description)]


def _checked(gid: relay.GlobalID, out: type) -> Problem | None:
    problem = id_problem(gid, out.__name__)
    return Problem("id", problem, "INVALID_ID") if problem else None


def create(kind: RecordKind, out: type) -> Any:
    """`create<Type>(input: Create<Type>Input!)`."""
    async def resolve(info: Info, input: Any) -> Any:  # noqa: A002 - the GraphQL convention
        return answer(out, await editor(info).create(kind, to_plain(input), info.context.actor))

    resolve.__annotations__ = {"info": Info, "return": payload(out), "input": described(
        make_input(kind.cls, "Create"), f"The new {kind.label}: its key and fields.")}
    return strawberry.mutation(resolver=resolve, permission_classes=[IsEditor], description=f"Create a {kind.label}.")


@cache
def update_input(kind: RecordKind, out: type) -> type:
    ns = {
        "__annotations__": {"id": relay.GlobalID, "version": int, "set": make_input(kind.cls, "", True)},
        "id": strawberry.field(description="The record's global ID."),
        "version": strawberry.field(description="The version you read; a stale one is refused with a conflict."),
        "set": strawberry.field(description="The fields to change; fields left out keep their value."),
    }
    return strawberry.input(type(f"Update{out.__name__}Input", (), ns),
                            description=f"Changes to a {kind.label}, based on the version you read.")


def update(kind: RecordKind, out: type) -> Any:
    """`update<Type>(input: Update<Type>Input!)`: the fields given change, the rest keep their value."""
    async def resolve(info: Info, input: Any) -> Any:  # noqa: A002
        bad = _checked(input.id, out)
        if bad:
            return refuse(out, [bad])
        result = await editor(info).update(kind, input.id.node_id, input.version, to_plain(input.set),
                                           info.context.actor)
        return answer(out, result)

    resolve.__annotations__ = {"info": Info, "return": payload(out), "input": described(
        update_input(kind, out), f"Which {kind.label}, the version you read, and the fields to change.")}
    return strawberry.mutation(resolver=resolve, permission_classes=[IsEditor],
                               description=f"Change a {kind.label}, stating the version you read (a stale version is "
                               "refused). An archived record must be restored first.")


def _versioned(kind: RecordKind, out: type, use_case: str, input_type: type, input_doc: str,
               description: str) -> Any:
    """A mutation that names a record and the version read, and runs one of the editor's use-cases on it."""
    async def resolve(info: Info, input: Any) -> Any:  # noqa: A002
        bad = _checked(input.id, out)
        if bad:
            return refuse(out, [bad])
        run = getattr(editor(info), use_case)
        return answer(out, await run(kind, input.id.node_id, input.version, info.context.actor))

    resolve.__annotations__ = {"info": Info, "return": payload(out), "input": described(input_type, input_doc)}
    return strawberry.mutation(resolver=resolve, permission_classes=[IsEditor], description=description)


def archive(kind: RecordKind, out: type) -> Any:
    """`archive<Type>(input: ArchiveInput!)`."""
    return _versioned(kind, out, "archive", ArchiveInput, f"Which {kind.label} to archive, and the version you read.",
                      f"Archive (soft-delete) a {kind.label}; refused while other records refer to it. Its history "
                      "stays readable.")


def restore(kind: RecordKind, out: type) -> Any:
    """`restore<Type>(input: RestoreInput!)`."""
    return _versioned(kind, out, "restore", RestoreInput,
                      f"Which archived {kind.label} to bring back, and the version you read.",
                      f"Bring back an archived {kind.label}; its history shows a RESTORE.")
