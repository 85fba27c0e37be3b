"""The data map without a database: each transfer's footing from its mechanism and the destination's adequacy, the
nodes and edges of a seed organisation, and the DOT text the static picture is laid out from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from registry.domain import models as m
from registry.services.data_map import EdgeKind, Footing, NodeKind, data_map, footing
from registry.services.data_map_dot import to_dot
from registry.services.seeding import read_seed

SEED = Path(__file__).resolve().parents[2] / "seed"
REFERENCE, INVENTORIES = read_seed(SEED)
BY_SLUG = {i.organization.slug: i for i in INVENTORIES}
COUNTRIES = {c.code: c for c in REFERENCE.countries}
MECHANISMS = {x.code: x for x in REFERENCE.transfer_mechanisms}
TODAY = dt.date(2026, 11, 1)


@pytest.mark.parametrize(("destination", "mechanism", "expected"), [
    ("DE", None, Footing.ADEQUATE),                      # inside the EEA: no Chapter V transfer
    ("CH", None, Footing.ADEQUATE),                      # a full decision needs no further authorisation
    ("CH", "adequacy", Footing.ADEQUATE),
    ("US", "eu-us-dpf", Footing.ADEQUATE),               # a partial decision, relied on
    ("US", None, Footing.MISSING),                       # a partial decision covers only some recipients
    ("IN", "adequacy", Footing.MISSING),                 # adequacy claimed where there is no decision
    ("IN", "scc-2021-module-2", Footing.SAFEGUARDED),
    ("IN", "bcr", Footing.SAFEGUARDED),
    ("IN", "scc-pre-2021", Footing.MISSING),             # stopped providing safeguards on 27 Dec 2022
    ("IN", "derogation-explicit-consent", Footing.DEROGATION),
    ("IN", None, Footing.MISSING),
    (None, "scc", Footing.SAFEGUARDED),                  # an unnamed destination under a safeguard
    (None, None, Footing.MISSING),
])
def test_footing_of_a_transfer(destination: str | None, mechanism: str | None, expected: Footing) -> None:
    t = m.Transfer("acme", "t", destination=destination, mechanism=mechanism)
    assert footing(t, COUNTRIES.get(destination or ""), MECHANISMS.get(mechanism or ""), TODAY) == expected


def test_an_adequacy_decision_not_yet_in_force_is_no_footing() -> None:
    later = dataclasses.replace(COUNTRIES["CH"], adequacy_from=dt.date(2030, 1, 1))
    t = m.Transfer("acme", "t", destination="CH", mechanism="adequacy")
    assert footing(t, later, MECHANISMS["adequacy"], TODAY) == Footing.MISSING


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_transfer_of_a_seed_organisation_is_one_edge_with_its_footing(slug: str) -> None:
    inv = BY_SLUG[slug]
    dm = data_map(inv, REFERENCE, TODAY)
    transfers = [e for e in dm.edges if e.kind == EdgeKind.TRANSFERS_TO]
    assert sorted(e.transfer or "" for e in transfers) == sorted(t.id for t in inv.transfers if not t.archived)
    assert all(e.footing is not None for e in transfers)
    ids = {n.id for n in dm.nodes}
    assert all(e.source in ids and e.target in ids for e in dm.edges)  # no edge to a node the map lacks
    assert {n.record for n in dm.nodes if n.kind == NodeKind.ACTIVITY} == {
        a.id for a in inv.processing_activities if not a.archived}


def test_januscaler_shares_payments_with_its_payment_processors() -> None:
    dm = data_map(BY_SLUG["januscaler"], REFERENCE, TODAY)
    shares = {(e.source, e.target) for e in dm.edges if e.kind == EdgeKind.SHARES_WITH}
    assert ("activity:billing-account-management", "recipient:payment-processors") in shares
    (transfer,) = [e for e in dm.edges if e.kind == EdgeKind.TRANSFERS_TO]
    # Its one transfer names neither recipient nor country, and rests on an unspecified Art 46 safeguard.
    assert transfer.source == "organization:januscaler" and transfer.footing == Footing.SAFEGUARDED
    assert transfer.target.startswith("destination:?")
    activity = next(n for n in dm.nodes if n.id == "activity:billing-account-management")
    assert activity.purposes and activity.data_categories
    assert {c.key for c in dm.purposes} >= set(activity.purposes)


def test_the_dot_text_colours_each_transfer_and_escapes_names() -> None:
    inv = BY_SLUG["cloudfzs-jini"]
    inv = dataclasses.replace(inv, recipients=[dataclasses.replace(inv.recipients[0], name='Evil "quoted" \\ name'),
                                               *inv.recipients[1:]])
    dm = data_map(inv, REFERENCE, TODAY)
    dot = to_dot(dm)
    for e in dm.edges:
        if e.kind == EdgeKind.TRANSFERS_TO:
            assert f'class="transfer footing-{e.footing.value.lower()}"' in dot  # type: ignore[union-attr]
    assert 'Evil \\"quoted\\" \\\\ name' in dot
