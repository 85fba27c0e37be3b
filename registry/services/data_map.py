"""The data map: an organisation's flows of personal data as nodes and edges, for a picture or a tool.

Nodes are the organisation (the exporter of transfers that name no recipient), its processing activities, the
recipients they share with and the destinations (countries, territories, international organisations) data goes
to. Edges say who shares with whom and where each transfer goes; a transfer edge carries its footing under GDPR
Chapter V. A new kind of node (the systems an activity uses, say) is one more `NodeKind` and one more edge kind
built here; the page, the SVG and the GraphQL type read kinds from the data, not from code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from registry.domain import models as m
from registry.domain.enums import Adequacy, MechanismKind
from registry.domain.inventory import Inventory, ReferenceData

READS = ("processing_activities", "recipients", "transfers", "purposes", "data_categories")
"""The collections of an inventory the map is drawn from (the rest need not be read for it)."""


class NodeKind(str, Enum):
    """What a node of the data map stands for."""

    ORGANIZATION = "ORGANIZATION"
    ACTIVITY = "ACTIVITY"
    RECIPIENT = "RECIPIENT"
    DESTINATION = "DESTINATION"


class EdgeKind(str, Enum):
    """What an edge of the data map says."""

    SHARES_WITH = "SHARES_WITH"
    """An activity discloses personal data to a recipient."""
    TRANSFERS_TO = "TRANSFERS_TO"
    """A transfer of personal data to a destination outside the exporter's country (one edge per transfer)."""


class Footing(str, Enum):
    """What a transfer rests on under GDPR Chapter V."""

    ADEQUATE = "ADEQUATE"
    """The destination is in the EEA, or has an adequacy decision in force that the transfer relies on (Art 45)."""
    SAFEGUARDED = "SAFEGUARDED"
    """An Art 46 or 47 safeguard: SCCs, BCRs, a code of conduct, a certification, ..."""
    DEROGATION = "DEROGATION"
    """An Art 49 derogation: only for occasional transfers."""
    MISSING = "MISSING"
    """No mechanism recorded, an unknown one, or adequacy relied on where no decision is in force."""


def footing(t: m.Transfer, dest: m.Country | None, mech: m.TransferMechanism | None, on: dt.date) -> Footing:
    """The footing of one transfer from its mechanism's kind and the destination's adequacy on a date."""
    if dest is not None and dest.adequacy == Adequacy.EEA:
        return Footing.ADEQUATE
    adequate = dest is not None and dest.adequate_on(on)
    if mech is None:
        # A full decision needs no further authorisation (Art 45(1)); a partial one must say who it covers.
        return Footing.ADEQUATE if adequate and dest and dest.adequacy == Adequacy.FULL else Footing.MISSING
    if mech.kind == MechanismKind.ADEQUACY:
        return Footing.ADEQUATE if adequate else Footing.MISSING
    if mech.valid_until is not None and mech.valid_until < on:
        return Footing.MISSING  # e.g. the pre-2021 SCCs
    return Footing.SAFEGUARDED if mech.kind == MechanismKind.SAFEGUARD else Footing.DEROGATION


@dataclass(frozen=True)
class Detail:
    """One line of a record's details, as shown on hover or click."""

    label: str
    value: str


@dataclass
class Node:
    id: str
    kind: NodeKind
    label: str
    record: str | None
    """The record's id (`slug/key`, a country code), or None for a destination the transfer does not name."""
    details: list[Detail] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    """For an activity: its purposes' keys (the purpose filter)."""
    data_categories: list[str] = field(default_factory=list)
    """For an activity: its data categories' keys (the data-category filter)."""


@dataclass
class Edge:
    id: str
    kind: EdgeKind
    source: str
    target: str
    activities: list[str] = field(default_factory=list)
    """The activity nodes whose data takes this edge (the filters keep an edge when one of them is kept)."""
    footing: Footing | None = None
    transfer: str | None = None
    """For a transfer edge: the transfer record's id."""
    label: str | None = None
    details: list[Detail] = field(default_factory=list)


@dataclass(frozen=True)
class Choice:
    """A value a filter can take: its key and its name."""

    key: str
    name: str


@dataclass(frozen=True)
class DataMap:
    organization: str
    name: str
    nodes: list[Node]
    edges: list[Edge]
    purposes: list[Choice]
    data_categories: list[Choice]
    destinations: list[Choice]


def _where(c: m.Country) -> str:
    return f"{c.name} (international organisation)" if c.kind.value == "INTERNATIONAL_ORGANISATION" else c.name


