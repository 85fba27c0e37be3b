"""Changes to the taxonomy: an organisation's own data categories under the shared ones."""

from __future__ import annotations

import strawberry

from registry.domain import kinds
from registry.graphql import crud
from registry.graphql.reference.types import DataCategory


@strawberry.type(description="Changes to the data-category taxonomy.")
class ReferenceMutation:
    create_data_category = crud.create(kinds.DATA_CATEGORY, DataCategory)
    update_data_category = crud.update(kinds.DATA_CATEGORY, DataCategory)
    archive_data_category = crud.archive(kinds.DATA_CATEGORY, DataCategory)
    restore_data_category = crud.restore(kinds.DATA_CATEGORY, DataCategory)
