"""Changes to subprocessors and other recipients; a subprocessor's addition, change or removal is announced."""

from __future__ import annotations

import strawberry

from registry.domain import kinds
from registry.graphql import crud
from registry.graphql.inventory.records import Recipient


@strawberry.type(description="Changes to recipients and subprocessors.")
class SubprocessorsMutation:
    create_recipient = crud.create(kinds.RECIPIENT, Recipient)
    update_recipient = crud.update(kinds.RECIPIENT, Recipient)
    archive_recipient = crud.archive(kinds.RECIPIENT, Recipient)
    restore_recipient = crud.restore(kinds.RECIPIENT, Recipient)
