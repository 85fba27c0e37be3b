"""Changes to the inventory: organisations and their records, links to activities, lawful bases."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from registry.domain import kinds
from registry.domain import models as m
from registry.domain.errors import Problem
from registry.graphql import crud
from registry.graphql.context import Info
from registry.graphql.errors import id_problem
from registry.graphql.inventory.activity import ProcessingActivity
from registry.graphql.inventory.organization import Organization
from registry.graphql.inventory.records import DataSubjectCategory, Purpose, RetentionRule, SecurityMeasure, Transfer
from registry.graphql.inventory.systems import System
from registry.graphql.permissions import IsEditor


@strawberry.enum(description="What to link to (or unlink from) a processing activity.")
class ActivityLink(Enum):
    PURPOSE = strawberry.enum_value("purposes", description="A purpose, by its key.")
    DATA_CATEGORY = strawberry.enum_value(
        "data_categories", description="A data category, by its taxonomy key or the organisation's own key.")
    DATA_SUBJECT = strawberry.enum_value("data_subjects", description="A category of data subjects, by its key.")
    RECIPIENT = strawberry.enum_value("recipients", description="A recipient or subprocessor, by its key.")
    TRANSFER = strawberry.enum_value("transfers", description="An international transfer, by its key.")
    RETENTION_RULE = strawberry.enum_value("retention_rules", description="A retention rule, by its key.")
    SECURITY_MEASURE = strawberry.enum_value("security_measures", description="A security measure, by its key.")
    SYSTEM = strawberry.enum_value("systems", description="A system (application or data store), by its key.")


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


ActivityPayload = crud.payload(ProcessingActivity)


def _activity_id(gid: relay.GlobalID) -> Problem | None:
    problem = id_problem(gid, "ProcessingActivity")
    return Problem("activity", problem, "INVALID_ID") if problem else None


@strawberry.type(description="Changes to organisations and their inventories.")
class InventoryMutation:
    create_organization = crud.create(kinds.ORGANIZATION, Organization)
    update_organization = crud.update(kinds.ORGANIZATION, Organization)
    archive_organization = crud.archive(kinds.ORGANIZATION, Organization)
    restore_organization = crud.restore(kinds.ORGANIZATION, Organization)

    create_data_subject = crud.create(kinds.DATA_SUBJECT, DataSubjectCategory)
    update_data_subject = crud.update(kinds.DATA_SUBJECT, DataSubjectCategory)
    archive_data_subject = crud.archive(kinds.DATA_SUBJECT, DataSubjectCategory)
    restore_data_subject = crud.restore(kinds.DATA_SUBJECT, DataSubjectCategory)

    create_purpose = crud.create(kinds.PURPOSE, Purpose)
    update_purpose = crud.update(kinds.PURPOSE, Purpose)
    archive_purpose = crud.archive(kinds.PURPOSE, Purpose)
    restore_purpose = crud.restore(kinds.PURPOSE, Purpose)

    create_transfer = crud.create(kinds.TRANSFER, Transfer)
    update_transfer = crud.update(kinds.TRANSFER, Transfer)
    archive_transfer = crud.archive(kinds.TRANSFER, Transfer)
    restore_transfer = crud.restore(kinds.TRANSFER, Transfer)

    create_retention_rule = crud.create(kinds.RETENTION_RULE, RetentionRule)
    update_retention_rule = crud.update(kinds.RETENTION_RULE, RetentionRule)
    archive_retention_rule = crud.archive(kinds.RETENTION_RULE, RetentionRule)
    restore_retention_rule = crud.restore(kinds.RETENTION_RULE, RetentionRule)

    create_security_measure = crud.create(kinds.SECURITY_MEASURE, SecurityMeasure)
    update_security_measure = crud.update(kinds.SECURITY_MEASURE, SecurityMeasure)
    archive_security_measure = crud.archive(kinds.SECURITY_MEASURE, SecurityMeasure)
    restore_security_measure = crud.restore(kinds.SECURITY_MEASURE, SecurityMeasure)

    create_system = crud.create(kinds.SYSTEM, System)
    update_system = crud.update(kinds.SYSTEM, System)
    archive_system = crud.archive(kinds.SYSTEM, System)
    restore_system = crud.restore(kinds.SYSTEM, System)

    create_processing_activity = crud.create(kinds.PROCESSING_ACTIVITY, ProcessingActivity)
    update_processing_activity = crud.update(kinds.PROCESSING_ACTIVITY, ProcessingActivity)
    archive_processing_activity = crud.archive(kinds.PROCESSING_ACTIVITY, ProcessingActivity)
    restore_processing_activity = crud.restore(kinds.PROCESSING_ACTIVITY, ProcessingActivity)

    @strawberry.mutation(permission_classes=[IsEditor],
                         description="Link a purpose, data category, data subject, recipient, transfer, retention "
                         "rule, security measure or system to a processing activity (or unlink it).")
    async def link_to_activity(
        self, info: Info,
        input: Annotated[LinkToActivityInput, strawberry.argument(  # noqa: A002 - the GraphQL convention
            description="The activity, the version you read, and what to link or unlink.")],
    ) -> ActivityPayload:  # type: ignore[valid-type]
        bad = _activity_id(input.activity)
        if bad:
            return crud.refuse(ProcessingActivity, [bad])
        result = await crud.editor(info).link(input.activity.node_id, input.version, str(input.link.value), input.key,
                                              input.unlink, info.context.actor)
        return crud.answer(ProcessingActivity, result)

    @strawberry.mutation(permission_classes=[IsEditor],
                         description="Assign a lawful basis or Art 9(2) condition to a purpose of an activity (or "
                         "remove it).")
    async def assign_lawful_basis(
        self, info: Info,
        input: Annotated[AssignLawfulBasisInput, strawberry.argument(  # noqa: A002
            description="The activity, the version you read, the purpose and the basis to assign or remove.")],
    ) -> ActivityPayload:  # type: ignore[valid-type]
        bad = _activity_id(input.activity)
        if bad:
            return crud.refuse(ProcessingActivity, [bad])
        assignment = m.BasisAssignment(input.basis, input.stated_as, input.balancing_test, input.withdrawal)
        result = await crud.editor(info).assign_basis(input.activity.node_id, input.version, input.purpose,
                                                      assignment, input.remove, info.context.actor)
        return crud.answer(ProcessingActivity, result)
