"""The write side of the API: create, update and archive every record a privacy team maintains, link records
to activities, and manage API tokens. One input object per mutation; each payload returns the changed record
and the user errors (field path, message, code) of an input that could not be applied.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.permission import BasePermission

from registry.domain import models as m
from registry.domain.enums import AccessRole as AccessRoleEnum
from registry.domain.errors import Problem
from registry.graphql.context import Info
from registry.graphql.inputs import EDITABLE, make_input, to_plain
from registry.graphql.permissions import IsAdmin, IsEditor
from registry.graphql.types.activity import ProcessingActivity
from registry.graphql.types.organization import Organization
from registry.graphql.types.records import (
    DataSubjectCategory,
    Purpose,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Transfer,
)
from registry.graphql.types.reference import DataCategory
from registry.services.editing import Editor, EditResult
from registry.services.tokens import create_token, revoke
from registry.storage.codec import DecodeError, decode, encode

OUTPUT: dict[str, Any] = {
    "organizations": Organization,
    "data_categories": DataCategory,
    "data_subjects": DataSubjectCategory,
    "purposes": Purpose,
    "recipients": Recipient,
    "transfers": Transfer,
    "retention_rules": RetentionRule,
    "security_measures": SecurityMeasure,
    "processing_activities": ProcessingActivity,
}

FIELD_SNAKE = {
    "organizations": "organization",
    "data_categories": "data_category",
    "data_subjects": "data_subject",
    "purposes": "purpose",
    "recipients": "recipient",
    "transfers": "transfer",
    "retention_rules": "retention_rule",
    "security_measures": "security_measure",
    "processing_activities": "processing_activity",
}


@strawberry.type(description="Something wrong with the input that the caller can fix.")
class UserError:
    field: str = strawberry.field(description="Path of the offending input field, e.g. `purposes[0].lawfulBases`.")
    message: str = strawberry.field(description="What was wrong and what to do.")
    code: str = strawberry.field(description="Stable code, e.g. UNKNOWN_REFERENCE, VERSION_CONFLICT, DUPLICATE_KEY.")


def _camel(path: str) -> str:
    parts = path.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


# The payload field of each record: createPurpose returns `purpose`, createDataCategory `dataCategory`, ...
FIELD = {c: _camel(name) for c, name in FIELD_SNAKE.items()}


def errors(problems: list[Problem]) -> list[UserError]:
    return [UserError(field=_camel(p.path), message=p.message, code=p.code) for p in problems]


@strawberry.input(description="Which record to archive, and the version you read.")
class ArchiveInput:
    id: relay.GlobalID = strawberry.field(description="The record's global ID.")
    version: int = strawberry.field(description="The version you read; a stale one is refused with a conflict.")


def _payload(collection: str) -> type:
    out = OUTPUT[collection]
    name = f"{out.__name__}Payload"
    ns = {
        "__annotations__": {FIELD[collection]: out | None, "user_errors": list[UserError]},
        FIELD[collection]: strawberry.field(description="The record as stored after the change; null on errors."),
        "user_errors": strawberry.field(description="Why the input could not be applied; empty on success."),
    }
    return strawberry.type(type(name, (), ns), description=f"Result of a change to a {out.__name__}.")


PAYLOADS = {c: _payload(c) for c in EDITABLE}


def _refused(collection: str, problems: list[Problem]) -> Any:
    return PAYLOADS[collection](**{FIELD[collection]: None, "user_errors": errors(problems)})


def _result(collection: str, r: EditResult) -> Any:
    record = OUTPUT[collection].from_domain(r.record) if r.record is not None else None
    return PAYLOADS[collection](**{FIELD[collection]: record, "user_errors": errors(r.errors)})


async def _category_ids(info: Info, slug: str, keys: list[str]) -> list[str]:
    own = {c.key for c in await info.context.repos.data_categories.find({"organization": slug})}
    return [m.scoped_id(slug, k) if k in own else k for k in keys]


async def _decode(info: Info, collection: str, data: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if collection in ("processing_activities", "retention_rules") and isinstance(data.get("data_categories"), list):
        data["data_categories"] = await _category_ids(info, data["organization"], data["data_categories"])
    try:
        return decode(EDITABLE[collection], data, strict=True), []
    except DecodeError as e:
        return None, [Problem(str(e).split(":")[0].split(".", 1)[-1], str(e), "INVALID_FIELD")]


def _editor(info: Info) -> Editor:
    return Editor(info.context.repos, info.context.limits.list_items)


def _collection_of(gid: relay.GlobalID, collection: str) -> Problem | None:
    if not gid.node_id or len(gid.node_id) > 300:
        return Problem("id", "not a valid record id.", "INVALID_ID")
    if gid.type_name != OUTPUT[collection].__name__:
        return Problem(
            "id",
            f"'{gid}' is the global ID of a {gid.type_name}, not of a {OUTPUT[collection].__name__}.",
            "INVALID_ID",
        )
    return None


def _mutations(collection: str) -> dict[str, Any]:
    create_input = make_input(EDITABLE[collection], "Create")
    patch = make_input(EDITABLE[collection], "", True)
    name = OUTPUT[collection].__name__
    payload = PAYLOADS[collection]
    update_input = strawberry.input(
        type(
            f"Update{name}Input",
            (),
            {
                "__annotations__": {"id": relay.GlobalID, "version": int, "set": patch},
                "id": strawberry.field(description="The record's global ID."),
                "version": strawberry.field(
                    description="The version you read; a stale one is refused with a conflict."
                ),
                "set": strawberry.field(description="The fields to change; fields left out keep their value."),
            },
        ),
        description=f"Changes to a {name}, based on the version you read.",
    )

    async def create(info: Info, input: Any) -> Any:  # noqa: A002 - the GraphQL convention
        data = to_plain(input)
        record, problems = await _decode(info, collection, data)
        if problems:
            return _refused(collection, problems)
        return _result(collection, await _editor(info).save(collection, record, None, info.context.actor))

    async def update(info: Info, input: Any) -> Any:  # noqa: A002
        bad = _collection_of(input.id, collection)
        current = None if bad else await getattr(info.context.repos, collection).get(input.id.node_id)
        if bad or current is None:
            problem = bad or Problem("id", f"no record '{input.id.node_id}'.", "NOT_FOUND")
            return _refused(collection, [problem])
        data = {k: v for k, v in encode(current).items() if k not in ("version", "archived")}
        data.update(to_plain(input.set))
        record, problems = await _decode(info, collection, data)
        if problems:
            return _refused(collection, problems)
        result = await _editor(info).save(collection, record, input.version, info.context.actor)
        return _result(collection, result)

    async def archive(info: Info, input: ArchiveInput) -> Any:  # noqa: A002
        bad = _collection_of(input.id, collection)
        if bad:
            return _refused(collection, [bad])
        result = await _editor(info).archive(collection, input.id.node_id, input.version, info.context.actor)
        return _result(collection, result)

    create.__annotations__ = {"info": Info, "input": create_input, "return": payload}
    update.__annotations__ = {"info": Info, "input": update_input, "return": payload}
    archive.__annotations__ = {"info": Info, "input": ArchiveInput, "return": payload}
    perms: list[type[BasePermission]] = [IsEditor]
    return {
        f"create_{FIELD_SNAKE[collection]}": strawberry.mutation(
            resolver=create, permission_classes=perms, description=f"Create a {name}."
        ),
        f"update_{FIELD_SNAKE[collection]}": strawberry.mutation(
            resolver=update,
            permission_classes=perms,
            description=f"Change a {name}, stating the version you read (a stale version is refused).",
        ),
        f"archive_{FIELD_SNAKE[collection]}": strawberry.mutation(
            resolver=archive,
            permission_classes=perms,
            description=f"Archive (soft-delete) a {name}; refused while other records refer to it.",
        ),
    }




@strawberry.enum(description="What to link to (or unlink from) a processing activity.")
class ActivityLink(Enum):
    PURPOSE = "purposes"
    DATA_CATEGORY = "data_categories"
    DATA_SUBJECT = "data_subjects"
    RECIPIENT = "recipients"
    TRANSFER = "transfers"
    RETENTION_RULE = "retention_rules"
    SECURITY_MEASURE = "security_measures"


@strawberry.input(description="Link a record to a processing activity, or unlink it.")
class LinkToActivityInput:
    activity: relay.GlobalID = strawberry.field(description="The activity's global ID.")
    version: int = strawberry.field(description="The activity's version you read.")
    link: ActivityLink = strawberry.field(description="What kind of record to link.")
    key: str = strawberry.field(description="The record's key (a data-category key for DATA_CATEGORY).")
    unlink: bool = strawberry.field(default=False, description="True removes the link instead.")


@strawberry.input(description="Assign a lawful basis (or an Art 9(2) condition) to a purpose of an activity.")
class AssignLawfulBasisInput:
    activity: relay.GlobalID = strawberry.field(description="The activity's global ID.")
    version: int = strawberry.field(description="The activity's version you read.")
    purpose: str = strawberry.field(description="Key of the purpose; it is added to the activity if missing.")
    basis: str = strawberry.field(description="FRAMEWORK:code, e.g. GDPR:legitimate-interests or GDPR:art9-...")
    stated_as: str | None = strawberry.field(default=None, description="The basis in the policy's words.")
    balancing_test: str | None = strawberry.field(
        default=None, description="Where the balancing test is kept (required for legitimate interests)."
    )
    withdrawal: str | None = strawberry.field(default=None, description="For consent: how it is withdrawn.")
    remove: bool = strawberry.field(default=False, description="True removes the basis from the purpose instead.")


async def _activity(info: Info, gid: relay.GlobalID) -> tuple[m.ProcessingActivity | None, list[Problem]]:
    if gid.type_name != "ProcessingActivity" or not gid.node_id or len(gid.node_id) > 300:
        return None, [
            Problem("activity", f"'{str(gid)[:80]}' is not the global ID of a ProcessingActivity.", "INVALID_ID")
        ]
    a = await info.context.repos.processing_activities.get(gid.node_id)
    return a, [] if a else [Problem("activity", f"no processing activity '{gid.node_id}'.", "NOT_FOUND")]


async def _save_activity(info: Info, a: m.ProcessingActivity, version: int) -> Any:
    result = await _editor(info).save("processing_activities", a, version, info.context.actor)
    return _result("processing_activities", result)


def _fail(problems: list[Problem]) -> Any:
    return _refused("processing_activities", problems)


@strawberry.type(description="An API token as an admin sees it: never its secret.")
class ApiTokenInfo:
    key: str = strawberry.field(description="The token's public key (the part after `rgy_`).")
    name: str = strawberry.field(description="Who or what uses it.")
    role: str = strawberry.field(description="VIEWER, EDITOR or ADMIN.")
    revoked: bool = strawberry.field(description="True once revoked.")

    @classmethod
    def from_domain(cls, t: m.ApiToken) -> ApiTokenInfo:
        return cls(key=t.key, name=t.name, role=t.role.value, revoked=t.revoked_at is not None)


AccessRole = strawberry.enum(AccessRoleEnum, description="VIEWER reads; EDITOR also edits; ADMIN also manages tokens.")


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="Who or what will use it, e.g. ropa-exporter.")
    role: AccessRole = strawberry.field(description="What it may do.")  # type: ignore[valid-type]


@strawberry.type(description="A new API token: `token` is shown this once and cannot be read again.")
class CreateApiTokenPayload:
    token: str | None = strawberry.field(description="The full token to give its user; shown only now.")
    info: ApiTokenInfo | None = strawberry.field(description="The token's record.")
    user_errors: list[UserError] = strawberry.field(description="Why it could not be created.")


@strawberry.input(description="The token to revoke.")
class RevokeApiTokenInput:
    key: str = strawberry.field(description="The token's key.")


def _base_mutations() -> dict[str, Any]:
    async def link_to_activity(info: Info, input: LinkToActivityInput) -> Any:  # noqa: A002
        a, problems = await _activity(info, input.activity)
        if a is None:
            return _fail(problems)
        field_name = input.link.value
        current = [p.purpose for p in a.purposes] if field_name == "purposes" else list(getattr(a, field_name))
        key = input.key
        if field_name == "data_categories":
            key = (await _category_ids(info, a.organization, [key]))[0]
        if input.unlink:
            if key not in current:
                return _fail([Problem("key", f"'{input.key}' is not linked to this activity.", "NOT_LINKED")])
            new = [k for k in current if k != key]
        else:
            if key in current:
                return _fail([Problem("key", f"'{input.key}' is already linked.", "ALREADY_LINKED")])
            new = [*current, key]
        if field_name == "purposes":
            kept = {p.purpose: p for p in a.purposes}
            changed = m.ProcessingActivity(
                **{**vars(a), "purposes": [kept.get(k) or m.PurposeAssignment(k) for k in new]}
            )
        else:
            changed = m.ProcessingActivity(**{**vars(a), field_name: new})
        return await _save_activity(info, changed, input.version)

    async def assign_lawful_basis(info: Info, input: AssignLawfulBasisInput) -> Any:  # noqa: A002
        a, problems = await _activity(info, input.activity)
        if a is None:
            return _fail(problems)
        art9 = input.basis.split(":", 1)[-1].startswith("art9-")
        assignment = m.BasisAssignment(input.basis, input.stated_as, input.balancing_test, input.withdrawal)
        purposes = list(a.purposes)
        index = next((i for i, p in enumerate(purposes) if p.purpose == input.purpose), None)
        if index is None:
            if input.remove:
                return _fail([Problem("purpose", f"the activity has no purpose '{input.purpose}'.", "NOT_LINKED")])
            purposes.append(m.PurposeAssignment(input.purpose))
            index = len(purposes) - 1
        p = purposes[index]
        items = list(p.special_category_conditions if art9 else p.lawful_bases)
        others = [b for b in items if b.basis != input.basis]
        if input.remove and len(others) == len(items):
            return _fail([Problem("basis", f"'{input.basis}' is not assigned to '{input.purpose}'.", "NOT_LINKED")])
        items = others if input.remove else [*others, assignment]
        field_name = "special_category_conditions" if art9 else "lawful_bases"
        purposes[index] = m.PurposeAssignment(**{**vars(p), field_name: items})
        return await _save_activity(info, m.ProcessingActivity(**{**vars(a), "purposes": purposes}), input.version)

    async def create_api_token(info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:  # noqa: A002
        try:
            token, text = await create_token(info.context.repos, input.name, AccessRoleEnum(input.role))
        except ValueError as e:
            return CreateApiTokenPayload(
                token=None, info=None, user_errors=[UserError(field="name", message=str(e), code="INVALID")]
            )
        return CreateApiTokenPayload(token=text, info=ApiTokenInfo.from_domain(token), user_errors=[])

    async def revoke_api_token(info: Info, input: RevokeApiTokenInput) -> ApiTokenInfo | None:  # noqa: A002
        t = await revoke(info.context.repos, input.key)
        return ApiTokenInfo.from_domain(t) if t else None

    payload = PAYLOADS["processing_activities"]
    link_to_activity.__annotations__ = {"info": Info, "input": LinkToActivityInput, "return": payload}
    assign_lawful_basis.__annotations__ = {"info": Info, "input": AssignLawfulBasisInput, "return": payload}
    return {
        "link_to_activity": strawberry.mutation(
            resolver=link_to_activity,
            permission_classes=[IsEditor],
            description="Link a purpose, data category, data subject, recipient, transfer, retention rule or "
            "security measure to a processing activity (or unlink it).",
        ),
        "assign_lawful_basis": strawberry.mutation(
            resolver=assign_lawful_basis,
            permission_classes=[IsEditor],
            description="Assign a lawful basis or Art 9(2) condition to a purpose of an activity (or remove it).",
        ),
        "create_api_token": strawberry.mutation(
            resolver=create_api_token,
            permission_classes=[IsAdmin],
            description="Create an API token; its text is returned this once.",
        ),
        "revoke_api_token": strawberry.mutation(
            resolver=revoke_api_token,
            permission_classes=[IsAdmin],
            description="Revoke an API token; null when no token has that key.",
        ),
    }


def build_mutation() -> type:
    namespace: dict[str, Any] = {}
    for collection in EDITABLE:
        namespace.update(_mutations(collection))
    namespace.update(_base_mutations())
    return strawberry.type(type("Mutation", (), namespace), description="Changes to the register.")


Mutation = build_mutation()
