"""fideslang interop: a register as Fides manifests, and Fides manifests into the register.

fideslang (Ethyca's privacy taxonomy, adopted by IAB Tech Lab) describes systems, each with privacy declarations
(a data use with its data categories, data subjects and lawful basis), datasets, and the taxonomy itself. The
register maps onto it this way:

- an organisation is an `organization` (controller, DPO and representative as contact details);
- a processing activity is a `system` of type "Processing activity", with one privacy declaration per purpose
  and GDPR basis, all named after the activity;
- a purpose is a custom `data_use` keyed by the purpose's key; a data-subject category a `data_subject`;
- the shared data-category taxonomy is fideslang's own, so its keys are written as they are; the registry's
  extensions and the organisation's own categories are custom `data_category` resources under their parent (a
  manifest written before the taxonomy became fideslang's names the registry's former keys: they are read through
  `former_taxonomy.moved_key`);
- a recipient is a `system` of type "Recipient" keyed `recipient.<key>`, which activity systems name in `egress`.

What fideslang has no field for (an activity's transfer, retention and security records, a recipient's DPA and
countries) travels in the system's `meta.registry`, so an export imported again changes nothing.

An import merges: each resource the manifest describes is created or updated in the fields fideslang carries;
every other field of an existing record is kept, and nothing the manifest does not name is archived. Every key
the registry cannot map is reported. HOOK(SYSTEM kind): when the register gets a SYSTEM record kind (issue 13),
`_system_of` is where a Fides system without the "Processing activity" type should become one, its privacy
declarations staying the activities they are now.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.models import (
    DataCategory,
    DataSubject,
    DataUse,
    LegalBasisForProcessingEnum,
    Organization,
    PrivacyDeclaration,
    SpecialCategoryLegalBasisEnum,
    System,
    Taxonomy,
)
from pydantic import BaseModel, ValidationError

from registry.domain import models as m
from registry.domain.enums import CategoryOrigin, DpaStatus, RecipientKind, Role
from registry.domain.errors import InvalidInventory, Problem
from registry.domain.former_taxonomy import moved_key
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import BY_CLASS, category_id

ACTIVITY_SYSTEM = "Processing activity"
RECIPIENT_SYSTEM = "Recipient"
RECIPIENT_PREFIX = "recipient."


GDPR_TO_FIDES = {
    "GDPR:consent": LegalBasisForProcessingEnum.CONSENT.value,
    "GDPR:contract": LegalBasisForProcessingEnum.CONTRACT.value,
    "GDPR:legal-obligation": LegalBasisForProcessingEnum.LEGAL_OBLIGATION.value,
    "GDPR:vital-interests": LegalBasisForProcessingEnum.VITAL_INTEREST.value,
    "GDPR:public-task": LegalBasisForProcessingEnum.PUBLIC_INTEREST.value,
    "GDPR:legitimate-interests": LegalBasisForProcessingEnum.LEGITIMATE_INTEREST.value,
}
ART9_TO_FIDES = {
    "GDPR:art9-explicit-consent": SpecialCategoryLegalBasisEnum.CONSENT.value,
    "GDPR:art9-employment": SpecialCategoryLegalBasisEnum.EMPLOYMENT.value,
    "GDPR:art9-vital-interests": SpecialCategoryLegalBasisEnum.VITAL_INTEREST.value,
    "GDPR:art9-not-for-profit": SpecialCategoryLegalBasisEnum.NON_PROFIT_BODIES.value,
    "GDPR:art9-made-public": SpecialCategoryLegalBasisEnum.PUBLIC_BY_DATA_SUBJECT.value,
    "GDPR:art9-legal-claims": SpecialCategoryLegalBasisEnum.LEGAL_CLAIMS.value,
    "GDPR:art9-substantial-public-interest": SpecialCategoryLegalBasisEnum.PUBLIC_INTEREST.value,
    "GDPR:art9-health-care": SpecialCategoryLegalBasisEnum.MEDICAL.value,
    "GDPR:art9-public-health": SpecialCategoryLegalBasisEnum.PUBLIC_HEALTH_INTEREST.value,
    "GDPR:art9-archiving-research": SpecialCategoryLegalBasisEnum.RESEARCH.value,
}
FIDES_TO_GDPR = {v: k for k, v in GDPR_TO_FIDES.items()}
FIDES_TO_ART9 = {v: k for k, v in ART9_TO_FIDES.items()}
COMMON = {"fides_key", "organization_fides_key", "name", "description", "tags"}
READ: dict[str, set[str]] = {
    "organization": COMMON | {"controller", "data_protection_officer", "representative"},
    "system": COMMON | {"system_type", "responsibility", "privacy_declarations", "egress", "meta"},
    "declaration": {"name", "data_use", "data_categories", "data_subjects", "legal_basis_for_processing",
                    "impact_assessment_location", "special_category_legal_basis", "egress"},
    "data_category": COMMON | {"parent_key"},
    "data_use": COMMON | {"parent_key"},
    "data_subject": COMMON,
}
"""The fields of each resource the import reads; any other field with a value is reported as not mapped."""
DERIVED = {
    "system": {"does_international_transfers", "legal_basis_for_transfers", "data_security_practices", "legal_name",
               "legal_address", "dpo"},
    "declaration": {"processes_special_category_data", "data_shared_with_third_parties", "third_parties",
                    "retention_period"},
}
"""Fields the export writes from register facts it also carries in `meta.registry`: not reported when read back."""
MODELS: dict[str, type[BaseModel]] = {"organization": Organization, "system": System, "declaration": PrivacyDeclaration,
                           "data_category": DataCategory, "data_use": DataUse, "data_subject": DataSubject}
RESOURCE_TYPES = ("organization", "system", "dataset", "data_category", "data_use", "data_subject", "policy")


@cache
def fides_taxonomy() -> dict[str, dict[str, str]]:
    """fideslang's own taxonomy, read from the package: name by key, for categories, uses and subjects."""
    return {"data_category": {c.fides_key: c.name or c.fides_key for c in DEFAULT_TAXONOMY.data_category},
            "data_use": {u.fides_key: u.name or u.fides_key for u in DEFAULT_TAXONOMY.data_use},
            "data_subject": {s.fides_key: s.name or s.fides_key for s in DEFAULT_TAXONOMY.data_subject}}


