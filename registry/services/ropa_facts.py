"""The answers about the controller and about what an activity processes: who, what, for whom, how long, where
and how protected. Each registers itself for its template topic."""

from __future__ import annotations

from registry.domain import models as m
from registry.domain.enums import CommitmentKind, DocumentLinkKind, Role
from registry.services.ropa_answering import (
    ACT,
    ORG,
    A,
    Answer,
    Register,
    Status,
    answered,
    categories_of,
    document_link,
    joined,
    not_applicable,
    partial,
    person_text,
    recipients_of,
    silent,
    some,
    topic,
    transfers_of,
)

# --- the controller block ---------------------------------------------------------------------------------------


def _ways(org: m.Organization) -> list[str]:
    out = []
    for c in org.contacts:
        ways = ", ".join(x for x in (c.email, c.phone, c.url) if x)
        if ways:
            out.append(f"{c.purpose}: {ways}")
    return out


@topic("controller_name")
def controller_name(reg: Register, a: A | None) -> Answer:
    return answered(reg.inv.organization.legal_name, f"{ORG}.legalName")


@topic("controller_contact")
def controller_contact(reg: Register, a: A | None) -> Answer:
    org = reg.inv.organization
    ways = _ways(org)
    if ways:
        return answered(joined([*([org.address] if org.address else []), *ways]), f"{ORG}.address", f"{ORG}.contacts")
    if org.address:
        return partial(f"{org.address} (no email, telephone or web contact recorded)", f"{ORG}.address")
    return silent(f"{ORG}.address", f"{ORG}.contacts")


@topic("controller_name_contact")
def controller_name_contact(reg: Register, a: A | None) -> Answer:
    contact = controller_contact(reg, a)
    name = reg.inv.organization.legal_name
    if contact.status is Status.NOT_RECORDED:
        return partial(f"{name} (no contact details recorded)", f"{ORG}.legalName", *contact.fields)
    return Answer(contact.status, f"{name}; {contact.text}", [f"{ORG}.legalName", *contact.fields])


@topic("dpo")
def dpo(reg: Register, a: A | None) -> Answer:
    p = reg.inv.organization.dpo
    if p is None:
        return silent(f"{ORG}.dpo")
    if p.email or p.address:
        return answered(person_text(p), f"{ORG}.dpo")
    return partial(f"{p.name} (no contact details recorded)", f"{ORG}.dpo")


def _representative(reg: Register, p: m.Person | None, field_name: str, established: bool | None,
                    where: str) -> Answer:
    if established:
        return not_applicable(f"The controller is established in the {where} (country "
                               f"{reg.inv.organization.country}).", f"{ORG}.country")
    if p is not None:
        return answered(person_text(p) or "named, without contact details", f"{ORG}.{field_name}")
    return silent(f"{ORG}.{field_name}", f"{ORG}.country")


@topic("uk_representative")
def uk_representative(reg: Register, a: A | None) -> Answer:
    country = reg.inv.organization.country
    return _representative(reg, reg.inv.organization.uk_representative, "ukRepresentative",
                           country == "GB" if country else None, "UK")


@topic("eu_representative")
def eu_representative(reg: Register, a: A | None) -> Answer:
    country = reg.inv.organization.country
    return _representative(reg, reg.inv.organization.representative, "representative",
                           reg.in_eea(country) if country else None, "EU/EEA")


@topic("breach_procedure")
def breach_procedure(reg: Register, a: A | None) -> Answer:
    promises = [c for c in reg.inv.organization.commitments if c.kind == CommitmentKind.BREACH_NOTIFICATION]
    if not promises:
        return silent(f"{ORG}.commitments[BREACH_NOTIFICATION]")
    text = joined([f"{c.description}" + (f" within {c.period}" if c.period else "") +
                  (f" (\"{c.stated_as}\")" if c.stated_as else "") for c in promises])
    return answered(text, f"{ORG}.commitments[BREACH_NOTIFICATION]")


# --- who and what ------------------------------------------------------------------------------------------------


@topic("name")
def name(reg: Register, a: A | None) -> Answer:
    return answered(some(a).name, f"{ACT}.name")


@topic("role")
def role(reg: Register, a: A | None) -> Answer:
    act = some(a)
    words = {Role.CONTROLLER: "Controller", Role.PROCESSOR: "Processor", Role.JOINT_CONTROLLER: "Joint controller"}
    extra = f" for {act.controller}" if act.role == Role.PROCESSOR and act.controller else ""
    return answered(words[act.role] + extra, f"{ACT}.role")


