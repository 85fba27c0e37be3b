"""An organisation's whole inventory: the unit that is seeded, imported and exported."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.domain.models import (
    Country,
    DataCategory,
    DataSubjectCategory,
    LegalBasis,
    Organization,
    ProcessingActivity,
    Purpose,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Transfer,
    TransferMechanism,
)


@dataclass(frozen=True)
class Inventory:
    """One organisation with every record of its register."""

    organization: Organization
    data_categories: list[DataCategory] = field(default_factory=list)
    data_subjects: list[DataSubjectCategory] = field(default_factory=list)
    purposes: list[Purpose] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    retention_rules: list[RetentionRule] = field(default_factory=list)
    security_measures: list[SecurityMeasure] = field(default_factory=list)
    processing_activities: list[ProcessingActivity] = field(default_factory=list)


@dataclass(frozen=True)
class ReferenceData:
    """The shared reference data every inventory refers to."""

    legal_bases: list[LegalBasis] = field(default_factory=list)
    transfer_mechanisms: list[TransferMechanism] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    data_categories: list[DataCategory] = field(default_factory=list)


# The records an inventory lists, by the collection (and Inventory field) that holds them, in the order they
# are written: what a record refers to comes before it.
SCOPED_RECORDS: dict[str, type] = {
    "data_subjects": DataSubjectCategory,
    "purposes": Purpose,
    "recipients": Recipient,
    "transfers": Transfer,
    "retention_rules": RetentionRule,
    "security_measures": SecurityMeasure,
    "processing_activities": ProcessingActivity,
}
EDITABLE_RECORDS: dict[str, type] = {"organizations": Organization, "data_categories": DataCategory,
                                     **SCOPED_RECORDS}
