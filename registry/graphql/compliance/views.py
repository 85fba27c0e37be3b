"""Register views: the transfers register and the cross-framework view of lawful bases."""

from __future__ import annotations

import datetime as dt

import strawberry

from registry.graphql.base import Framework
from registry.graphql.inventory.activity import ProcessingActivity
from registry.graphql.inventory.records import Recipient, Transfer
from registry.graphql.reference.types import Country, LegalBasis, TransferMechanism


@strawberry.type(description="One transfer of the transfers register, with what a transfer impact assessment needs.")
class TransferRegisterRow:
    transfer: Transfer = strawberry.field(description="The transfer record.")
    destination: Country | None = strawberry.field(description="Destination; null where the sources do not name it.")
    adequacy: str = strawberry.field(description="The destination's EU adequacy status, or UNKNOWN.")
    mechanism: TransferMechanism | None = strawberry.field(description="The mechanism; null where none is stated.")
    scc_module: int | None = strawberry.field(description="2021 SCC module, where the mechanism is one.")
    recipient: Recipient | None = strawberry.field(description="Who receives the data, where recorded.")
    tia_date: dt.date | None = strawberry.field(description="Date of its transfer impact assessment, if recorded.")
    tia_outcome: str | None = strawberry.field(description="Outcome of the transfer impact assessment, if recorded.")
    activities: list[ProcessingActivity] = strawberry.field(description="Activities that make this transfer.")


@strawberry.type(description="An activity's lawful bases under GDPR and under India's DPDP Act, side by side.")
class CrossFrameworkRow:
    activity: ProcessingActivity = strawberry.field(description="The processing activity.")
    gdpr: list[LegalBasis] = strawberry.field(description="Its GDPR lawful bases.")
    dpdp: list[LegalBasis] = strawberry.field(description="Its DPDP Act bases (s.6 consent, s.7 legitimate uses).")
    missing_under: Framework | None = strawberry.field(  # type: ignore[valid-type]
        description="The framework under which it is not covered while the other covers it; null when both or "
        "neither do."
    )