@topic("joint_controllers")
def joint_controllers(reg: Register, a: A | None) -> Answer:
    act = some(a)
    fields = (f"{ACT}.jointControllers", f"{ACT}.hasJointControllers")
    if act.joint_controllers:
        text = joined([j.name + (f" ({j.contact})" if j.contact else "") +
                      (f": {j.responsibilities}" if j.responsibilities else ": arrangement not recorded")
                      for j in act.joint_controllers])
        done = all(j.responsibilities for j in act.joint_controllers)
        return Answer(Status.ANSWERED if done else Status.PARTIAL, text, list(fields))
    if act.has_joint_controllers is False and act.role != Role.JOINT_CONTROLLER:
        return not_applicable("None: the activity has no joint controller.", *fields)
    return silent(*fields)


@topic("department")
def department(reg: Register, a: A | None) -> Answer:
    d = some(a).department
    return answered(d, f"{ACT}.department") if d else silent(f"{ACT}.department")


@topic("stewards")
def stewards(reg: Register, a: A | None) -> Answer:
    people = some(a).data_stewards
    return answered(joined([person_text(p) for p in people]), f"{ACT}.dataStewards") if people \
        else silent(f"{ACT}.dataStewards")


@topic("purposes")
def purposes(reg: Register, a: A | None) -> Answer:
    act = some(a)
    if not act.purposes:
        return silent(f"{ACT}.purposes")
    items = []
    for pa in act.purposes:
        p = reg.purposes.get(pa.purpose)
        items.append(f"{p.name}: {p.description}" if p and p.description else (p.name if p else pa.purpose))
    return answered(joined(items), f"{ACT}.purposes")


@topic("description")
def description(reg: Register, a: A | None) -> Answer:
    act = some(a)
    systems = [reg.systems[k] for k in act.systems if k in reg.systems]
    used = f" Systems: {', '.join(s.name for s in systems)}." if systems else ""
    if act.description:
        return answered(act.description + used, f"{ACT}.description", *([f"{ACT}.systems"] if systems else []))
    if systems:
        return partial(used.strip(), f"{ACT}.systems")
    return silent(f"{ACT}.description", f"{ACT}.systems")


@topic("data_subjects")
def data_subjects(reg: Register, a: A | None) -> Answer:
    names = [reg.subjects[k].name for k in some(a).data_subjects if k in reg.subjects]
    return answered(joined(names), f"{ACT}.dataSubjects") if names else silent(f"{ACT}.dataSubjects")




@topic("data_categories")
def data_categories(reg: Register, a: A | None) -> Answer:
    names = [c.name for c in categories_of(reg, some(a))]
    return answered(joined(names), f"{ACT}.dataCategories") if names else silent(f"{ACT}.dataCategories")


def _sensitive(reg: Register, a: A | None, criminal: bool) -> Answer:
    cats = categories_of(reg, some(a))
    if not cats:
        return silent(f"{ACT}.dataCategories")
    special = [f"{c.name} (Art 9, {c.special_category.value.lower().replace('_', ' ')})" for c in cats
               if c.special_category]
    crim = [f"{c.name} (Art 10)" for c in cats if criminal and c.criminal]
    if special or crim:
        return answered("Yes: " + joined(special + crim), f"{ACT}.dataCategories")
    what = "special category or criminal offence data" if criminal else "special category data"
    return answered(f"No: none of the recorded data categories is {what}.", f"{ACT}.dataCategories")


@topic("special_or_criminal")
def special_or_criminal(reg: Register, a: A | None) -> Answer:
    return _sensitive(reg, a, criminal=True)


@topic("special")
def special(reg: Register, a: A | None) -> Answer:
    return _sensitive(reg, a, criminal=False)


@topic("data_sources")
def data_sources(reg: Register, a: A | None) -> Answer:
    words = {"DATA_SUBJECT": "from the person", "THIRD_PARTY": "from a third party",
             "PUBLICLY_AVAILABLE": "publicly available"}
    items = [words[s.kind.value] + (f" ({s.name})" if s.name else "") + (f": {s.description}" if s.description
                                                                          else "") for s in some(a).data_sources]
    return answered(joined(items), f"{ACT}.dataSources") if items else silent(f"{ACT}.dataSources")


# --- recipients and transfers -----------------------------------------------------------------------------------




@topic("recipients")
def recipients(reg: Register, a: A | None) -> Answer:
    found = recipients_of(reg, some(a))
    if not found:
        return silent(f"{ACT}.recipients")
    return answered(joined([f"{r.name} ({r.kind.value.lower().replace('_', ' ')})" for r in found]),
                     f"{ACT}.recipients")


@topic("third_parties")
def third_parties(reg: Register, a: A | None) -> Answer:
    found = recipients_of(reg, some(a))
    if not found:
        return silent(f"{ACT}.recipients")
    third = [r.name for r in found if not r.is_processor]
    if third:
        return answered("Yes: " + joined(third), f"{ACT}.recipients")
    return answered("No: every recipient recorded processes the data on the organisation's behalf.",
                     f"{ACT}.recipients")