def is_fides_manifest(data: Any) -> bool:
    """A Fides manifest has lists of resources at the top (`system:`, `dataset:`, a list under `organization:`);
    the registry's own file has an `organization:` mapping."""
    return isinstance(data, dict) and bool(data) and all(k in RESOURCE_TYPES for k in data) and all(
        isinstance(v, list) for v in data.values())


def validate(manifest: dict[str, Any], where: str = "manifest") -> Taxonomy:
    """The manifest read by fideslang's own models; every error with its place."""
    try:
        return Taxonomy.model_validate(manifest)
    except ValidationError as e:
        raise InvalidInventory(where, [Problem(".".join(str(x) for x in err["loc"]), err["msg"], "INVALID_FIDES")
                                       for err in e.errors()]) from None


# --- export ---------------------------------------------------------------------------------------------------


def _contact(p: m.Person | None) -> dict[str, str] | None:
    if p is None:
        return None
    return {"name": p.name or "", "address": p.address or "", "email": p.email or "", "phone": ""}


def export_fides(inv: Inventory, ref: ReferenceData) -> dict[str, Any]:
    """An organisation's register as one Fides manifest (organization, systems, and the custom data uses,
    data subjects and data categories they use)."""
    org, slug = inv.organization, inv.organization.slug
    shared = {c.key: c for c in ref.data_categories}
    own = {c.key: c for c in inv.data_categories}
    purposes = {p.key: p for p in inv.purposes}
    recipients = {r.key: r for r in inv.recipients}
    measures = {x.key: x for x in inv.security_measures}
    retention = {r.key: r for r in inv.retention_rules}
    transfers = {t.key: t for t in inv.transfers}
    custom: dict[str, dict[str, Any]] = {}

    def fideslangs(key: str) -> bool:
        return key not in own and key in shared and shared[key].category_origin is CategoryOrigin.FIDESLANG

    def add_custom(key: str) -> None:
        c = own.get(key) or shared.get(key)
        if c is None or key in custom or fideslangs(key):
            return
        head, dot, _ = key.rpartition(".")
        if dot:
            add_custom(head)
        custom[key] = {"fides_key": key, "organization_fides_key": slug, "name": c.name,
                       "description": c.description, "parent_key": head or None,
                       "tags": ["registry-organisation-category"] if key in own else ["registry-category"]}

    def category(cid: str) -> str:
        key = cid.removeprefix(f"{slug}/")
        if not fideslangs(key):
            add_custom(key)
        return key

    for c in inv.data_categories:  # the organisation's own, used or not, so a round trip keeps them
        add_custom(c.key)
    controller = {"name": org.legal_name, "address": org.address or "",
                  "email": next((c.email for c in org.contacts if c.email), "") or "",
                  "phone": next((c.phone for c in org.contacts if c.phone), "") or ""}
    out: dict[str, Any] = {"organization": [{
        "fides_key": slug, "name": org.legal_name, "description": org.description, "controller": controller,
        "data_protection_officer": _contact(org.dpo), "representative": _contact(org.representative)}]}
    systems: list[dict[str, Any]] = []
    for a in inv.processing_activities:
        cats = [category(c) for c in a.data_categories]
        special = any((own.get(k) or shared.get(k)) and ((own.get(k) or shared[k]).special_category)
                      for k in (c.removeprefix(f"{slug}/") for c in a.data_categories))
        shared_with = [recipients[k].name for k in a.recipients if k in recipients]
        rules = [retention[k] for k in a.retention_rules if k in retention]
        declarations = []
        for pa in a.purposes:
            gdpr = [b for b in pa.lawful_bases if b.basis in GDPR_TO_FIDES] or [None]
            art9 = next((ART9_TO_FIDES[c.basis] for c in pa.special_category_conditions if c.basis in ART9_TO_FIDES),
                        None)
            for b in gdpr:
                declarations.append({
                    "name": a.name, "data_use": pa.purpose, "data_categories": cats,
                    "data_subjects": list(a.data_subjects),
                    "legal_basis_for_processing": GDPR_TO_FIDES[b.basis] if b else None,
                    "impact_assessment_location": b.balancing_test if b else None,
                    "processes_special_category_data": special,
                    "special_category_legal_basis": art9,
                    "retention_period": "; ".join(f"{r.covers}: {r.period or r.stated_as or 'no period stated'}"
                                                  for r in rules) or None,
                    "data_shared_with_third_parties": bool(shared_with),
                    "third_parties": ", ".join(shared_with) or None,
                    "egress": [RECIPIENT_PREFIX + k for k in a.recipients if k in recipients] or None,
                })
        moves = [transfers[k] for k in a.transfers if k in transfers]
        systems.append({
            "fides_key": a.key, "organization_fides_key": slug, "name": a.name, "description": a.description,
            "system_type": ACTIVITY_SYSTEM,
            "responsibility": ["Processor" if a.role == Role.PROCESSOR else "Controller"],
            "privacy_declarations": declarations,
            "egress": [{"fides_key": RECIPIENT_PREFIX + k, "type": "system"} for k in a.recipients
                       if k in recipients] or None,
            "does_international_transfers": bool(moves),
            "legal_basis_for_transfers": sorted({t.mechanism for t in moves if t.mechanism}),
            "data_security_practices": "; ".join(measures[k].description for k in a.security_measures
                                                 if k in measures) or None,
            "legal_name": org.legal_name, "legal_address": org.address,
            "dpo": (org.dpo.email or org.dpo.name) if org.dpo else None,
            "meta": {"registry": {"controller": a.controller,
                                  "subprocessor_authorisation": a.subprocessor_authorisation.value
                                  if a.subprocessor_authorisation else None,
                                  "art10_authority": a.art10_authority, "transfers": list(a.transfers),
                                  "retention_rules": list(a.retention_rules),
                                  "security_measures": list(a.security_measures)}},
        })
    for r in inv.recipients:
        systems.append({
            "fides_key": RECIPIENT_PREFIX + r.key, "organization_fides_key": slug, "name": r.name,
            "system_type": RECIPIENT_SYSTEM, "privacy_declarations": [],
            "responsibility": [{"PROCESSOR": "Processor", "CONTROLLER": "Controller"}[r.role.value]] if r.role else [],
            "meta": {"registry": {"kind": r.kind.value, "role": r.role.value if r.role else None,
                                  "named": r.named, "services": list(r.services), "countries": list(r.countries),
                                  "dpa": r.dpa.value, "dpa_note": r.dpa_note,
                                  "dpf_certification": r.dpf_certification}},
        })
    out["system"] = systems
    used_purposes = [k for k in dict.fromkeys(pa.purpose for a in inv.processing_activities for pa in a.purposes)]
    out["data_use"] = [{"fides_key": p.key, "organization_fides_key": slug, "name": p.name,
                        "description": p.description} for p in inv.purposes]
    out["data_use"] += [{"fides_key": k, "organization_fides_key": slug, "name": k}
                        for k in used_purposes if k not in purposes]
    out["data_subject"] = [{"fides_key": s.key, "organization_fides_key": slug, "name": s.name,
                            "description": s.description} for s in inv.data_subjects]
    out["data_category"] = list(custom.values())
    return out


