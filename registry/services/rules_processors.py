"""Rules on processors and subprocessors (GDPR Art 28, 30(2), 33(2)) and on retention (Art 5(1)(e))."""

from __future__ import annotations

from collections.abc import Iterator

from registry.domain.enums import CommitmentKind, DpaStatus, Framework, SubprocessorAuthorisation
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
    recipient,
    rule,
)


@rule("SUBPROCESSOR_WITHOUT_DPA", H, "GDPR Art 28(3), 28(4); DPDP Act s.8(2)",
      "A processor or subprocessor without a data-processing agreement", frameworks=(*GDPR_LIKE, Framework.DPDP))
def subprocessor_without_dpa(reg: Register, gov: Governing) -> Iterator[Hit]:
    own = {k for a in gov.activities(reg) for k in a.recipients}
    as_processor = {k for a in reg.processor_activities for k in a.recipients} - own
    for r in reg.inv.recipients:
        if gov.framework == Framework.DPDP and r.key in as_processor:
            continue  # s.8(2) binds a Data Fiduciary engaging a processor, not a processor's own subprocessors
        if r.is_processor and r.dpa == DpaStatus.NOT_STATED:
            yield (*recipient(r), f"{r.name} processes personal data on the organisation's behalf, but no "
                   "data-processing agreement is recorded.", r.source,
                   "Sign an Art 28(3) agreement (a valid contract, DPDP Act s.8(2)) and record it.")


@rule("SUBPROCESSOR_WITHOUT_COUNTRIES", M, "GDPR Art 28(2), 30(1)(e); EDPB Opinion 22/2024",
      "A subprocessor without countries of processing")
def subprocessor_without_countries(reg: Register, gov: Governing) -> Iterator[Hit]:
    for r in reg.inv.recipients:
        if r.is_processor and not r.countries:
            what = "is named only as a category of provider" if not r.named else "has no countries recorded"
            yield (*recipient(r), f"{r.name} {what}: where it processes the data is unknown.", r.source,
                   "Identify the provider and record the countries where it processes personal data.")


def _covered(key: str, covered: set[str]) -> bool:
    own = key.split("/")[-1]
    return any(own == c.split("/")[-1] or own.startswith(c.split("/")[-1] + ".") for c in covered)


@rule("CATEGORY_WITHOUT_RETENTION", M, "GDPR Art 5(1)(e), 30(1)(f); DPDP Act s.8(7)",
      "A data category has no retention rule", frameworks=(*GDPR_LIKE, Framework.DPDP))
