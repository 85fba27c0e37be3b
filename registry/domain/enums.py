"""Closed vocabularies of the register, in the privacy team's words."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    """The role an organisation takes for a processing activity (GDPR Art 4(7), 4(8), 26)."""

    CONTROLLER = "CONTROLLER"
    PROCESSOR = "PROCESSOR"
    JOINT_CONTROLLER = "JOINT_CONTROLLER"


class Framework(str, Enum):
    """A data-protection law the register knows: the EU GDPR, the UK GDPR, India's DPDP Act 2023, the CCPA/CPRA."""

    GDPR = "GDPR"
    UK_GDPR = "UK_GDPR"
    DPDP = "DPDP"
    CCPA = "CCPA"


class Applicability(str, Enum):
    """Whether a law applies to an organisation: a decision recorded with its ground, not assumed."""

    APPLIES = "APPLIES"
    DOES_NOT_APPLY = "DOES_NOT_APPLY"
    UNDETERMINED = "UNDETERMINED"


class DestinationKind(str, Enum):
    """What a transfer destination is: a country or territory, or an international organisation (GDPR Art 44)."""

    COUNTRY = "COUNTRY"
    INTERNATIONAL_ORGANISATION = "INTERNATIONAL_ORGANISATION"


class ConsentMechanism(str, Enum):
    """How the consent a document relies on is obtained: only OPT_IN is an affirmative act (GDPR Art 4(11);
    CJEU C-673/17 Planet49); OPT_OUT (pre-ticked, "you may opt out") and POLICY_ACCEPTANCE (agreeing to a
    privacy policy or terms) are not."""

    OPT_IN = "OPT_IN"
    OPT_OUT = "OPT_OUT"
    POLICY_ACCEPTANCE = "POLICY_ACCEPTANCE"


class GeographicExtent(str, Enum):
    """How widely an activity reaches (one of the WP248 factors for large scale)."""

    LOCAL = "LOCAL"
    REGIONAL = "REGIONAL"
    NATIONAL = "NATIONAL"
    INTERNATIONAL = "INTERNATIONAL"


class Adequacy(str, Enum):
    """A country's status for transfers out of the EU under GDPR Chapter V."""

    EEA = "EEA"
    FULL = "FULL"
    PARTIAL = "PARTIAL"
    NONE = "NONE"


class MechanismKind(str, Enum):
    """Which Chapter V route a transfer mechanism is."""

    ADEQUACY = "ADEQUACY"
    SAFEGUARD = "SAFEGUARD"
    DEROGATION = "DEROGATION"


class SpecialCategory(str, Enum):
    """The special categories of personal data of GDPR Art 9(1)."""

    RACIAL_OR_ETHNIC_ORIGIN = "RACIAL_OR_ETHNIC_ORIGIN"
    POLITICAL_OPINIONS = "POLITICAL_OPINIONS"
    RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS = "RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS"
    TRADE_UNION_MEMBERSHIP = "TRADE_UNION_MEMBERSHIP"
    GENETIC_DATA = "GENETIC_DATA"
    BIOMETRIC_DATA = "BIOMETRIC_DATA"
    HEALTH = "HEALTH"
    SEX_LIFE_OR_SEXUAL_ORIENTATION = "SEX_LIFE_OR_SEXUAL_ORIENTATION"


class CategoryOrigin(str, Enum):
    """Who defines a data category."""

    FIDESLANG = "FIDESLANG"
    """fideslang's own taxonomy: its key, name and description, read from the `fideslang` package."""
    REGISTRY = "REGISTRY"
    """An extension of the shared taxonomy the registry adds where fideslang has no category."""
    ORGANIZATION = "ORGANIZATION"
    """An organisation's own category, under a shared one."""


class CcpaCategory(str, Enum):
    """CCPA/CPRA personal-information categories, Cal. Civ. Code 1798.140(v)(1)(A)-(L)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 - the statute's own letter
    J = "J"
    K = "K"
    L = "L"


class RecipientKind(str, Enum):
    """What kind of recipient of personal data a record describes."""

    SUBPROCESSOR = "SUBPROCESSOR"
    SERVICE_PROVIDER = "SERVICE_PROVIDER"
    PUBLIC_AUTHORITY = "PUBLIC_AUTHORITY"
    ACQUIRER = "ACQUIRER"
    THIRD_PARTY = "THIRD_PARTY"
    AFFILIATE = "AFFILIATE"


class DpaStatus(str, Enum):
    """Whether a data-processing agreement (or equivalent contract) with a recipient is on record."""

    STATED = "STATED"
    SIGNED = "SIGNED"
    NOT_STATED = "NOT_STATED"


class SubprocessorAuthorisation(str, Enum):
    """The controller's written authorisation for engaging subprocessors, GDPR Art 28(2)."""

    GENERAL = "GENERAL"
    SPECIFIC = "SPECIFIC"