# --- import ---------------------------------------------------------------------------------------------------


@dataclass
class FidesReport:
    """What a Fides manifest became in the register, and what it could not."""

    mapped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return ([f"  mapped    {x}" for x in self.mapped] + [f"  NOT MAPPED {x}" for x in self.unmapped]
                + [f"fideslang: {len(self.mapped)} mapped, {len(self.unmapped)} not mapped."])


def slugify(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "unnamed"


def _person(c: dict[str, Any] | None, old: m.Person | None) -> m.Person | None:
    if not c or not any(c.get(k) for k in ("name", "email", "address")):
        return old if c is None else None
    new = m.Person(name=c.get("name") or None, email=c.get("email") or None, address=c.get("address") or None)
    if old and (old.name, old.email, old.address) == (new.name, new.email, new.address):
        return old
    return new


def _same_projection(old: Iterable[Any], new: Iterable[Any]) -> bool:
    return list(old) == list(new)


class _Importer:
    """Builds one organisation's merged inventory from a validated manifest."""

    def __init__(self, data: dict[str, Any], ref: ReferenceData, current: dict[str, Inventory],
                 report: FidesReport):
        self.data, self.ref, self.current, self.report = data, ref, current, report
        self.shared = {c.key for c in ref.data_categories}
        self.taxonomy = fides_taxonomy()
        self.custom_categories = {c["fides_key"]: c for c in data.get("data_category", [])}
        self.custom_uses = {u["fides_key"]: u for u in data.get("data_use", [])}
        self.custom_subjects = {s["fides_key"]: s for s in data.get("data_subject", [])}
        self.seen: set[str] = set()
        bases = {b.id for b in ref.legal_bases}
        assert set(GDPR_TO_FIDES) <= bases and set(ART9_TO_FIDES) <= bases, "the lawful-basis table is stale"

    def unread(self, kind: str, res: dict[str, Any], where: str, ours: bool = False) -> None:
        """Report every field of a resource with a value the register does not keep."""
        model = MODELS[kind]
        for k, v in res.items():
            if k in READ[kind] or (ours and k in DERIVED.get(kind, set())):
                continue
            info = model.model_fields.get(k)
            default = info.get_default(call_default_factory=True) if info is not None else None
            if v in (None, "", [], {}, False) or v == default:
                continue
            self.report.unmapped.append(f"{where}: {k} = {v!r} is not kept by the register")
        if kind == "organization":
            for name in ("controller", "data_protection_officer", "representative"):
                phone = (res.get(name) or {}).get("phone")
                if phone and name != "controller":
                    self.report.unmapped.append(f"{where}: {name}.phone = {phone!r} is not kept by the register "
                                                "(it keeps a name, email and address)")

    def organizations(self) -> dict[str, Inventory]:
        out: dict[str, Inventory] = {}
        for kind in ("organization", "data_category", "data_use", "data_subject"):
            for r in self.data.get(kind, []):
                self.unread(kind, r, f"{kind} {r.get('fides_key')}")
        for sy in self.data.get("system", []):
            ours = bool((sy.get("meta") or {}).get("registry"))
            self.unread("system", sy, f"system {sy.get('fides_key')}", ours)
            for i, d in enumerate(sy.get("privacy_declarations") or []):
                self.unread("declaration", d, f"system {sy.get('fides_key')} privacy_declarations[{i}]", ours)
        orgs = {o["fides_key"]: o for o in self.data.get("organization", [])}
        named = {r.get("organization_fides_key", "default_organization")
                 for kind in ("system", "data_use", "data_subject", "data_category", "dataset")
                 for r in self.data.get(kind, [])}
        for key in [*orgs, *sorted(named - set(orgs))]:
            out[key] = self._organization(key, orgs.get(key))
        for d in self.data.get("dataset", []):
            cats = sorted({c for coll in d.get("collections") or [] for f in coll.get("fields") or []
                           for c in f.get("data_categories") or []} | set(d.get("data_categories") or []))
            self.report.unmapped.append(
                f"dataset {d['fides_key']}: the register keeps no datasets; its data categories "
                f"({', '.join(cats) or 'none'}) count only where a system's privacy declaration names them")
        for p in self.data.get("policy", []):
            self.report.unmapped.append(f"policy {p['fides_key']}: Fides policies are not kept in the register")
        return out

    def _organization(self, fides_key: str, res: dict[str, Any] | None) -> Inventory:
        slug = slugify(fides_key)
        cur = self.current.get(slug)
        res = res or {}
        ctrl = res.get("controller") or {}
        if cur:
            org = cur.organization
        else:
            org = m.Organization(slug=slug, legal_name=res.get("name") or ctrl.get("name") or fides_key)
            if not res:
                self.report.unmapped.append(f"organization {fides_key}: named by resources but not defined in the "
                                            f"manifest; created as '{slug}' with only its key as its name")
        changes: dict[str, Any] = {}
        if res.get("name") and res["name"] != org.legal_name:
            changes["legal_name"] = res["name"]
        if res.get("description") is not None and res.get("description") != org.description:
            changes["description"] = res["description"]
        if ctrl.get("address") and ctrl["address"] != org.address:
            changes["address"] = ctrl["address"]
        if (ctrl.get("email") or ctrl.get("phone")) and not any(
                c.email == (ctrl.get("email") or None) and (not ctrl.get("phone") or c.phone == ctrl.get("phone"))
                for c in org.contacts) and not any(c.email == ctrl.get("email") for c in org.contacts if c.email):
            changes["contacts"] = [*org.contacts, m.Contact(purpose="controller", email=ctrl.get("email") or None,
                                                            phone=ctrl.get("phone") or None)]
        for name, fides_name in (("dpo", "data_protection_officer"), ("representative", "representative")):
            if fides_name in res:
                p = _person(res[fides_name], getattr(org, name))
                if p != getattr(org, name):
                    changes[name] = p
        org = dataclasses.replace(org, **changes) if changes else org
        self.report.mapped.append(f"organization {fides_key} -> organisation '{slug}'")
        inv = cur or Inventory(organization=org)
        inv = dataclasses.replace(inv, organization=org)  # type: ignore[type-var]
        return self._inventory(fides_key, inv)

    # categories ---------------------------------------------------------------------------------------------

    def _category(self, inv: Inventory, key: str, where: str) -> tuple[Inventory, str | None]:
        """The id of the registry category a fideslang key names (adding the organisation's own where needed)."""
        slug = inv.organization.slug
        own = {c.key for c in inv.data_categories}
        res = self.custom_categories.get(key)
        if key not in self.shared and moved_key(key) != key:  # a manifest written before the move
            if key not in self.seen:
                self.seen.add(key)
                self.report.mapped.append(f"data category {key} -> {moved_key(key)} (the registry's former key, "
                                          "renamed when its taxonomy became fideslang's)")
            key = moved_key(key)
        if key in self.shared:
            return inv, key
        if key in own:
            return inv, category_id(slug, key, False)
        if key.startswith("system"):
            self.report.unmapped.append(f"{where}: data category {key} is system data, not personal data; left out")
            return inv, None
        if res is None and key not in self.taxonomy["data_category"]:
            self.report.unmapped.append(f"{where}: data category {key} is neither fideslang's nor defined in the "
                                        "manifest; left out (define it under `data_category:`)")
            return inv, None
        if res is None:  # fideslang's, missing from the stored taxonomy (seeded with an older fideslang?): the
            # nearest broader one, or a new one
            head = key.rpartition(".")[0]
            while head and head not in self.shared:
                head = head.rpartition(".")[0]
            broader = head
            if broader and broader != "user":
                self.report.mapped.append(f"{where}: data category {key} -> {broader} (broader: the registry has no "
                                          "narrower category)")
                return inv, broader
        new_key = re.sub(r"[^a-z0-9_.]+", "_", key.lower())
        parent = new_key.rpartition(".")[0]
        if parent:
            inv, parent_id = self._category(inv, parent, where)
            if parent_id is None:
                return inv, None
            parent = parent_id.split("/")[-1]
            new_key = f"{parent}.{new_key.rpartition('.')[2]}"
        if new_key in self.shared:
            return inv, new_key
        if new_key not in {c.key for c in inv.data_categories}:
            name = (res or {}).get("name") or self.taxonomy["data_category"].get(key) or key
            inv = inv.replacing(m.DataCategory(key=new_key, name=name, description=(res or {}).get("description"),
                                               organization=slug))
            self.report.mapped.append(f"{where}: data category {key} -> the organisation's own category {new_key} "
                                      "(no registry equivalent)")
        return inv, category_id(slug, new_key, False)

    # the inventory ------------------------------------------------------------------------------------------

    def _inventory(self, fides_key: str, inv: Inventory) -> Inventory:
        def mine(r: dict[str, Any]) -> bool:
            return r.get("organization_fides_key", "default_organization") == fides_key

        for c in self.data.get("data_category", []):
            if mine(c):
                cur = next((x for x in inv.data_categories if x.key == moved_key(c["fides_key"])), None)
                if cur is not None:
                    new = dataclasses.replace(cur, name=c.get("name") or cur.name, description=c.get("description"))
                    if new != cur:
                        inv = inv.replacing(new)
                else:
                    inv, _ = self._category(inv, c["fides_key"], f"data_category {c['fides_key']}")
        for u in self.data.get("data_use", []):
            if mine(u):
                inv = self._purpose(inv, u["fides_key"], u)
        for s in self.data.get("data_subject", []):
            if mine(s):
                inv = self._subject(inv, s["fides_key"], s)
        systems = [s for s in self.data.get("system", []) if mine(s)]
        for s in systems:
            if s.get("system_type") == RECIPIENT_SYSTEM or (not s.get("privacy_declarations")
                                                            and s.get("system_type") != ACTIVITY_SYSTEM):
                inv = self._recipient(inv, s)
        for s in systems:
            if s.get("privacy_declarations") or s.get("system_type") == ACTIVITY_SYSTEM:
                inv = self._system_of(inv, s)
        return inv

    def _purpose(self, inv: Inventory, fides_key: str, res: dict[str, Any] | None) -> Inventory:
        return self._named(inv, m.Purpose, "data_use", "data use", "purpose", fides_key, res)

    def _subject(self, inv: Inventory, fides_key: str, res: dict[str, Any] | None) -> Inventory:
        return self._named(inv, m.DataSubjectCategory, "data_subject", "data subject", "data-subject category",
                           fides_key, res)

    def _named(self, inv: Inventory, cls: type[Any], section: str, theirs: str, ours: str, fides_key: str,
               res: dict[str, Any] | None) -> Inventory:
        """A purpose or data-subject category from a Fides data use or data subject: the manifest's own definition
        `res`, or else fideslang's name for the key, or else the key itself (reported as not mapped)."""
        key = slugify(fides_key)
        cur = next((x for x in inv.of(BY_CLASS[cls]) if x.key == key), None)
        if res is None:
            name = self.taxonomy[section].get(fides_key)
            if name is None:
                self.report.unmapped.append(f"{theirs} {fides_key}: neither fideslang's nor defined in the manifest; "
                                            f"became {ours} '{key}' named after its key")
                name = fides_key
            else:
                self.report.mapped.append(f"{theirs} {fides_key} (fideslang's '{name}') -> {ours} '{key}'")
            res = {"name": name}
        new = cls(organization=inv.organization.slug, key=key, name=res.get("name") or fides_key,
                  description=res.get("description"))
        if cur is not None:
            new = dataclasses.replace(cur, name=new.name, description=new.description)
        if new != cur:
            inv = inv.replacing(new)
        return inv

    def _recipient(self, inv: Inventory, s: dict[str, Any]) -> Inventory:
        key = slugify(s["fides_key"].removeprefix(RECIPIENT_PREFIX))
        meta = ((s.get("meta") or {}).get("registry") or {})
        cur = next((r for r in inv.recipients if r.key == key), None)
        resp = s.get("responsibility") or []
        role = meta.get("role") or ("PROCESSOR" if "Processor" in resp or "Sub-Processor" in resp else
                                    "CONTROLLER" if "Controller" in resp else None)
        fields: dict[str, Any] = {"name": s.get("name") or s["fides_key"], "role": Role(role) if role else None}
        if meta:
            fields.update(kind=RecipientKind(meta["kind"]), named=bool(meta.get("named")),
                          services=list(meta.get("services") or []), countries=list(meta.get("countries") or []),
                          dpa=DpaStatus(meta.get("dpa") or "NOT_STATED"), dpa_note=meta.get("dpa_note"),
                          dpf_certification=meta.get("dpf_certification"))
        new = (dataclasses.replace(cur, **fields) if cur else
               m.Recipient(organization=inv.organization.slug, key=key, **fields))
        self.report.mapped.append(f"system {s['fides_key']} (no privacy declaration) -> recipient '{key}'")
        return inv.replacing(new) if new != cur else inv

    def _system_of(self, inv: Inventory, s: dict[str, Any]) -> Inventory:
        """A Fides system's privacy declarations as processing activities: one per declaration name (declarations
        sharing a name are one activity with several purposes). HOOK(SYSTEM kind): create the SYSTEM record here
        and link these activities to it once that kind exists."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for d in s.get("privacy_declarations") or []:
            groups.setdefault(d.get("name") or s.get("name") or s["fides_key"], []).append(d)
        if not groups:
            groups[s.get("name") or s["fides_key"]] = []
        recipient_keys = {r.key for r in inv.recipients}
        flows: dict[str, str] = {}
        for flow in s.get("egress") or []:
            rk = slugify(flow["fides_key"].removeprefix(RECIPIENT_PREFIX))
            if flow.get("type") == "system" and rk in recipient_keys:
                flows[flow["fides_key"]] = rk
            else:
                self.report.unmapped.append(
                    f"system {s['fides_key']}: egress to {flow.get('type')} {flow['fides_key']} is a flow between the "
                    "organisation's own systems, not to a recipient; left out")
        declared = any(d.get("egress") for d in s.get("privacy_declarations") or [])
        for name, decls in groups.items():
            key = slugify(s["fides_key"]) if len(groups) == 1 else f"{slugify(s['fides_key'])}-{slugify(name)}"
            named = [k for d in decls for k in d.get("egress") or []]
            if declared:  # the declarations say where their data goes
                recipients = list(dict.fromkeys(flows[k] for k in named if k in flows))
            else:  # the system's flows are its only activity's; with several, whose they are is not said
                recipients = list(dict.fromkeys(flows.values())) if len(groups) == 1 else []
                if flows and len(groups) > 1:
                    self.report.unmapped.append(
                        f"system {s['fides_key']} / '{name}': the system sends data to {', '.join(flows)} but its "
                        "declarations do not say which of them do; name them in each declaration's egress")
            inv = self._activity(inv, s, key, name, decls, recipients)
        return inv

    def _activity(self, inv: Inventory, s: dict[str, Any], key: str, name: str,
                  decls: list[dict[str, Any]], recipients: list[str]) -> Inventory:
        where = f"system {s['fides_key']}"
        cur = next((a for a in inv.processing_activities if a.key == key), None)
        meta = ((s.get("meta") or {}).get("registry") or {})
        resp = s.get("responsibility") or []
        role = Role.PROCESSOR if ("Processor" in resp or "Sub-Processor" in resp) and "Controller" not in resp \
            else Role.CONTROLLER
        cats: list[str] = []
        subjects: list[str] = []
        by_use: dict[str, list[dict[str, Any]]] = {}
        for d in decls:
            for c in d.get("data_categories") or []:
                inv, cid = self._category(inv, c, where)
                if cid and cid not in cats:
                    cats.append(cid)
            for x in d.get("data_subjects") or []:
                if slugify(x) not in {y.key for y in inv.data_subjects}:
                    inv = self._subject(inv, x, self.custom_subjects.get(x))
                if slugify(x) not in subjects:
                    subjects.append(slugify(x))
            by_use.setdefault(d["data_use"], []).append(d)
        old_purposes = {pa.purpose: pa for pa in (cur.purposes if cur else [])}
        purposes = []
        for use, ds in by_use.items():
            pkey = slugify(use)
            if pkey not in {p.key for p in inv.purposes}:
                inv = self._purpose(inv, use, self.custom_uses.get(use))
            bases = []
            for d in ds:
                lb = d.get("legal_basis_for_processing")
                if lb:
                    bases.append(m.BasisAssignment(basis=FIDES_TO_GDPR[lb],
                                                   balancing_test=d.get("impact_assessment_location")))
            art9 = next((FIDES_TO_ART9[d["special_category_legal_basis"]] for d in ds
                         if d.get("special_category_legal_basis")), None)
            old = old_purposes.get(pkey)
            if old is not None:
                gdpr_old = [(b.basis, b.balancing_test) for b in old.lawful_bases if b.basis in GDPR_TO_FIDES]
                if _same_projection(gdpr_old, [(b.basis, b.balancing_test) for b in bases]):
                    lawful = old.lawful_bases
                else:
                    kept = {b.basis: b for b in old.lawful_bases}
                    lawful = [dataclasses.replace(kept[b.basis], balancing_test=b.balancing_test)
                              if b.basis in kept else b for b in bases]
                    lawful += [b for b in old.lawful_bases if b.basis not in GDPR_TO_FIDES]
                first9 = next((c.basis for c in old.special_category_conditions if c.basis in ART9_TO_FIDES), None)
                conditions = old.special_category_conditions if first9 == art9 else (
                    [m.BasisAssignment(basis=art9)] if art9 else [])
            else:
                lawful, conditions = bases, [m.BasisAssignment(basis=art9)] if art9 else []
            purposes.append(m.PurposeAssignment(purpose=pkey, lawful_bases=lawful,
                                                special_category_conditions=conditions))
        fields: dict[str, Any] = {"name": name, "description": s.get("description"), "role": role,
                                  "purposes": purposes, "data_categories": cats, "data_subjects": subjects,
                                  "recipients": recipients}
        have = {"transfers": {t.key for t in inv.transfers}, "retention_rules": {r.key for r in inv.retention_rules},
                "security_measures": {x.key for x in inv.security_measures}}
        for list_name, known in have.items():
            if list_name in meta:
                fields[list_name] = [k for k in meta[list_name] if k in known]
                for k in meta[list_name]:
                    if k not in known:
                        self.report.unmapped.append(f"{where}: {list_name.replace('_', ' ')[:-1]} '{k}' is not in the "
                                                    "register; add it there, then import again")
        for name_, value in (("controller", meta.get("controller")),
                             ("art10_authority", meta.get("art10_authority"))):
            if name_ in meta:
                fields[name_] = value
        if "subprocessor_authorisation" in meta:
            fields["subprocessor_authorisation"] = meta["subprocessor_authorisation"] and \
                m.SubprocessorAuthorisation(meta["subprocessor_authorisation"])
        if not meta:
            if s.get("does_international_transfers"):
                named = ", ".join(s.get("legal_basis_for_transfers") or []) or "no basis named"
                self.report.unmapped.append(f"{where}: international transfers ({named}) need transfer records with "
                                            "a destination; add them in the register")
            if s.get("data_security_practices"):
                self.report.unmapped.append(f"{where}: data_security_practices is free text; record the measures as "
                                            "security measures in the register")
        new = dataclasses.replace(cur, **fields) if cur else m.ProcessingActivity(
            organization=inv.organization.slug, key=key, **fields)
        self.report.mapped.append(f"{where} / privacy declarations '{name}' -> processing activity '{key}' "
                                  f"({len(purposes)} purpose(s), {len(cats)} data categories)")
        return inv.replacing(new) if new != cur else inv


def import_fides(data: dict[str, Any], ref: ReferenceData, current: dict[str, Inventory],
                 where: str = "manifest") -> tuple[dict[str, Inventory], FidesReport]:
    """Each organisation of a Fides manifest merged into its current inventory (`current`, by slug)."""
    validate(data, where)
    report = FidesReport()
    unknown = sorted(set(data) - set(RESOURCE_TYPES))
    report.unmapped += [f"{k}: not a fideslang resource type; ignored" for k in unknown]
    importer = _Importer(data, ref, current, report)
    merged = {slugify(k): inv for k, inv in importer.organizations().items()}
    return merged, report
