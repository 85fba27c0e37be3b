"""The domain's closed vocabularies as GraphQL enums, every value described in the privacy team's words."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

VALUES: dict[str, dict[str, str]] = {
    "Role": {
        "CONTROLLER": "Decides why and how the data is processed (Art 4(7)).",
        "PROCESSOR": "Processes the data on a controller's behalf and instructions (Art 4(8)).",
        "JOINT_CONTROLLER": "Decides why and how together with another controller (Art 26).",
    },
    "Framework": {
        "GDPR": "The EU General Data Protection Regulation (EU) 2016/679.",
        "UK_GDPR": "The UK GDPR with the Data Protection Act 2018.",
        "DPDP": "India's Digital Personal Data Protection Act 2023.",
        "CCPA": "The California Consumer Privacy Act as amended by the CPRA.",
    },
    "Adequacy": {
        "EEA": "Inside the European Economic Area: no Chapter V transfer.",
        "FULL": "An adequacy decision (Art 45) covers every recipient there.",
        "PARTIAL": "An adequacy decision covers only some recipients there (see the country's note).",
        "NONE": "No adequacy decision: a transfer needs an Art 46 safeguard or an Art 49 derogation.",
    },
    "MechanismKind": {
        "ADEQUACY": "An adequacy decision (Art 45).",
        "SAFEGUARD": "An appropriate safeguard (Art 46), binding corporate rules (Art 47) included.",
        "DEROGATION": "A derogation for a specific situation (Art 49): occasional transfers only.",
    },
    "SpecialCategory": {
        "RACIAL_OR_ETHNIC_ORIGIN": "Racial or ethnic origin.",
        "POLITICAL_OPINIONS": "Political opinions.",
        "RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS": "Religious or philosophical beliefs.",
        "TRADE_UNION_MEMBERSHIP": "Trade-union membership.",
        "GENETIC_DATA": "Genetic data.",
        "BIOMETRIC_DATA": "Biometric data processed to identify a person uniquely.",
        "HEALTH": "Data concerning health.",
        "SEX_LIFE_OR_SEXUAL_ORIENTATION": "Data concerning a person's sex life or sexual orientation.",
    },
    "CategoryOrigin": {
        "FIDESLANG": "fideslang's own category: key, name and description from the fideslang taxonomy.",
        "REGISTRY": "An extension of the shared taxonomy the registry adds where fideslang has no category.",
        "ORGANIZATION": "An organisation's own category, under a shared one.",
    },
    "CcpaCategory": {
        "A": "Identifiers (name, alias, postal address, online identifier, IP address, email, account name, ...).",
        "B": "Customer records under 1798.80(e) (signature, telephone number, bank or card numbers, ...).",
        "C": "Characteristics of protected classifications.",
        "D": "Commercial information (products or services purchased, obtained or considered).",
        "E": "Biometric information.",
        "F": "Internet or other network activity (browsing, search, interaction with a site or app).",
        "G": "Geolocation data.",
        "H": "Audio, electronic, visual, thermal, olfactory or similar information.",
        "I": "Professional or employment-related information.",
        "J": "Non-public education information.",
        "K": "Inferences drawn to create a profile.",
        "L": "Sensitive personal information (1798.140(ae)).",
    },
    "RecipientKind": {
        "SUBPROCESSOR": "A processor engaged to process the data on the organisation's behalf.",
        "SERVICE_PROVIDER": "A provider of services that receives data for them (CCPA service provider).",
        "PUBLIC_AUTHORITY": "A public authority, court or regulator.",
        "ACQUIRER": "A buyer or successor in a merger, acquisition or sale of assets.",
        "THIRD_PARTY": "Any other third party.",
        "AFFILIATE": "A company of the same group.",
    },
    "DpaStatus": {
        "SIGNED": "A signed data-processing agreement is on record.",
        "STATED": "The policy says a contract binds the recipient; no agreement is on record.",
        "NOT_STATED": "Nothing is known of an agreement.",
    },
    "SubprocessorAuthorisation": {
        "GENERAL": "General written authorisation: the controller is told of changes and may object.",
        "SPECIFIC": "Specific written authorisation for each subprocessor.",
    },
    "CommitmentKind": {
        "RIGHTS_RESPONSE": "How soon requests to exercise rights are answered.",
        "BREACH_NOTIFICATION": "How soon a personal-data breach is notified.",
        "BREACH_NOTICE_TO_CONTROLLER": "A processor's promise to tell its controller of a breach (Art 33(2)).",
        "POLICY_CHANGE_NOTICE": "How much notice is given of changes to the policy.",
        "DELETION": "How soon data is deleted once that is due.",
        "OTHER": "Another time-bound promise.",
    },
    "DocumentKind": {
        "PRIVACY_POLICY": "A privacy policy or notice.",
        "REFUND_POLICY": "A refund policy.",
        "COOKIE_POLICY": "A cookie policy.",
        "TERMS": "Terms of service or use.",
        "DPA": "A data-processing agreement.",
        "OTHER": "Another published document.",
    },
    "SystemKind": {
        "DATABASE": "A database the organisation runs or rents.",
        "SAAS_APPLICATION": "An application used as a service from a provider (CRM, helpdesk, payroll, ...).",
        "INTERNAL_APPLICATION": "An application the organisation builds or runs itself.",
        "FILE_STORE": "A file share, document store or object storage.",
        "DATA_WAREHOUSE": "A data warehouse or analytics store.",
        "BACKUP": "Backups and archives.",
        "EMAIL": "Email and messaging.",
        "PAPER_RECORDS": "Paper files.",
        "OTHER": "Another kind of system.",
    },
    "DataSourceKind": {
        "DATA_SUBJECT": "Collected from the person themselves (Art 13).",
        "THIRD_PARTY": "Obtained from a named third party (Art 14).",
        "PUBLICLY_AVAILABLE": "From publicly accessible sources (Art 14(2)(f)).",
    },
    "Art22Exception": {
        "CONTRACT": "Necessary for entering into or performing a contract with the person (Art 22(2)(a)).",
        "AUTHORISED_BY_LAW": "Authorised by Union or Member State law with suitable safeguards (Art 22(2)(b)).",
        "EXPLICIT_CONSENT": "Based on the person's explicit consent (Art 22(2)(c)).",
    },
    "DocumentLinkKind": {
        "PRIVACY_POLICY": "The privacy policy that applies to the activity.",
        "PRIVACY_NOTICE": "A privacy notice specific to this processing (Art 13, 14).",
        "LIA": "The legitimate interests assessment (balancing test) for Art 6(1)(f).",
        "DPIA": "The data protection impact assessment (Art 35).",
        "OTHER_IMPACT_ASSESSMENT": "Another impact assessment, e.g. a transfer impact assessment.",
        "PROCESSOR_CONTRACT": "The contract with a processor (Art 28(3)).",
        "CONSENT_RECORD": "The record of consents given (Art 7(1)).",
        "BREACH_REGISTER": "The register of personal-data breaches (Art 33(5)).",
        "RETENTION_POLICY": "The retention and erasure policy.",
        "JOINT_CONTROLLER_ARRANGEMENT": "The arrangement between joint controllers (Art 26).",
    },
    "RopaTemplateName": {
        "UK_ICO": "The UK Information Commissioner's Office documentation template (42 questions).",
        "IE_DPC": "Ireland's Data Protection Commission model record (41 questions).",
        "FR_CNIL": "France's CNIL registre des activités de traitement (38 questions, French terms first).",
    },
    "AnswerStatus": {
        "ANSWERED": "The register answers the question in full.",
        "PARTIAL": "The register holds part of the answer; the answer says what is missing.",
        "NOT_RECORDED": "The register is silent: nothing is recorded for the question.",
        "NOT_APPLICABLE": "The register knows the question's condition is false (e.g. the activity says it has no "
                          "joint controller, or no recorded basis is consent).",
    },
    "Severity": {
        "HIGH": "A likely breach of the law: act now.",
        "MEDIUM": "A gap that leaves the record or a safeguard incomplete.",
        "LOW": "A weakness worth fixing when the entry is next reviewed.",
        "INFO": "For information: nothing to fix, something to know.",
    },
    "Operation": {
        "CREATE": "The record was created.",
        "UPDATE": "Fields of the record changed.",
        "ARCHIVE": "The record was archived (soft-deleted).",
        "RESTORE": "An archived record was brought back.",
    },
    "AccessRole": {
        "VIEWER": "May read everything.",
        "EDITOR": "May also create, change, archive and link records.",
        "ADMIN": "May also create, list and revoke API tokens.",
    },
    "Verdict": {
        "REQUIRED": "A DPIA is required: an Art 35(3) case applies.",
        "LIKELY_REQUIRED": "A DPIA is likely required: two or more WP248 criteria are met.",
        "UNDETERMINED": "Not yet decidable: criteria still unknown could require a DPIA; answer their questions.",
        "NOT_INDICATED": "The screening indicates no DPIA on the facts recorded.",
    },
    "Status": {
        "MET": "The recorded facts meet the criterion.",
        "NOT_MET": "The recorded facts show the criterion is not met.",
        "UNKNOWN": "The register does not record the fact yet: answer the criterion's question.",
    },
    "Applicability": {
        "APPLIES": "The law applies to the organisation, on the recorded ground.",
        "DOES_NOT_APPLY": "The law does not apply to the organisation: its rules are not run.",
        "UNDETERMINED": "Not yet decided: its rules are not run, and one finding asks the question.",
    },
    "DestinationKind": {
        "COUNTRY": "A country or territory.",
        "INTERNATIONAL_ORGANISATION": "An international organisation (GDPR Art 4(26), Art 44-46).",
    },
    "ConsentMechanism": {
        "OPT_IN": "An affirmative act of the person: the only valid consent (Art 4(11)).",
        "OPT_OUT": "Pre-ticked or 'you may opt out': not valid consent (CJEU C-673/17 Planet49).",
        "POLICY_ACCEPTANCE": "Agreeing to a privacy policy or terms: not specific, informed consent.",
    },
    "GeographicExtent": {
        "LOCAL": "One town or site.",
        "REGIONAL": "A region within one country.",
        "NATIONAL": "One whole country.",
        "INTERNATIONAL": "Several countries.",
    },
    "DataMapNodeKind": {
        "ORGANIZATION": "The organisation itself, as exporter of transfers that name no recipient.",
        "ACTIVITY": "A processing activity.",
        "RECIPIENT": "A recipient the activities share personal data with (a subprocessor, a third party, ...).",
        "DESTINATION": "A country, territory or international organisation data is transferred to.",
    },
    "DataMapEdgeKind": {
        "SHARES_WITH": "An activity discloses personal data to a recipient.",
        "TRANSFERS_TO": "A transfer to a destination: one edge per transfer record, with its footing.",
    },
    "TransferFooting": {
        "ADEQUATE": "The destination is in the EEA, or an adequacy decision in force covers it (Art 45).",
        "SAFEGUARDED": "An Art 46 or 47 safeguard: SCCs, BCRs, a code of conduct, a certification, ...",
        "DEROGATION": "An Art 49 derogation: acceptable only for occasional transfers.",
        "MISSING": "No mechanism recorded, an unknown or expired one, or adequacy relied on where no decision "
                   "is in force.",
    },
}
"""Each GraphQL enum's values, described. A value without a description here stops the schema from building."""


def expose(cls: type[Enum], description: str, name: str | None = None) -> Any:
    """`cls` as a GraphQL enum with `description`, each value described from VALUES."""
    gql_name = name or cls.__name__
    exposed = strawberry.enum(cls, name=name, description=description)
    docs = VALUES.get(gql_name, {})
    for value in exposed.__strawberry_definition__.values:  # type: ignore[attr-defined]
        if value.name not in docs:
            raise LookupError(f"GraphQL enum value {gql_name}.{value.name} has no description in "
                              "registry/graphql/enums.py")
        value.description = docs[value.name]
    return exposed
