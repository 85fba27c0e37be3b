"""The records of the register as dataclasses.

Organisation-scoped records are identified by the organisation's slug and a key unique within it; their `id`
is `slug/key`. Reference data is identified by its own natural key (a country code, a mechanism code,
`FRAMEWORK:code` for a lawful basis, the dotted key of a shared data category).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from registry.domain.durations import add_to
from registry.domain.enums import (
    AccessRole,
    Adequacy,
    Applicability,
    Art22Exception,
    CategoryOrigin,
    CcpaCategory,
    ChangeKind,
    CommitmentKind,
    ConsentMechanism,
    DataSourceKind,
    DestinationKind,
    DocumentKind,
    DocumentLinkKind,
    DpaStatus,
    Framework,
    GeographicExtent,
    MechanismKind,
    RecipientKind,
    Role,
    SpecialCategory,
    SubprocessorAuthorisation,
    SystemKind,
)


def scoped_id(organization: str, key: str) -> str:
    """The id of an organisation-scoped record."""
    return f"{organization}/{key}"



@dataclass(frozen=True, kw_only=True)
class Versioned:
    """What every record people edit carries: its version and whether it is archived. Keyword-only, so each
    record's own fields keep their positions."""

    version: int = 0
    """Incremented by every change; an update states the version it was based on."""
    archived: bool = False


@dataclass(frozen=True, kw_only=True)
class ScopedRecord(Versioned):
    """A record of one organisation, identified by the organisation's slug and a key unique within it."""

    organization: str
    key: str

    @property
    def id(self) -> str:
        return scoped_id(self.organization, self.key)

@dataclass(frozen=True)
class Source:
    """Where in a published document a fact was stated."""

    document: str
    section: str | None = None
    quote: str | None = None
    inference: str | None = None
    """Set when the fact is inferred rather than stated: why it was inferred. Null for a stated fact."""


@dataclass(frozen=True)
class ConsentEvidence:
    """How a consent is obtained, as the document describes it, with where it says so."""

    method: ConsentMechanism
    source: Source | None = None


@dataclass(frozen=True)
class Fact:
    """A yes/no fact about the processing, with where it is stated (or why it is inferred)."""

    value: bool
    detail: str | None = None
    source: Source | None = None


# --- reference data -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalBasis:
    """A lawful basis (or Art 9(2) condition) of one framework."""

    framework: Framework
    code: str
    article: str
    title: str
    description: str | None = None

    @property
    def id(self) -> str:
        return f"{self.framework.value}:{self.code}"


@dataclass(frozen=True)
class TransferMechanism:
    """A legal route for an international transfer (GDPR Chapter V, UK equivalents)."""

    code: str
    kind: MechanismKind
    article: str
    title: str
    description: str | None = None
    scc_module: int | None = None
    parties: list[Role] = field(default_factory=list)
    valid_until: dt.date | None = None

    @property
    def id(self) -> str:
        return self.code


@dataclass(frozen=True)
class Provision:
    """A provision of a law with the dates it applies: the law changes in the reference data, not in code."""

    framework: Framework
    key: str
    article: str
    title: str
    applies_from: dt.date | None = None
    applies_until: dt.date | None = None
    note: str | None = None

    def in_force(self, on: dt.date) -> bool:
        return (self.applies_from is None or self.applies_from <= on) and (
            self.applies_until is None or on <= self.applies_until)


@dataclass(frozen=True)
class Country:
    """A transfer destination (a country, territory or international organisation) with its EU adequacy
    decision: when it was adopted, when it expires, and the recipients it covers."""

    code: str
    name: str
    adequacy: Adequacy
    note: str | None = None
    """For a partial decision: which recipients it covers."""
    decision: str | None = None
    kind: DestinationKind = DestinationKind.COUNTRY
    adequacy_from: dt.date | None = None
    adequacy_until: dt.date | None = None
    certification_list: str | None = None
    """Where the decision covers only organisations on a list (the DPF List): a transfer on adequacy needs the
    recipient's entry on it recorded."""
    provisions: list[Provision] = field(default_factory=list)
    """Provisions of this country's data-protection law with the dates they apply (e.g. the DPDP Act's duties)."""

    def adequate_on(self, on: dt.date) -> bool:
        """True when an adequacy decision (full or partial) is in force on that date."""
        if self.adequacy not in (Adequacy.FULL, Adequacy.PARTIAL):
            return False
        return (self.adequacy_from is None or self.adequacy_from <= on) and (
            self.adequacy_until is None or on <= self.adequacy_until)

    @property
    def id(self) -> str:
        return self.code


