"""GraphQL input types generated from the domain dataclasses, so inputs and records cannot drift apart.

Every generated field takes its description from FIELD_DOCS (a test fails on an undocumented field).
Create inputs require what the record requires; update inputs make every field optional: a field left out
keeps its stored value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, Optional

import strawberry

from registry.graphql import base  # noqa: F401 - registers the domain enums with strawberry

FIELD_DOCS = {
    "slug": "Short unique name of the organisation (lowercase letters, digits, hyphens). Cannot change later.",
    "legal_name": "The organisation's name as its documents give it.",
    "description": "What it is, in plain words.",
    "country": "ISO 3166-1 alpha-2 country code.",
    "address": "Postal address.",
    "roles": "Roles the organisation takes (controller, processor, joint controller).",
    "frameworks": "Laws the organisation's documents invoke.",
    "contacts": "Published contacts.",
    "dpo": "Data protection officer, where one is named.",
    "representative": "EU representative (Art 27), where one is named.",
    "uk_representative": "Representative in the UK (UK GDPR Art 27), where the organisation is established outside "
                         "the UK and one is named.",
    "schedule1_condition": "UK only: the Data Protection Act 2018 Schedule 1 condition relied on for Art 9 or Art 10 "
                           "data, where one is needed (e.g. para 1, employment).",
    "minimum_age": "Minimum age of users, where stated.",
    "commitments": "Time-bound promises (rights responses, breach notices, notice of changes).",
    "subprocessor_notice_period": "ISO 8601 notice period before a new subprocessor takes effect, e.g. P30D.",
    "consent_withdrawal": "How people withdraw consent (Art 7(3)).",
    "documents": "Source documents the inventory comes from.",
    "organization": "Slug of the organisation the record belongs to.",
    "key": "Key unique within the organisation (lowercase letters, digits, hyphens; dotted for data categories). "
           "Cannot change later.",
    "name": "Name as the privacy team knows it.",
    "purpose": "What it is for (contacts), or the key of a purpose (purpose assignments).",
    "email": "Email address.",
    "phone": "Telephone number.",
    "url": "Web address.",
    "source": "Where in a source document the fact is stated.",
    "document": "Key of one of the organisation's source documents.",
    "section": "Section number or heading of the document.",
    "quote": "Short verbatim excerpt.",
    "age": "Age in years.",
    "kind": "Its kind.",
    "period": "ISO 8601 duration, e.g. P90D, P2Y, PT72H.",
    "business_days": "True when the period counts business days.",
    "stated_as": "The statement in the document's own words.",
    "title": "Title.",
    "effective_date": "Effective date (YYYY-MM-DD).",
    "file": "File name of the document.",
    "note": "Remarks.",
    "special_category": "The GDPR Art 9(1) special category, if any.",
    "criminal": "True for GDPR Art 10 criminal-offence data.",
    "ccpa": "CCPA category letter.",
    "children": "True when the category includes children.",
    "named": "True when the company is named; false for a category of provider.",
    "role": "Role (controller, processor, joint controller).",
    "services": "Services provided.",
    "countries": "ISO codes of the countries of processing.",
    "dpa": "Whether a data-processing agreement is on record.",
    "dpa_note": "What is known of the agreement.",
    "dpf_certification": "Where the EU-US Data Privacy Framework certification is recorded.",
    "origin": "ISO code of the country the data leaves.",
    "destination": "ISO code of the destination country.",
    "destination_note": "The destination in the document's words, where no country is named.",
    "recipient": "Key of the recipient.",
    "mechanism": "Transfer-mechanism code, e.g. scc-2021-module-2 (see `transferMechanisms`).",
    "occasional": "True for an occasional, non-systematic transfer.",
    "tia_date": "Date of the transfer impact assessment.",
    "tia_outcome": "Outcome of the transfer impact assessment.",
    "covers": "What the rule covers.",
    "data_categories": "Data-category keys (shared taxonomy or the organisation's own).",
    "trigger": "Event the period runs from, e.g. account closure.",
    "reason": "Why the data is kept that long.",
    "controller": "For a processor activity: the controller it acts for.",
    "subprocessor_authorisation": "For a processor activity: the controller's authorisation for subprocessors.",
    "art10_authority": "For criminal-offence data: the authority or law that authorises it.",
    "purposes": "Purposes, each with its lawful bases.",
    "lawful_bases": "Lawful bases, as FRAMEWORK:code (e.g. GDPR:contract).",
    "special_category_conditions": "GDPR Art 9(2) conditions (GDPR:art9-...).",
    "basis": "A lawful basis as FRAMEWORK:code, e.g. GDPR:legitimate-interests.",
    "balancing_test": "For legitimate interests: where the balancing test (LIA) is kept.",
    "withdrawal": "For consent: how it is withdrawn.",
    "data_subjects": "Keys of data-subject categories.",
    "recipients": "Keys of recipients.",
    "transfers": "Keys of transfers.",
    "retention_rules": "Keys of retention rules.",
    "security_measures": "Keys of security measures.",
    # Applicability, dated law, inferred facts and DPIA facts (issue 12).
    "roles_source": "Where the documents state the roles; marked as an inference where they do not.",
    "inference": "Set when the fact is inferred, not stated: why it was inferred. Leave empty for a stated fact.",
    "value": "True or false: whether the fact holds.",
    "detail": "The fact in plain words.",
    "applicability": "Per law (GDPR, UK GDPR, DPDP Act, CCPA): whether it applies, on which ground, from which "
                     "source. A law left out is undetermined.",
    "framework": "The law: GDPR, UK_GDPR, DPDP or CCPA.",
    "status": "APPLIES, DOES_NOT_APPLY or UNDETERMINED.",
    "ground": "The provision that makes the law apply, e.g. GDPR Art 3(1), GDPR Art 3(2)(a), DPDP Act s.3(a).",
    "subprocessor_objection": "How a controller can object to a new subprocessor (Art 28(2)), where stated.",
    "sells_personal_data": "Whether the organisation sells or rents personal data, as its documents state.",
    "vulnerable": "Whether these people are vulnerable (employees, patients, elderly, asylum seekers: WP248 "
                  "criterion 7).",
    "within_adequacy_scope": "For a partial adequacy decision (Canada, Japan, Korea): why the recipient falls "
                             "within its scope.",
    "consent_mechanism": "How the consent is obtained, as the document describes it, with its source.",
    "method": "OPT_IN (an affirmative act), OPT_OUT (pre-ticked or 'you may opt out') or POLICY_ACCEPTANCE "
              "(agreeing to a privacy policy or terms).",
    "due_diligence": "The assessment of the destination's laws and practices the organisation states it makes.",
    "controllers": "For a processor activity: each controller it acts for, with name and contact (Art 30(2)(a)).",
    "controller_contract": "For a processor activity: whether the Art 28(3) contract with the controller is in "
                           "place.",
    "scale": "How many people and how widely (WP248 criterion 5); empty until assessed.",
    "people": "Number of people concerned (or its order of magnitude).",
    "geographic_extent": "LOCAL, REGIONAL, NATIONAL or INTERNATIONAL.",
    "large_scale": "The controller's assessment whether the processing is large-scale.",
    "systematic_monitoring": "Whether people are systematically observed, monitored or controlled (WP248 "
                             "criterion 3).",
    "public_area_monitoring": "Whether a publicly accessible area is monitored (Art 35(3)(c)).",
    "evaluation_or_scoring": "Whether people are evaluated or scored, profiling included (WP248 criterion 1).",
    "automated_decisions": "Whether decisions with legal or similarly significant effect are made solely by "
                           "automated means (Art 22; WP248 criterion 2).",
    "innovative_technology": "Whether new technology or an innovative use is involved (WP248 criterion 8).",
    "matching_datasets": "Whether datasets from different purposes or controllers are matched or combined "
                         "(WP248 criterion 6).",
    "blocks_right_or_service": "Whether the processing can prevent people from exercising a right or using a "
                               "service or contract (WP248 criterion 9).",
    "ccpa_sensitive": "True when also sensitive personal information under CCPA 1798.140(ae).",
    "highly_personal": "True for data of a highly personal nature (financial, location, communications, "
                       "identity documents: WP248 criterion 4).",
    "terminal_storage": "True for information stored in or read from the person's device, such as a cookie "
                        "(ePrivacy Directive Art 5(3)).",
    "flags_inference": "Why a flag is inferred rather than given by the category's definition; empty where none is.",
    "hosted_by": "Key of the recipient (subprocessor) that hosts the system; null when hosted by the organisation "
                 "itself or not known.",
    "locations": "Codes of the countries (or international organisations) where the data is stored or processed "
                 "(see `countries`).",
    "owner": "Who answers for the system: department, person or role, contact.",
    "department": "The department (business function) responsible.",
    "person": "A person's name or a role, e.g. Head of IT.",
    "contact": "How to reach them: email, phone or address.",
    "systems": "Keys of the systems (applications, data stores) the activity uses.",
    "recipient_categories": "For each recipient of the activity: the data categories it receives.",
    "data_stewards": "The designated data stewards of the activity.",
    "data_sources": "Where the personal data comes from: the person, a named third party, or public sources.",
    "automated_decision_basis": "For automated decisions: the Art 22(2) ground and the safeguards (Art 22(3)).",
    "has_joint_controllers": "Whether another controller decides with the organisation why and how the data is "
                             "processed (Art 26); null where not assessed.",
    "joint_controllers": "The joint controllers, each with the essence of the arrangement (Art 26).",
    "document_links": "Where the documents that show accountability are kept (privacy notice, LIA, DPIA, processor "
                      "contract, record of consent, breach register, retention policy).",
    "retention_followed": "Whether the processing keeps to the retention policy; the detail says why not.",
    "last_review": "When the entry was last reviewed, and by whom.",
    "review_interval": "How often the entry is reviewed, as an ISO 8601 duration (default P12M, every 12 months).",
    "exception": "The Art 22(2) ground: contract, authorised by law, or explicit consent.",
    "safeguards": "Measures that protect the person (Art 22(3)): human intervention, expressing a view, contesting "
                  "the decision.",
    "responsibilities": "The essence of the arrangement: who does what (Art 26(1), (2)).",
    "location": "An absolute http(s) URL, or a registry reference written registry:<register>/<id>.",
    "date": "Date (YYYY-MM-DD).",
    "by": "Who: a person's name or a role.",
}
NOT_EDITABLE = ("version", "archived", "category_origin")
"""Fields no input sets: the writer's, and a category's origin (every category made through the API is an
organisation's own)."""
IMMUTABLE = ("organization", "key", "slug")


def _gql(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return Optional[_gql(inner)]  # noqa: UP045 - built at run time for strawberry
    if origin is list:
        return list[_gql(typing.get_args(tp)[0])]  # type: ignore[misc]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return make_input(tp)
    return tp


@cache
def make_input(cls: type, prefix: str = "", update: bool = False) -> type:
    """`{prefix}{Cls}Input`: create inputs keep required fields required; update inputs make all optional."""
    hints = typing.get_type_hints(cls)
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in NOT_EDITABLE or (update and f.name in IMMUTABLE):
            continue
        tp = _gql(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and not update:
            annotations[f.name] = tp
            namespace[f.name] = strawberry.field(description=FIELD_DOCS[f.name])
        else:
            annotations[f.name] = Optional[tp]  # noqa: UP045
            namespace[f.name] = strawberry.field(description=FIELD_DOCS[f.name], default=strawberry.UNSET)
    namespace["__annotations__"] = annotations
    doc = cls.__doc__ or cls.__name__
    name = f"{cls.__name__}ChangesInput" if update else f"{prefix}{cls.__name__}Input"
    what = "The changes to make; fields left out keep their value." if update else doc
    return strawberry.input(type(name, (), namespace), description=what)


def to_plain(value: Any) -> Any:
    """An input object as plain values, fields left out omitted."""
    if value is strawberry.UNSET:
        return strawberry.UNSET
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = to_plain(getattr(value, f.name))
            if v is not strawberry.UNSET:
                out[f.name] = v
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value