class CommitmentKind(str, Enum):
    """A time-bound promise a policy makes."""

    RIGHTS_RESPONSE = "RIGHTS_RESPONSE"
    BREACH_NOTIFICATION = "BREACH_NOTIFICATION"
    BREACH_NOTICE_TO_CONTROLLER = "BREACH_NOTICE_TO_CONTROLLER"
    """A processor's promise to tell its controller of a breach (GDPR Art 33(2))."""
    POLICY_CHANGE_NOTICE = "POLICY_CHANGE_NOTICE"
    DELETION = "DELETION"
    OTHER = "OTHER"


class DocumentKind(str, Enum):
    """The kind of published document an inventory was translated from."""

    PRIVACY_POLICY = "PRIVACY_POLICY"
    REFUND_POLICY = "REFUND_POLICY"
    COOKIE_POLICY = "COOKIE_POLICY"
    TERMS = "TERMS"
    DPA = "DPA"
    OTHER = "OTHER"


class SystemKind(str, Enum):
    """What kind of application or data store a system is."""

    DATABASE = "DATABASE"
    SAAS_APPLICATION = "SAAS_APPLICATION"
    INTERNAL_APPLICATION = "INTERNAL_APPLICATION"
    FILE_STORE = "FILE_STORE"
    DATA_WAREHOUSE = "DATA_WAREHOUSE"
    BACKUP = "BACKUP"
    EMAIL = "EMAIL"
    PAPER_RECORDS = "PAPER_RECORDS"
    OTHER = "OTHER"


class DataSourceKind(str, Enum):
    """Where personal data comes from (GDPR Art 13, 14(2)(f))."""

    DATA_SUBJECT = "DATA_SUBJECT"
    THIRD_PARTY = "THIRD_PARTY"
    PUBLICLY_AVAILABLE = "PUBLICLY_AVAILABLE"


class Art22Exception(str, Enum):
    """The ground on which a solely automated decision with legal or similarly significant effect is allowed,
    GDPR Art 22(2)."""

    CONTRACT = "CONTRACT"
    AUTHORISED_BY_LAW = "AUTHORISED_BY_LAW"
    EXPLICIT_CONSENT = "EXPLICIT_CONSENT"


class DocumentLinkKind(str, Enum):
    """A document that shows accountability (GDPR Art 5(2)) for a processing activity."""

    PRIVACY_POLICY = "PRIVACY_POLICY"
    PRIVACY_NOTICE = "PRIVACY_NOTICE"
    LIA = "LIA"
    DPIA = "DPIA"
    OTHER_IMPACT_ASSESSMENT = "OTHER_IMPACT_ASSESSMENT"
    PROCESSOR_CONTRACT = "PROCESSOR_CONTRACT"
    CONSENT_RECORD = "CONSENT_RECORD"
    BREACH_REGISTER = "BREACH_REGISTER"
    RETENTION_POLICY = "RETENTION_POLICY"
    JOINT_CONTROLLER_ARRANGEMENT = "JOINT_CONTROLLER_ARRANGEMENT"


class Severity(str, Enum):
    """How serious a finding is, most serious first."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        return ["INFO", "LOW", "MEDIUM", "HIGH"].index(self.value)


class ChangeKind(str, Enum):
    """What happened to a subprocessor."""

    ADDED = "ADDED"
    CHANGED = "CHANGED"
    REMOVED = "REMOVED"


class AccessRole(str, Enum):
    """What an API token may do: VIEWER reads; EDITOR also changes the register; ADMIN also manages tokens."""

    VIEWER = "VIEWER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"

    def allows(self, needed: AccessRole) -> bool:
        order = ["VIEWER", "EDITOR", "ADMIN"]
        return order.index(self.value) >= order.index(needed.value)
