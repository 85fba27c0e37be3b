"""Compliance rules on the accountability facts: reviews, automated decisions, joint control, where systems keep
the data, and the links that prove a legitimate-interests assessment and consent.

The rules register themselves in the rulebook (`registry/services/rulebook.py`); `registry/services/findings.py`
imports this module, so `find()` and `complianceRules` include them. They run where the GDPR or the UK GDPR is
recorded as applying (the EU adequacy rule under the EU GDPR only).
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.domain import models as m
from registry.domain.enums import Adequacy, DocumentLinkKind, Framework, Role
from registry.services.rulebook import Governing, H, Hit, L, M, Register, rule
from registry.services.rulebook import activity as _activity


@rule("REVIEW_OVERDUE", L, "GDPR Art 5(2), Art 24(1)", "The entry's review is overdue")
def review_overdue(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        due = a.review_due()
        if due is not None and due < reg.as_of and a.last_review is not None:
            yield (*_activity(a), f"'{a.name}' was last reviewed on {a.last_review.date.isoformat()} by "
                   f"{a.last_review.by}; with a review every {a.review_interval} the next was due on "
                   f"{due.isoformat()}.", a.source,
                   "Review the entry against the processing as it is now, then record the review (lastReview).")


@rule("AUTOMATED_DECISIONS_WITHOUT_ART22_FOOTING", H, "GDPR Art 22(2), 22(3)",
      "Solely automated decisions without an Art 22(2) ground or safeguards")
def automated_without_footing(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        made = a.automated_decisions
        if made is None or not made.value:
            continue
        basis = a.automated_decision_basis
        missing = [what for what, absent in (("Art 22(2) ground", basis is None or basis.exception is None),
                                             ("safeguards", basis is None or not basis.safeguards)) if absent]
        if missing:
            verb = "is" if missing == ["Art 22(2) ground"] else "are"
            yield (*_activity(a), f"'{a.name}' makes solely automated decisions with legal or similar effect"
                   + (f" ({made.detail})" if made.detail else "") + f", but {' and '.join('no ' + w for w in missing)} "
                   f"{verb} recorded.", made.source or a.source,
                   "Record the ground (contract, authorised by law, explicit consent) and the safeguards: at least "
                   "the right to obtain human intervention, to express a view and to contest the decision.")


@rule("JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT", M, "GDPR Art 26(1), 26(2)",
      "Joint controllers without a recorded arrangement")
def joint_without_arrangement(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        joint = a.role == Role.JOINT_CONTROLLER or a.has_joint_controllers is True or bool(a.joint_controllers)
        if not joint or a.links(DocumentLinkKind.JOINT_CONTROLLER_ARRANGEMENT):
            continue
        if not a.joint_controllers:
            yield (*_activity(a), f"'{a.name}' is processed under joint control, but the other controllers are not "
                   "named.", a.source, "Name each joint controller and record the essence of the arrangement.")
            continue
        vague = [j.name for j in a.joint_controllers if not j.responsibilities]
        if vague:
            yield (*_activity(a), f"'{a.name}' is controlled jointly with {', '.join(vague)}, but who does what "
                   "(the essence of the arrangement) is not recorded.", a.source,
                   "Record each joint controller's responsibilities, or link the arrangement "
                   "(JOINT_CONTROLLER_ARRANGEMENT), and make its essence available to the people concerned.")


@rule("SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER", H, "GDPR Art 44, 46, 30(1)(e)",
      "A system keeps data outside the EEA and adequate countries with no transfer recorded",
      frameworks=(Framework.GDPR,))
def system_without_transfer(reg: Register, gov: Governing) -> Iterator[Hit]:
    home = reg.inv.organization.country
    destinations = {t.destination for t in reg.inv.transfers if t.destination}
    for s in reg.inv.systems:
        for code in s.locations:
            c = reg.countries.get(code)
            adequate = c is not None and (c.adequacy == Adequacy.EEA or (
                c.adequacy == Adequacy.FULL and c.adequate_on(reg.as_of)))
            if code == home or c is None or adequate or code in destinations:
                continue
            scope = " (its adequacy decision covers only some recipients)" if c.adequacy == Adequacy.PARTIAL else ""
            yield ("System", s.id, s.name, f"System '{s.name}' keeps personal data in {c.name}{scope}, but no "
                   f"transfer to {c.name} is recorded.", s.source,
                   f"Record the transfer to {c.name} with its mechanism (e.g. the 2021 SCCs, or the DPF with the "
                   "recipient's certification), or move the data.")


def _relies_on(a: m.ProcessingActivity, basis: str) -> list[m.BasisAssignment]:
    return [b for p in a.purposes for b in p.lawful_bases if b.basis == basis]


@rule("LEGITIMATE_INTERESTS_WITHOUT_LIA_LINK", L, "GDPR Art 5(2), Art 6(1)(f)",
      "Legitimate interests with a balancing test noted but no link to it")
def li_without_link(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        if a.role == Role.PROCESSOR or a.links(DocumentLinkKind.LIA):
            continue
        noted = [b for b in _relies_on(a, "GDPR:legitimate-interests") if b.balancing_test]
        if noted:  # with no note at all, LEGITIMATE_INTERESTS_WITHOUT_LIA says so
            yield (*_activity(a), f"'{a.name}' relies on legitimate interests; its balancing test is noted as "
                   f"'{noted[0].balancing_test}', but no link to the assessment is recorded.",
                   noted[0].source or a.source,
                   "Link the legitimate interests assessment (documentLinks, kind LIA): an http(s) URL or a "
                   "registry: reference.")


@rule("CONSENT_WITHOUT_RECORD_LINK", M, "GDPR Art 7(1), Art 5(2)", "Consent without a link to the record of consent")
def consent_without_record(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.inv.processing_activities:
        if a.role == Role.PROCESSOR or a.links(DocumentLinkKind.CONSENT_RECORD):
            continue
        consents = _relies_on(a, "GDPR:consent")
        if consents:
            yield (*_activity(a), f"'{a.name}' relies on consent, but no link to the record of consents is kept: the "
                   "organisation must be able to show that each person consented.", consents[0].source or a.source,
                   "Link the record of consent (documentLinks, kind CONSENT_RECORD): who consented, when, to what, "
                   "and how.")