@topic("recipient_categories")
def recipient_categories(reg: Register, a: A | None) -> Answer:
    act = some(a)
    found = recipients_of(reg, act)
    fields = (f"{ACT}.recipientCategories", f"{ACT}.recipients")
    if not found:
        return silent(*fields)
    shares = {s.recipient: s for s in act.recipient_categories}
    items = [f"{r.name}: " + ", ".join(reg.categories[c].name for c in shares[r.key].data_categories
                                       if c in reg.categories) for r in found if r.key in shares]
    if not items:
        return silent(*fields)
    missing = [r.name for r in found if r.key not in shares]
    if missing:
        return partial(joined(items) + f" (not recorded for {', '.join(missing)})", *fields)
    return answered(joined(items), *fields)




@topic("transfers")
def transfers(reg: Register, a: A | None) -> Answer:
    found = transfers_of(reg, some(a))
    if not found:
        return silent(f"{ACT}.transfers")
    items = [reg.country(t.destination) if t.destination else (t.destination_note or "destination not named")
             for t in found]
    named = all(t.destination for t in found)
    return Answer(Status.ANSWERED if named else Status.PARTIAL, joined(items), [f"{ACT}.transfers"])


@topic("transfer_safeguards")
def transfer_safeguards(reg: Register, a: A | None) -> Answer:
    found = transfers_of(reg, some(a))
    fields = (f"{ACT}.transfers", "transfer.mechanism")
    if not found:
        return silent(*fields)
    items = []
    for t in found:
        mech = reg.mechanisms.get(t.mechanism or "")
        dest = reg.country(t.destination) if t.destination else (t.destination_note or "destination not named")
        items.append(f"{dest}: {mech.title} ({mech.article})" if mech else f"{dest}: no mechanism recorded")
    covered = sum(1 for t in found if t.mechanism in reg.mechanisms)
    if covered == 0:
        return silent(*fields)
    return Answer(Status.ANSWERED if covered == len(found) else Status.PARTIAL, joined(items), list(fields))


# --- retention, security, location -------------------------------------------------------------------------------


@topic("retention")
def retention(reg: Register, a: A | None) -> Answer:
    rules = [reg.retention[k] for k in some(a).retention_rules if k in reg.retention]
    if not rules:
        return silent(f"{ACT}.retentionRules")
    items = [f"{r.covers}: " + (r.period or r.stated_as or "no period stated") +
             (f" after {r.trigger}" if r.trigger else "") for r in rules]
    return Answer(Status.ANSWERED if all(r.period for r in rules) else Status.PARTIAL, joined(items),
                  [f"{ACT}.retentionRules"])


@topic("retention_policy")
def retention_policy(reg: Register, a: A | None) -> Answer:
    return document_link(reg, a, DocumentLinkKind.RETENTION_POLICY, "retention policy")


@topic("retention_adherence")
def retention_adherence(reg: Register, a: A | None) -> Answer:
    f = some(a).retention_followed
    if f is None:
        return silent(f"{ACT}.retentionFollowed")
    return answered("Yes" if f.value else "No", f"{ACT}.retentionFollowed")


@topic("retention_reason")
def retention_reason(reg: Register, a: A | None) -> Answer:
    f = some(a).retention_followed
    if f is not None and f.value:
        return not_applicable("The processing keeps to the retention policy.", f"{ACT}.retentionFollowed")
    if f is not None and f.detail:
        return answered(f.detail, f"{ACT}.retentionFollowed.detail")
    return silent(f"{ACT}.retentionFollowed.detail")


@topic("security")
def security(reg: Register, a: A | None) -> Answer:
    act = some(a)
    systems = [reg.systems[k] for k in act.systems if k in reg.systems]
    keys = list(dict.fromkeys([*act.security_measures, *(k for s in systems for k in s.security_measures)]))
    items = [reg.measures[k].description for k in keys if k in reg.measures]
    if not items:
        return silent(f"{ACT}.securityMeasures", "system.securityMeasures")
    return answered(joined(items), f"{ACT}.securityMeasures", *(["system.securityMeasures"] if act.systems else []))


@topic("locations")
def locations(reg: Register, a: A | None) -> Answer:
    systems = [reg.systems[k] for k in some(a).systems if k in reg.systems]
    fields = (f"{ACT}.systems", "system.locations")
    placed = [s for s in systems if s.locations]
    if not placed:
        return silent(*fields)
    items = [f"{s.name}: {', '.join(reg.country(c) for c in s.locations)}" +
             (f" (hosted by {reg.recipients[s.hosted_by].name})" if s.hosted_by in reg.recipients else "")
             for s in placed]
    missing = [s.name for s in systems if not s.locations]
    if missing:
        return partial(joined(items) + f" (no location recorded for {', '.join(missing)})", *fields)
    return answered(joined(items), *fields)
