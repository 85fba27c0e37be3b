"""The rights that apply, derived from the lawful bases and automated decisions (no database)."""

from __future__ import annotations

import pytest

from registry.domain import models as m
from registry.domain.enums import Role
from registry.services.rights import rights_that_apply

FOUR = {"access", "rectification", "restriction", "complaint"}


def activity(*bases: str, automated: bool | None = None) -> m.ProcessingActivity:
    return m.ProcessingActivity(
        "o", "a", "A", Role.CONTROLLER,
        purposes=[m.PurposeAssignment("p", [m.BasisAssignment(b) for b in bases])],
        automated_decisions=m.Fact(automated) if automated is not None else None)


@pytest.mark.parametrize(("basis", "extra"), [
    ("GDPR:consent", {"erasure", "portability", "withdraw-consent"}),
    ("GDPR:contract", {"erasure", "portability"}),
    ("GDPR:legal-obligation", set()),
    ("GDPR:vital-interests", {"erasure"}),
    ("GDPR:public-task", {"objection"}),
    ("GDPR:legitimate-interests", {"erasure", "objection"}),
])
def test_each_basis_carries_the_rights_of_the_table(basis: str, extra: set[str]) -> None:
    assert {r.key for r in rights_that_apply(activity(basis))} == FOUR | extra


def test_rights_of_several_bases_add_up_and_say_why() -> None:
    rights = {r.key: r for r in rights_that_apply(activity("GDPR:legal-obligation", "GDPR:public-task"))}
    assert set(rights) == FOUR | {"objection"}
    assert rights["access"].because == "legal-obligation; public-task"
    assert rights["objection"].article == "Art 21" and rights["objection"].because == "public-task"


def test_automated_decisions_add_art_22_only_when_recorded_as_made() -> None:
    assert "automated-decisions" in {r.key for r in rights_that_apply(activity("GDPR:contract", automated=True))}
    assert "automated-decisions" not in {r.key for r in rights_that_apply(activity("GDPR:contract", automated=False))}


def test_no_gdpr_basis_means_the_rights_cannot_be_told() -> None:
    assert rights_that_apply(activity()) == []
    assert rights_that_apply(activity("DPDP:consent")) == []
