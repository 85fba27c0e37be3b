"""Rules on international transfers (GDPR Chapter V), evaluated on the date asked.

They run only where the GDPR (or the UK GDPR) is recorded as applying: India's DPDP Act s.16 asks for no
transfer mechanism (it allows transfers except to countries the government restricts), so a transfer by an
organisation subject only to the DPDP Act gets no Chapter V finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.domain import models as m
from registry.domain.enums import Adequacy, ConsentMechanism, DestinationKind, Framework, MechanismKind
from registry.services.rulebook import Governing, H, Hit, L, M, Register, controller_role, rule, transfer

DPF = ("eu-us-dpf", "uk-dpf-extension")
EU = (Framework.GDPR,)
"""The UK GDPR's transfer rules rest on UK adequacy regulations and the IDTA, which the reference data does not
hold: these rules run under the EU GDPR only, rather than judge a UK exporter by EU decisions."""


def _where(c: m.Country | None) -> str:
    if c is None:
        return "an unnamed destination"
    return f"the international organisation {c.name}" if c.kind == DestinationKind.INTERNATIONAL_ORGANISATION \
        else c.name


@rule("TRANSFER_WITHOUT_SAFEGUARD", H, "GDPR Art 44, 45, 46",
      "A transfer to a destination without an adequacy decision in force rests on no Art 46 safeguard", frameworks=EU)
def transfer_without_safeguard(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        dest = reg.countries.get(t.destination) if t.destination else None
        mech = reg.mechanisms.get(t.mechanism) if t.mechanism else None
        if dest and dest.adequacy == Adequacy.EEA:
            continue
        adequate = dest is not None and dest.adequate_on(reg.as_of)
        if adequate and dest and dest.adequacy == Adequacy.FULL:
            continue  # Art 45(1): no further authorisation needed
        if mech is None:
            scope = f" The adequacy decision covers only some recipients: {dest.note}" if adequate and dest else ""
            yield (*transfer(t), f"Personal data goes to {_where(dest)} with no transfer mechanism recorded.{scope}",
                   t.source, "Record the mechanism: an adequacy decision in force, the 2021 SCCs (the module that "
                   "fits the parties' roles), BCRs, ...")
        elif mech.kind == MechanismKind.ADEQUACY and dest is not None and not adequate:
            when = ""
            if dest.adequacy_from and dest.adequacy_from > reg.as_of:
                when = f" (its decision applies only from {dest.adequacy_from:%d %b %Y})"
            elif dest.adequacy_until and dest.adequacy_until < reg.as_of:
                when = f" (its decision expired on {dest.adequacy_until:%d %b %Y})"
            yield (*transfer(t), f"'{mech.title}' is relied on, but {_where(dest)} has no adequacy decision in "
                   f"force on {reg.as_of:%d %b %Y}{when}.", t.source,
                   "Use an Art 46 safeguard such as the 2021 SCCs, with a transfer impact assessment.")


@rule("TRANSFER_DESTINATION_NOT_NAMED", M, "GDPR Art 30(1)(e)", "A transfer does not name its destination",
      frameworks=EU)
def destination_not_named(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        if not t.destination:
            yield (*transfer(t), "The record of a transfer must name the third country or international "
                   f"organisation; this one says only '{t.destination_note or 'outside the country'}'.", t.source,
                   "Name each destination, one transfer record per destination.")


@rule("ADEQUACY_WITHOUT_DPF_CERTIFICATION", H, "GDPR Art 45; Implementing Decision (EU) 2023/1795",
      "A US transfer relies on adequacy (the DPF) without the recipient's certification recorded", frameworks=EU)
def dpf_uncertified(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        dest = reg.countries.get(t.destination or "")
        mech = reg.mechanisms.get(t.mechanism or "")
        on_list = dest is not None and dest.certification_list and mech is not None \
            and mech.kind == MechanismKind.ADEQUACY
        if t.mechanism in DPF or on_list:
            r = reg.recipients.get(t.recipient or "")
            if r is None or not r.dpf_certification:
                who = r.name if r else "a recipient not named in the register"
                listed = dest.certification_list if dest and dest.certification_list else "the DPF List"
                yield (*transfer(t), f"The transfer to {who} relies on the US adequacy decision, which covers only "
                       f"organisations certified under the Data Privacy Framework, but no entry on {listed} is "
                       "recorded.", t.source, "Check the recipient on the DPF List and record its entry "
                       "(dpf_certification), or use the 2021 SCCs with a transfer impact assessment.")


@rule("ADEQUACY_SCOPE_NOT_ESTABLISHED", M, "GDPR Art 45; Decisions 2002/2/EC, (EU) 2019/419, (EU) 2022/254",
      "A partial adequacy decision is relied on without recording that the recipient falls within its scope",
      frameworks=EU)
def adequacy_scope(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        dest = reg.countries.get(t.destination or "")
        mech = reg.mechanisms.get(t.mechanism or "")
        if (dest and dest.adequacy == Adequacy.PARTIAL and not dest.certification_list and mech
                and mech.kind == MechanismKind.ADEQUACY and dest.adequate_on(reg.as_of)
                and not t.within_adequacy_scope):
            yield (*transfer(t), f"The adequacy decision for {dest.name} is partial ({dest.note}) and nothing "
                   "records that the recipient falls within it.", t.source,
                   "Record why the recipient is covered (within_adequacy_scope), or use an Art 46 safeguard.")


@rule("SYSTEMATIC_TRANSFER_ON_DEROGATION", H, "GDPR Art 49(1); EDPB Guidelines 2/2018",
      "Systematic transfers rest only on an Art 49 derogation", frameworks=EU)
def derogation_for_systematic(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        mech = reg.mechanisms.get(t.mechanism or "")
        if mech and mech.kind == MechanismKind.DEROGATION and not t.occasional:
            users = reg.activities_with_transfer(t.key)
            said = f" (the document: \"{t.stated_as}\")" if t.stated_as else ""
            yield (*transfer(t), f"'{mech.title}' ({mech.article}){said} carries a transfer used by {len(users)} "
                   "activities; derogations are for occasional transfers, not systematic ones.", t.source,
                   "Put an Art 46 safeguard in place (e.g. 2021 SCCs with a transfer impact assessment), or rely on "
                   "adequacy / the DPF where the importer is certified.")


@rule("TRANSFER_CONSENT_NOT_EXPLICIT", H, "GDPR Art 49(1)(a); EDPB Guidelines 2/2018, section 2.1",
      "The Art 49(1)(a) consent is only acceptance of a privacy policy, or an opt-out", frameworks=EU)
def derogation_consent(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        consent = t.consent_mechanism
        if t.mechanism == "derogation-explicit-consent" and consent and consent.method in (
                ConsentMechanism.POLICY_ACCEPTANCE, ConsentMechanism.OPT_OUT):
            how = "acceptance of the privacy policy" if consent.method == ConsentMechanism.POLICY_ACCEPTANCE \
                else "not objecting (an opt-out)"
            yield (*transfer(t), f"The transfer claims the data subject's consent, but the document describes "
                   f"{how}. Art 49(1)(a) needs explicit consent to this transfer, specific to it, given after being "
                   "told of its risks (no adequacy decision, no safeguards).", consent.source or t.source,
                   "Ask for explicit, separate consent to the transfer with its risks stated, for occasional "
                   "transfers only; for regular ones put an Art 46 safeguard (2021 SCCs) in place.")


@rule("SCC_EXPIRED_OR_WRONG_MODULE", H, "GDPR Art 46(2)(c); Implementing Decision (EU) 2021/914",
      "SCCs are the pre-2021 clauses, or the module does not fit the parties' roles", frameworks=EU)
def scc_checks(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        mech = reg.mechanisms.get(t.mechanism or "")
        if mech is None:
            continue
        if mech.valid_until and mech.valid_until < reg.as_of:
            yield (*transfer(t), f"'{mech.title}' stopped providing safeguards on {mech.valid_until:%d %b %Y}.",
                   t.source, "Replace them with the 2021 SCCs (Decision 2021/914), choosing the module by roles.")
        importer = reg.recipients.get(t.recipient or "")
        if not (mech.parties and importer and importer.role):
            continue
        for a in reg.activities_with_transfer(t.key):
            roles = [controller_role(a.role), controller_role(importer.role)]
            if roles != list(mech.parties):
                fits = next((x.title for x in reg.mechanisms.values() if x.scc_module and x.parties == roles), None)
                yield (*transfer(t), f"{mech.title} is for {' to '.join(p.value.lower() for p in mech.parties)}, "
                       f"but in '{a.name}' the exporter is a {a.role.value.lower().replace('_', ' ')} and "
                       f"{importer.name} a {importer.role.value.lower().replace('_', ' ')}.", t.source,
                       f"Use {fits or 'the module that fits'}.")


@rule("SCC_MODULE_NOT_RECORDED", L, "GDPR Art 46(2)(c)", "SCCs are relied on without the module", frameworks=EU)
def scc_module_missing(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        if t.mechanism == "scc":
            yield (*transfer(t), "Standard contractual clauses are named, but not which 2021 module.", t.source,
                   "Record the module (1 C2C, 2 C2P, 3 P2P, 4 P2C) that fits the parties' roles.")


@rule("SAFEGUARD_NOT_IDENTIFIED", M, "GDPR Art 46, 30(1)(e)",
      "An Art 46 safeguard is stated, but not which one", frameworks=EU)
def safeguard_not_identified(reg: Register, gov: Governing) -> Iterator[Hit]:
    for t in reg.inv.transfers:
        if t.mechanism == "art46-unspecified":
            said = f" (the document: \"{t.stated_as}\")" if t.stated_as else ""
            yield (*transfer(t), f"The document says a safeguard protects the transfer{said}, but not which one, "
                   "so whether it is adequate cannot be checked.", t.source,
                   "Record the safeguard actually used: the 2021 SCCs with their module, BCRs, ...")