@dataclass(frozen=True)
class DataCategory(Versioned):
    """A node of the data-category taxonomy; `organization` is set for an organisation's own categories."""

    key: str
    name: str
    description: str | None = None
    organization: str | None = None
    special_category: SpecialCategory | None = None
    criminal: bool = False
    ccpa: CcpaCategory | None = None
    ccpa_sensitive: bool = False
    """Also sensitive personal information under CCPA 1798.140(ae) (e.g. contents of messages, biometrics)."""
    highly_personal: bool = False
    """Data of a highly personal nature in the sense of WP248 criterion 4 (financial, location, communications,
    identity documents), beyond the Art 9 and Art 10 categories."""
    terminal_storage: bool = False
    """Information stored in or read from the person's device, such as a cookie: storing or reading it needs consent
    unless strictly necessary (ePrivacy Directive Art 5(3))."""
    flags_inference: str | None = None
    """Set where a flag is inferred rather than given by the category's definition (e.g. fideslang's biometric
    data, which Art 9(1) covers only when processed to identify a person uniquely): why."""
    source: Source | None = None
    category_origin: CategoryOrigin = CategoryOrigin.ORGANIZATION
    """fideslang's, the registry's extension, or an organisation's own (shared categories are never the last)."""

    @property
    def id(self) -> str:
        return scoped_id(self.organization, self.key) if self.organization else self.key

    @property
    def parent_key(self) -> str | None:
        head, dot, _ = self.key.rpartition(".")
        return head if dot else None


# --- the organisation and its inventory ----------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A way to reach the organisation for a stated purpose."""

    purpose: str
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Person:
    """A named person or office (DPO, representative)."""

    name: str | None = None
    email: str | None = None
    address: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class AgeLimit:
    """The minimum age a service states for its users."""

    age: int
    source: Source | None = None


@dataclass(frozen=True)
class Commitment:
    """A time-bound promise made in a policy (rights response, breach notice, ...)."""

    kind: CommitmentKind
    description: str
    period: str | None = None
    business_days: bool = False
    stated_as: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Statement:
    """Something the organisation states, with where it states it."""

    description: str
    source: Source | None = None


@dataclass(frozen=True)
class SourceDocument:
    """A published document an inventory was translated from."""

    key: str
    title: str
    kind: DocumentKind = DocumentKind.PRIVACY_POLICY
    effective_date: dt.date | None = None
    file: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FrameworkApplicability:
    """Whether a law applies to the organisation, on which ground, and where that is established."""

    framework: Framework
    status: Applicability
    ground: str | None = None
    """The provision that makes the law apply, e.g. "GDPR Art 3(1)", "GDPR Art 3(2)(a)", "DPDP Act s.3(a)"."""
    note: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Organization(Versioned):
    """The controller or processor whose register this is."""

    slug: str
    legal_name: str
    description: str | None = None
    country: str | None = None
    address: str | None = None
    roles: list[Role] = field(default_factory=list)
    roles_source: Source | None = None
    """Where the documents state the roles (or, marked as an inference, why they are inferred)."""
    frameworks: list[Framework] = field(default_factory=list)
    applicability: list[FrameworkApplicability] = field(default_factory=list)
    """The recorded decision, per law, whether it applies; a law without a decision is undetermined."""
    contacts: list[Contact] = field(default_factory=list)
    dpo: Person | None = None
    representative: Person | None = None
    uk_representative: Person | None = None
    """The representative in the UK (UK GDPR Art 27), for a controller established outside the UK."""
    minimum_age: AgeLimit | None = None
    commitments: list[Commitment] = field(default_factory=list)
    subprocessor_notice_period: str | None = None
    subprocessor_objection: Statement | None = None
    """How a controller objects to a new subprocessor under a general authorisation (GDPR Art 28(2))."""
    sells_personal_data: Fact | None = None
    """Whether the organisation sells (or rents) personal data, as its documents state (CCPA 1798.120)."""
    consent_withdrawal: Statement | None = None
    """How people withdraw consent (GDPR Art 7(3)), where the organisation states it."""
    documents: list[SourceDocument] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.slug


@dataclass(frozen=True)
class DataSubjectCategory(ScopedRecord):
    """A category of people whose data is processed."""

    organization: str
    key: str
    name: str
    description: str | None = None
    children: bool = False
    """True when the category includes children (under 18 for the DPDP Act, under 16 by default in GDPR Art 8)."""
    vulnerable: Fact | None = None
    """Whether these people are vulnerable in the sense of WP248 criterion 7 (employees, patients, the elderly,
    asylum seekers: an imbalance of power); null where not assessed."""
    source: Source | None = None