def category_without_retention(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in gov.activities(reg):
        rules = [reg.retention[k] for k in a.retention_rules if k in reg.retention]
        if not rules:
            yield (*activity(a), f"'{a.name}' has no retention rule for any of its data.", a.source,
                   "Record how long each category is kept and from which event.")
            continue
        if any(not r.data_categories for r in rules):
            continue  # a rule that names no category covers all of the activity's data
        covered = {k for r in rules for k in r.data_categories}
        for k in a.data_categories:
            if not _covered(k, covered):
                cat = reg.categories.get(k)
                yield (*activity(a), f"'{cat.name if cat else k}' in '{a.name}' is covered by no retention rule.",
                       a.source, "Add a retention rule covering this category.")


@rule("RETENTION_WITHOUT_PERIOD", L, "GDPR Art 5(1)(e), 13(2)(a)", "A retention rule states no period")
def retention_without_period(reg: Register, gov: Governing) -> Iterator[Hit]:
    for r in reg.inv.retention_rules:
        if r.period is None:
            yield ("RetentionRule", r.id, r.covers, f"'{r.covers}' is kept "
                   f"'{r.stated_as or 'for an unstated time'}': no period is given.", r.source,
                   "State a period (ISO 8601, e.g. P2Y) or the criteria that fix it.")


@rule("PROCESSOR_WITHOUT_CONTROLLER", H, "GDPR Art 30(2)(a)",
      "A processor activity does not name each controller with contact details")
def processor_without_controller(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.processor_activities:
        named = [c for c in a.controllers if c.name and (c.email or c.address)]
        if not named:
            said = f" (the register says only: {a.controller})" if a.controller else ""
            yield (*activity(a), f"'{a.name}' is done as processor, but no controller is recorded with its name "
                   f"and contact details{said}.", a.source,
                   "Record each controller the processing is done for, with name and contact details (for many "
                   "customers, keep the customer list as part of the record and point to it).")


@rule("PROCESSOR_WITHOUT_CONTROLLER_CONTRACT", H, "GDPR Art 28(3)",
      "A processor activity without a recorded contract with its controller")
def processor_without_contract(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.processor_activities:
        if a.controller_contract is None or not a.controller_contract.value:
            src = a.controller_contract.source if a.controller_contract else a.source
            yield (*activity(a), f"'{a.name}' is done as processor, but no Art 28(3) contract with the controller "
                   "(subject matter, duration, instructions, confidentiality, security, subprocessors, assistance, "
                   "deletion, audits) is recorded.", src,
                   "Put a data-processing agreement with each controller in place and record it "
                   "(controller_contract).")


@rule("SUBPROCESSORS_WITHOUT_AUTHORISATION", H, "GDPR Art 28(2)",
      "Subprocessors engaged without the controller's authorisation type recorded")
def subprocessors_without_authorisation(reg: Register, gov: Governing) -> Iterator[Hit]:
    for a in reg.processor_activities:
        subs = [r for k in a.recipients if (r := reg.recipients.get(k)) and r.is_processor]
        if subs and a.subprocessor_authorisation is None:
            yield (*activity(a), f"'{a.name}' engages {len(subs)} subprocessor(s) with no record of the "
                   "controller's authorisation (specific or general).", a.source,
                   "Record whether the controller gave specific or general written authorisation.")


@rule("GENERAL_AUTHORISATION_WITHOUT_OBJECTION", H, "GDPR Art 28(2)",
      "General authorisation without notice of changes or a way to object")
def general_authorisation_without_objection(reg: Register, gov: Governing) -> Iterator[Hit]:
    org = reg.inv.organization
    for a in reg.processor_activities:
        if a.subprocessor_authorisation != SubprocessorAuthorisation.GENERAL:
            continue
        missing = [what for what, there in (("notice of intended changes", org.subprocessor_notice_period),
                                             ("a way to object", org.subprocessor_objection)) if not there]
        if missing:
            yield (*activity(a), f"'{a.name}' engages subprocessors under a general authorisation, but "
                   f"{' and '.join(missing)} is not recorded: under Art 28(2) the controller must be told of any "
                   "intended addition or replacement and be able to object.", a.source,
                   "State a notice period before a new subprocessor takes effect (30 days is common) and how the "
                   "controller objects; record them (subprocessor_notice_period, subprocessor_objection).")


@rule("NO_BREACH_NOTICE_TO_CONTROLLER", M, "GDPR Art 33(2), 28(3)(f)",
      "A processor states no promise to tell its controllers of a breach")
def no_breach_notice_to_controller(reg: Register, gov: Governing) -> Iterator[Hit]:
    org = reg.inv.organization
    promised = any(c.kind == CommitmentKind.BREACH_NOTICE_TO_CONTROLLER for c in org.commitments)
    if reg.processor_activities and not promised:
        n = len(reg.processor_activities)
        yield (*organization(reg), f"{org.legal_name} acts as processor in {n} activit{'y' if n == 1 else 'ies'}, "
               "but no commitment to notify the controller of a personal data breach without undue delay is "
               "recorded.", None, "Commit (in the data-processing agreement) to notify the controller without "
               "undue delay after becoming aware of a breach, and record it (BREACH_NOTICE_TO_CONTROLLER).")