def data_map(inv: Inventory, ref: ReferenceData, on: dt.date | None = None) -> DataMap:
    """The organisation's data map on a date (today by default): archived records are left out."""
    on = on or dt.date.today()
    org = inv.organization
    countries = {c.code: c for c in ref.countries}
    mechanisms = {x.code: x for x in ref.transfer_mechanisms}
    purposes = {p.key: p for p in inv.purposes if not p.archived}
    categories = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    recipients = {r.key: r for r in inv.recipients if not r.archived}
    transfers = {t.key: t for t in inv.transfers if not t.archived}
    activities = [a for a in inv.processing_activities if not a.archived]

    nodes: dict[str, Node] = {}
    edges: dict[str, Edge] = {}
    org_id = f"organization:{org.slug}"

    def recipient_node(r: m.Recipient) -> str:
        nid = f"recipient:{r.key}"
        if nid not in nodes:
            nodes[nid] = Node(nid, NodeKind.RECIPIENT, r.name, r.id, [
                Detail("Kind", r.kind.value.replace("_", " ").lower()),
                *([Detail("Services", ", ".join(r.services))] if r.services else []),
                *([Detail("Countries", ", ".join(r.countries))] if r.countries else []),
                Detail("Data-processing agreement", r.dpa.value.replace("_", " ").lower())])
        return nid

    def destination_node(t: m.Transfer) -> str:
        c = countries.get(t.destination or "")
        if c is None:
            nid = f"destination:?{t.key}"
            nodes[nid] = Node(nid, NodeKind.DESTINATION, t.destination_note or t.destination or "Not named", None,
                              [Detail("Destination", "not named in the register")])
            return nid
        nid = f"destination:{c.code}"
        if nid not in nodes:
            adequacy = {Adequacy.EEA: "in the EEA", Adequacy.FULL: "adequacy decision",
                        Adequacy.PARTIAL: "partial adequacy decision", Adequacy.NONE: "no adequacy decision"}
            nodes[nid] = Node(nid, NodeKind.DESTINATION, _where(c), c.code, [
                Detail("Adequacy", adequacy[c.adequacy] + ("" if c.adequate_on(on) or c.adequacy in
                                                           (Adequacy.EEA, Adequacy.NONE) else " (not in force)")),
                *([Detail("Decision", c.decision)] if c.decision else []),
                *([Detail("Note", c.note)] if c.note else [])])
        return nid

    def share(activity: str, recipient: str) -> None:
        eid = f"{activity}->{recipient}"
        edge = edges.setdefault(eid, Edge(eid, EdgeKind.SHARES_WITH, activity, recipient))
        if activity not in edge.activities:
            edge.activities.append(activity)

    def transfer_edge(t: m.Transfer) -> Edge:
        eid = f"transfer:{t.key}"
        if eid in edges:
            return edges[eid]
        r = recipients.get(t.recipient or "")
        if r is not None:
            source = recipient_node(r)
        else:
            source = org_id
            nodes.setdefault(org_id, Node(org_id, NodeKind.ORGANIZATION, org.legal_name, org.slug,
                                          [Detail("Role", "exporter of transfers that name no recipient")]))
        dest, mech = countries.get(t.destination or ""), mechanisms.get(t.mechanism or "")
        foot = footing(t, dest, mech, on)
        how = f"{mech.title} ({mech.article})" if mech else "no mechanism recorded"
        edges[eid] = Edge(eid, EdgeKind.TRANSFERS_TO, source, destination_node(t), footing=foot, transfer=t.id,
                          label=mech.title if mech else "no mechanism", details=[
                              Detail("Transfer", t.key), Detail("Mechanism", how),
                              Detail("Footing", foot.value.lower()),
                              *([Detail("As stated", t.stated_as)] if t.stated_as else []),
                              *([Detail("Transfer impact assessment", f"{t.tia_date}: {t.tia_outcome or ''}")]
                                if t.tia_date else [])])
        return edges[eid]

    for a in activities:
        aid = f"activity:{a.key}"
        nodes[aid] = Node(aid, NodeKind.ACTIVITY, a.name, a.id, [
            Detail("Role", a.role.value.replace("_", " ").lower()),
            *([Detail("Description", a.description)] if a.description else []),
            Detail("Purposes", ", ".join(purposes[p.purpose].name for p in a.purposes if p.purpose in purposes)
                   or "none recorded"),
            Detail("Data categories", ", ".join(categories[k].name if k in categories else k
                                                for k in a.data_categories) or "none recorded")],
            purposes=[p.purpose for p in a.purposes if p.purpose in purposes],
            data_categories=list(a.data_categories))
        for key in a.recipients:
            if key in recipients:
                share(aid, recipient_node(recipients[key]))
        for key in a.transfers:
            if key not in transfers:
                continue
            t = transfers[key]
            edge = transfer_edge(t)
            if aid not in edge.activities:
                edge.activities.append(aid)
            if t.recipient in recipients:
                share(aid, edge.source)
    for t in transfers.values():  # a transfer no activity lists is still a flow the register records
        transfer_edge(t)

    # The filters offer only what the map holds.
    used_purposes = {p for n in nodes.values() for p in n.purposes}
    used_categories = {c for n in nodes.values() for c in n.data_categories}
    return DataMap(
        org.slug, org.legal_name, list(nodes.values()), list(edges.values()),
        purposes=sorted((Choice(k, purposes[k].name) for k in used_purposes), key=lambda c: c.name.lower()),
        data_categories=sorted((Choice(k, categories[k].name if k in categories else k) for k in used_categories),
                               key=lambda c: c.name.lower()),
        destinations=sorted((Choice(n.id, n.label) for n in nodes.values() if n.kind == NodeKind.DESTINATION),
                            key=lambda c: c.name.lower()))