@dataclass(frozen=True)
class Purpose(ScopedRecord):
    """A purpose of processing."""

    organization: str
    key: str
    name: str
    description: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Recipient(ScopedRecord):
    """A subprocessor, service provider or other recipient of personal data."""

    organization: str
    key: str
    name: str
    named: bool = False
    kind: RecipientKind = RecipientKind.THIRD_PARTY
    role: Role | None = None
    services: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    dpa: DpaStatus = DpaStatus.NOT_STATED
    dpa_note: str | None = None
    dpf_certification: str | None = None
    """Where the recipient's EU-US Data Privacy Framework certification is recorded (e.g. its DPF list entry)."""
    source: Source | None = None

    @property
    def is_processor(self) -> bool:
        """Subprocessors and service providers act on the organisation's behalf."""
        return self.role == Role.PROCESSOR or self.kind in (
            RecipientKind.SUBPROCESSOR,
            RecipientKind.SERVICE_PROVIDER,
        )


@dataclass(frozen=True)
class Transfer(ScopedRecord):
    """A transfer of personal data to another country."""

    organization: str
    key: str
    origin: str | None = None
    destination: str | None = None
    destination_note: str | None = None
    recipient: str | None = None
    mechanism: str | None = None
    stated_as: str | None = None
    within_adequacy_scope: str | None = None
    """For a partial adequacy decision (Canada, Japan, Korea): why the recipient falls within its scope."""
    consent_mechanism: ConsentEvidence | None = None
    """For the Art 49(1)(a) derogation: how the consent is obtained, as the document describes it."""
    due_diligence: Statement | None = None
    """An assessment of the destination the organisation states it makes (e.g. of its laws)."""
    occasional: bool = False
    """True for an occasional, non-systematic transfer: the only kind an Art 49 derogation can carry."""
    tia_date: dt.date | None = None
    tia_outcome: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class RetentionRule(ScopedRecord):
    """How long some data is kept, from which event, and why."""

    organization: str
    key: str
    covers: str
    data_categories: list[str] = field(default_factory=list)
    period: str | None = None
    trigger: str | None = None
    reason: str | None = None
    stated_as: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class SecurityMeasure(ScopedRecord):
    """A technical or organisational measure (GDPR Art 32(1))."""

    organization: str
    key: str
    description: str
    source: Source | None = None


@dataclass(frozen=True)
class Owner:
    """Who answers for a system: the department, a person or role, and how to reach them."""

    department: str | None = None
    person: str | None = None
    """A person's name or a role, e.g. "Head of IT"."""
    contact: str | None = None


@dataclass(frozen=True)
class System(ScopedRecord):
    """An application or data store that holds personal data: where the data lives, who hosts it, and where."""

    organization: str
    key: str
    name: str
    description: str | None = None
    kind: SystemKind = SystemKind.OTHER
    hosted_by: str | None = None
    """Key of the recipient (a subprocessor) that hosts it; null when the organisation hosts it itself or it is
    not known."""
    locations: list[str] = field(default_factory=list)
    """Codes of the countries (or international organisations) where the data is stored or processed."""
    data_categories: list[str] = field(default_factory=list)
    owner: Owner | None = None
    security_measures: list[str] = field(default_factory=list)
    source: Source | None = None


@dataclass(frozen=True)
class BasisAssignment:
    """A lawful basis (or Art 9(2) condition) relied on for a purpose, as the document states it."""

    basis: str
    stated_as: str | None = None
    balancing_test: str | None = None
    """For legitimate interests: where the balancing test (LIA) is kept."""
    withdrawal: str | None = None
    """For consent: how it is withdrawn, where it differs from the organisation's general statement."""
    consent_mechanism: ConsentEvidence | None = None
    """For consent: how it is obtained, as the document describes it (opt-in, opt-out, acceptance of a policy)."""
    source: Source | None = None


@dataclass(frozen=True)
class PurposeAssignment:
    """A purpose of a processing activity, with the lawful bases that cover it."""

    purpose: str
    lawful_bases: list[BasisAssignment] = field(default_factory=list)
    special_category_conditions: list[BasisAssignment] = field(default_factory=list)


@dataclass(frozen=True)
class Scale:
    """How many people and how widely: the WP248 factors for large-scale processing."""

    people: int | None = None
    """Number of data subjects (or an order of magnitude)."""
    geographic_extent: GeographicExtent | None = None
    large_scale: bool | None = None
    """The controller's assessment whether the processing is large-scale (WP248; Art 35(3)(b), (c))."""
    source: Source | None = None


@dataclass(frozen=True)
class RecipientShare:
    """Which categories of personal data one recipient of an activity receives."""

    recipient: str
    data_categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DataSource:
    """Where the personal data of an activity comes from (Art 14(2)(f)): the person, a named third party, or
    publicly available sources."""

    kind: DataSourceKind
    name: str | None = None
    """For a third party: who it is."""
    description: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class AutomatedDecisionBasis:
    """The footing of solely automated decision-making with legal or similarly significant effect (Art 22)."""

    exception: Art22Exception | None = None
    """The Art 22(2) ground that allows it."""
    safeguards: list[str] = field(default_factory=list)
    """Measures that protect the person (Art 22(3)): human intervention, expressing a view, contesting it."""
    source: Source | None = None


