"""Rules on which law applies, lawful bases, consent, children and how to reach the organisation."""

from __future__ import annotations

from collections.abc import Iterator

from registry.domain import models as m
from registry.domain.enums import Applicability, ConsentMechanism, Framework, Role
from registry.services.rulebook import (
    GDPR_LIKE,
    Governing,
    H,
    Hit,
    L,
    M,
    Register,
    activity,
    organization,
    rule,
)

QUESTIONS = {
    Framework.GDPR: "Record whether it has an establishment in the EU in whose context the data is processed "
                    "(GDPR Art 3(1)), offers goods or services to people in the EU (Art 3(2)(a)), or monitors "
                    "their behaviour in the EU (Art 3(2)(b)).",
    Framework.UK_GDPR: "Record whether it has an establishment in the UK (UK GDPR Art 3(1)), offers goods or "
                       "services to people in the UK (Art 3(2)(a)), or monitors their behaviour there (Art 3(2)(b)).",
    Framework.DPDP: "Record whether it processes digital personal data within India (DPDP Act s.3(a)), or outside "
                    "India in connection with offering goods or services to Data Principals in India (s.3(b)).",
    Framework.CCPA: "Record whether it is a for-profit business that does business in California and meets a "
                    "threshold of Cal. Civ. Code 1798.140(d)(1): annual gross revenue above USD 25 million "
                    "(adjusted for inflation), buying, selling or sharing the personal information of 100,000 or "
                    "more consumers or households, or 50% or more of its revenue from selling or sharing it.",
}
NAMES = {Framework.GDPR: "the GDPR", Framework.UK_GDPR: "the UK GDPR", Framework.DPDP: "India's DPDP Act",
         Framework.CCPA: "the CCPA/CPRA"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@rule("APPLICABILITY_UNDETERMINED", M, "GDPR Art 3; UK GDPR Art 3; DPDP Act s.3; Cal. Civ. Code 1798.140(d)",
      "Whether a law applies to the organisation is not recorded", frameworks=())
def applicability_undetermined(reg: Register, gov: Governing) -> Iterator[Hit]:
    org = reg.inv.organization
    for f, question in QUESTIONS.items():
        decided = reg.applicability.get(f)
        if decided is None or decided.status == Applicability.UNDETERMINED:
            yield (*organization(reg), f"Whether {NAMES[f]} applies to {org.legal_name} is not established: its "
                   "rules are not run until it is.", decided.source if decided else None,
                   f"{question} Then set `applicability` for {f.value} to APPLIES or DOES_NOT_APPLY with its "
                   "ground and source.")


@rule("APPLICABILITY_GROUND_NOT_RECORDED", L, "GDPR Art 3, 27", "A law applies, but on which Art 3 ground is not "
      "recorded")
def ground_not_recorded(reg: Register, gov: Governing) -> Iterator[Hit]:
    for f in GDPR_LIKE:
        decided = reg.applicability.get(f)
        if reg.applies(f) and decided and not decided.ground:
            yield (*organization(reg), f"{_cap(NAMES[f])} is recorded as applying, but not on which ground; "
                   "the ground decides, among other things, whether a representative is needed (Art 27).",
                   decided.source, QUESTIONS[f] + " Record it as the ground.")


@rule("REPRESENTATIVE_NOT_DESIGNATED", H, "GDPR Art 27(1); UK GDPR Art 27",
      "The law applies through Art 3(2) and no representative is recorded")
def representative_missing(reg: Register, gov: Governing) -> Iterator[Hit]:
    org = reg.inv.organization
    for f in GDPR_LIKE:
        decided = reg.applicability.get(f)
        if not (reg.applies(f) and decided and decided.ground and "3(2)" in decided.ground):
            continue
        where = "the EU" if f == Framework.GDPR else "the UK"
        if org.representative is None:
            yield (*organization(reg), f"{_cap(NAMES[f])} applies to {org.legal_name} through "
                   f"{decided.ground} (no establishment in {where}), but no representative in {where} is recorded.",
                   decided.source, f"Designate in writing a representative in {where} (Art 27(1)) and name it in "
                   "the privacy notice, unless the Art 27(2) exemption holds (occasional processing, no large-scale "
                   "special-category or criminal data, unlikely to result in a risk): then record why.")


def _bases(reg: Register, gov: Governing, pa: m.PurposeAssignment) -> list[str]:
    """The purpose's bases that count under the governing law. GDPR consent is also the DPDP s.6 ground when it
    meets s.6(1); legitimate interests and contract have no DPDP equivalent."""
    ids = [b.basis for b in pa.lawful_bases]
    if gov.framework == Framework.DPDP:
        return [i for i in ids if i.startswith("DPDP:") or i == "GDPR:consent"]
    return [i for i in ids if i.startswith("GDPR:")]


@rule("NO_LAWFUL_BASIS_STATED", H, "GDPR Art 6(1), 13(1)(c); DPDP Act s.4",
      "The organisation's documents state no lawful basis for any processing",
      frameworks=(*GDPR_LIKE, Framework.DPDP))
def no_basis_at_all(reg: Register, gov: Governing) -> Iterator[Hit]:
    controller = [a for a in reg.inv.processing_activities if a.role != Role.PROCESSOR]
    if controller and not any(_bases(reg, gov, p) for a in controller for p in a.purposes):
        org = reg.inv.organization
        stated = any(p.lawful_bases for a in controller for p in a.purposes)
        why = "none of the bases its documents name is a ground the Act recognises (consent, s.6, or a " \
            "legitimate use, s.7)" if stated else "its documents name none"
        yield (*organization(reg), f"None of the {len(controller)} processing activities of {org.legal_name} has a "
               f"lawful basis under {NAMES.get(gov.framework or Framework.GDPR)}: {why}.", None,
               "Determine and record the lawful basis of each purpose, and state it in the privacy notice.")


@rule("PURPOSE_WITHOUT_LAWFUL_BASIS", H, "GDPR Art 6(1); DPDP Act s.4, 6, 7", "A purpose has no lawful basis",
      frameworks=(*GDPR_LIKE, Framework.DPDP))
def purpose_without_basis(reg: Register, gov: Governing) -> Iterator[Hit]:
    purposes = {p.key: p for p in reg.inv.purposes}
    for a in reg.inv.processing_activities:
        if a.role == Role.PROCESSOR:
            continue  # the controller determines the basis of processing done on its behalf
        if not a.purposes:
            yield (*activity(a), f"'{a.name}' records no purpose, so no lawful basis either.", a.source,
                   "Record the purposes of the activity and the lawful basis of each.")
        for pa in a.purposes:
            if pa.lawful_bases and not _bases(reg, gov, pa) and gov.framework == Framework.DPDP:
                stated = ", ".join(b.stated_as or b.basis for b in pa.lawful_bases)
                p = purposes.get(pa.purpose)
                yield (*activity(a), f"Purpose '{p.name if p else pa.purpose}' of '{a.name}' rests on {stated}, "
                       "which is no ground under the DPDP Act (only consent, s.6, or a legitimate use, s.7).",
                       pa.lawful_bases[0].source or a.source,
                       "Record the DPDP ground: consent (s.6) or a legitimate use (s.7), e.g. s.7(a) data given "
                       "voluntarily for a specified purpose.")
            elif not pa.lawful_bases:
                p = purposes.get(pa.purpose)
                yield (*activity(a), f"Purpose '{p.name if p else pa.purpose}' of '{a.name}' has no lawful basis "
                       "recorded.", p.source if p else a.source,
                       "Assign a lawful basis (GDPR Art 6(1)(a)-(f), or DPDP consent / legitimate use).")


@rule("SPECIAL_CATEGORY_WITHOUT_CONDITION", H, "GDPR Art 9(2)", "Special-category data without an Art 9(2) condition")
def special_without_condition(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        special = [c for k in a.data_categories if (c := reg.categories.get(k)) and c.special_category]
        if special and a.role != Role.PROCESSOR:
            names = ", ".join(f"{c.name} ({c.special_category.value})" for c in special if c.special_category)
            for pa in a.purposes or [m.PurposeAssignment(purpose="(none)")]:
                if not pa.special_category_conditions:
                    yield (*activity(a), f"'{a.name}' processes {names} for purpose '{pa.purpose}' without an "
                           "Art 9(2) condition.", a.source, "Record the Art 9(2) condition (e.g. GDPR:art9-explicit-"
                           "consent) in addition to the Art 6 basis, or stop processing the data.")


@rule("CRIMINAL_DATA_WITHOUT_AUTHORITY", H, "GDPR Art 10", "Criminal-offence data without recorded authority")
def criminal_without_authority(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        crim = [c for k in a.data_categories if (c := reg.categories.get(k)) and c.criminal]
        if crim and not a.art10_authority:
            yield (*activity(a), f"'{a.name}' processes criminal-offence data ({', '.join(c.name for c in crim)}) "
                   "with no official authority or authorising law recorded.", a.source,
                   "Record the authority or Union/Member State law that authorises it (art10_authority).")


@rule("LEGITIMATE_INTERESTS_WITHOUT_LIA", M, "GDPR Art 6(1)(f), Art 5(2)",
      "Legitimate interests without a recorded balancing test")
def li_without_lia(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        for pa in a.purposes:
            for b in pa.lawful_bases:
                if b.basis == "GDPR:legitimate-interests" and not b.balancing_test:
                    yield (*activity(a), f"Purpose '{pa.purpose}' of '{a.name}' relies on legitimate interests "
                           "with no note of where its balancing test (LIA) is kept.", b.source or a.source,
                           "Carry out the three-part test (purpose, necessity, balancing) and record where it is kept.")


def _consents(reg: Register) -> Iterator[tuple[m.ProcessingActivity, m.PurposeAssignment, m.BasisAssignment]]:
    for a in reg.inv.processing_activities:
        for pa in a.purposes:
            for b in pa.lawful_bases:
                if b.basis in ("GDPR:consent", "DPDP:consent"):
                    yield a, pa, b


@rule("CONSENT_WITHOUT_WITHDRAWAL", M, "GDPR Art 7(3); DPDP Act s.6(4)", "Consent without a recorded way to "
      "withdraw it", frameworks=(*GDPR_LIKE, Framework.DPDP))
def consent_without_withdrawal(reg: Register, gov: Governing) -> Iterator[Hit]:
    general = reg.inv.organization.consent_withdrawal
    for a, pa, b in _consents(reg):
        if not (b.withdrawal or general):
            yield (*activity(a), f"Purpose '{pa.purpose}' of '{a.name}' relies on consent, but no way to "
                   "withdraw it is recorded.", b.source or a.source,
                   "Record how consent is withdrawn: it must be as easy as giving it.")


@rule("CONSENT_NOT_AFFIRMATIVE", H, "GDPR Art 4(11), 7; ePrivacy Directive Art 5(3); CJEU C-673/17 Planet49; "
      "DPDP Act s.6(1)", "Consent is relied on, but the document describes an opt-out or acceptance of a policy",
      frameworks=(*GDPR_LIKE, Framework.DPDP))
def consent_not_affirmative(reg: Register, gov: Governing) -> Iterator[Hit]:
    names = {p.key: p.name for p in reg.inv.purposes}
    for a, pa, b in _consents(reg):
        said = b.consent_mechanism
        if said is None or said.method == ConsentMechanism.OPT_IN:
            continue  # judged only from a recorded fact about how consent is obtained
        how = "an opt-out" if said.method == ConsentMechanism.OPT_OUT else "acceptance of a policy"
        cookies = any(c.terminal_storage for k in a.data_categories for c in reg.lineage(k))
        law = ""
        if cookies and gov.framework != Framework.DPDP:
            law = (" Storing or reading cookies that are not strictly necessary needs prior consent (ePrivacy "
                   "Art 5(3)); a pre-ticked box or an opt-out is not consent (Planet49).")
        yield (*activity(a), f"Purpose '{names.get(pa.purpose, pa.purpose)}' of '{a.name}' is recorded as resting "
               f"on consent, but the document describes {how}: consent needs a clear affirmative act.{law}",
               said.source or b.source or a.source,
               "Obtain consent by an affirmative act before the processing (an unticked box, a 'reject' as "
               "prominent as 'accept'), or rely on another basis and correct the record.")


@rule("CHILDREN_BELOW_STATED_MINIMUM_AGE", H, "GDPR Art 8; DPDP Act s.9",
      "Children's data where the organisation states a minimum age", frameworks=(*GDPR_LIKE, Framework.DPDP))
def children_below_minimum_age(reg: Register, gov: Governing) -> Iterator[Hit]:
    age = reg.inv.organization.minimum_age
    for a in gov.activities(reg):
        kids = [s for k in a.data_subjects if (s := reg.subjects.get(k)) and s.children]
        if kids and age:
            yield (*activity(a), f"'{a.name}' processes data of {', '.join(s.name for s in kids)}, while the "
                   f"organisation states its service is not for anyone under {age.age}.", age.source,
                   "Reconcile the activity with the stated age limit; for children, record parental consent.")


def _usable(c: m.Contact | m.Person | None) -> bool:
    return c is not None and bool(c.email or getattr(c, "phone", None) or getattr(c, "url", None))


@rule("NO_USABLE_CONTACT", H, "GDPR Art 13(1)(a), 30(1)(a); DPDP Act s.8(9)",
      "No usable contact details are recorded", frameworks=(*GDPR_LIKE, Framework.DPDP))
def no_usable_contact(reg: Register, gov: Governing) -> Iterator[Hit]:
    org = reg.inv.organization
    if not any(_usable(c) for c in [*org.contacts, org.dpo, org.representative]):
        listed = f"{len(org.contacts)} contact(s) without an address, telephone or web form" if org.contacts \
            else "no contact"
        yield (*organization(reg), f"{org.legal_name}'s documents give {listed}: people cannot reach it to "
               "exercise their rights.", org.contacts[0].source if org.contacts else None,
               "Publish and record a working email address, telephone number or web form for privacy requests "
               "(and the DPO's or the person's who answers for the processing, DPDP Act s.8(9)).")


@rule("CROSS_FRAMEWORK_GAP", M, "GDPR Art 6(1); DPDP Act s.4, 6, 7",
      "Both the GDPR and the DPDP Act apply, and an activity has a basis under only one", frameworks=(Framework.DPDP,))
def cross_framework_gap(reg: Register, gov: Governing) -> Iterator[Hit]:
    from registry.services.frameworks import cross_framework

    for row in cross_framework(reg.inv):
        if row.missing_under == "DPDP":
            li = " Legitimate interests has no DPDP equivalent." if "GDPR:legitimate-interests" in row.gdpr else ""
            yield (*activity(row.activity), f"'{row.activity.name}' has a GDPR basis ({', '.join(row.gdpr)}) but no "
                   f"DPDP Act ground, though the Act applies to the organisation.{li}", row.activity.source,
                   "Record the DPDP basis: consent (s.6) or a legitimate use (s.7), e.g. s.7(a) voluntary provision.")
        elif row.missing_under == "GDPR":
            yield (*activity(row.activity), f"'{row.activity.name}' has a DPDP Act basis but no GDPR basis.",
                   row.activity.source, "Record the GDPR Art 6(1) basis.")