@dataclass(frozen=True)
class JointController:
    """A controller that decides with the organisation why and how an activity's data is processed (Art 26)."""

    name: str
    contact: str | None = None
    responsibilities: str | None = None
    """The essence of the arrangement: who does what (Art 26(1), 26(2))."""
    source: Source | None = None


@dataclass(frozen=True)
class DocumentLink:
    """Where a document that shows accountability is kept: an absolute http(s) URL or a `registry:` reference."""

    kind: DocumentLinkKind
    location: str
    title: str | None = None


@dataclass(frozen=True)
class Review:
    """When the entry was last reviewed, and by whom."""

    date: dt.date
    by: str


DEFAULT_REVIEW_INTERVAL = "P12M"


@dataclass(frozen=True)
class ProcessingActivity(ScopedRecord):
    """An entry of the record of processing activities (GDPR Art 30)."""

    organization: str
    key: str
    name: str
    role: Role
    description: str | None = None
    controller: str | None = None
    subprocessor_authorisation: SubprocessorAuthorisation | None = None
    art10_authority: str | None = None
    """For criminal-offence data: the official authority or law that authorises it (GDPR Art 10)."""
    controllers: list[Person] = field(default_factory=list)
    """For a processor activity: each controller it acts for, with name and contact details (Art 30(2)(a))."""
    controller_contract: Fact | None = None
    """For a processor activity: whether the Art 28(3) contract with the controller is in place."""
    # Facts for DPIA screening (WP248 rev.01, Art 35(3)) and accountability; null where not yet assessed.
    scale: Scale | None = None
    systematic_monitoring: Fact | None = None
    public_area_monitoring: Fact | None = None
    evaluation_or_scoring: Fact | None = None
    automated_decisions: Fact | None = None
    """Decisions based solely on automated processing with legal or similarly significant effect (Art 22)."""
    innovative_technology: Fact | None = None
    matching_datasets: Fact | None = None
    blocks_right_or_service: Fact | None = None
    purposes: list[PurposeAssignment] = field(default_factory=list)
    data_categories: list[str] = field(default_factory=list)
    data_subjects: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)
    retention_rules: list[str] = field(default_factory=list)
    security_measures: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    """Keys of the systems (applications, data stores) the activity uses."""
    recipient_categories: list[RecipientShare] = field(default_factory=list)
    """For each recipient: the categories of personal data it receives."""
    # Accountability (Art 5(2), 24): who answers for the entry, where the data comes from, and the proof.
    department: str | None = None
    data_stewards: list[Person] = field(default_factory=list)
    data_sources: list[DataSource] = field(default_factory=list)
    automated_decision_basis: AutomatedDecisionBasis | None = None
    schedule1_condition: str | None = None
    """UK: the Data Protection Act 2018 Schedule 1 condition relied on for Art 9 or Art 10 data, where one is
    needed."""
    has_joint_controllers: bool | None = None
    """Whether others decide with the organisation why and how; null where not assessed."""
    joint_controllers: list[JointController] = field(default_factory=list)
    document_links: list[DocumentLink] = field(default_factory=list)
    retention_followed: Fact | None = None
    """Whether the processing keeps to the retention policy; the detail says why not, where it does not."""
    last_review: Review | None = None
    review_interval: str = DEFAULT_REVIEW_INTERVAL
    """How often the entry is reviewed, as an ISO 8601 duration (default every 12 months)."""
    source: Source | None = None

    def links(self, kind: DocumentLinkKind) -> list[DocumentLink]:
        """The document links of one kind."""
        return [d for d in self.document_links if d.kind == kind]

    def review_due(self) -> dt.date | None:
        """When the next review is due: the last review plus the review interval; None when no review is recorded
        (or the date would fall beyond the calendar)."""
        if self.last_review is None:
            return None
        try:
            return add_to(dt.datetime.combine(self.last_review.date, dt.time()), self.review_interval).date()
        except (ValueError, OverflowError):
            return None


@dataclass(frozen=True)
class SubprocessorChange:
    """A notice of a subprocessor added, changed or removed, effective after the organisation's notice period."""

    organization: str
    recipient: str
    name: str
    change: ChangeKind
    announced: dt.datetime
    effective: dt.datetime
    summary: str

    @property
    def id(self) -> str:
        return scoped_id(self.organization, f"{self.recipient}@{self.announced.strftime('%Y%m%dT%H%M%S%fZ')}")


@dataclass(frozen=True)
class ApiToken:
    """An API token: only a hash of its secret is stored; the token itself is shown once, at creation."""

    key: str
    name: str
    role: AccessRole
    secret_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def id(self) -> str:
        return self.key
