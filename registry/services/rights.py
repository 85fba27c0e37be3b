"""Which data-subject rights apply to a processing activity, derived from its lawful bases and its automated
decision-making (GDPR Arts 7(3), 13-22, 77), never typed by hand.

Every basis carries access (15), rectification (16), restriction (18) and the right to complain (77). The others
depend on the basis, per the table in ROPA-TEMPLATES.md (after the ICO's guidance on each basis): a right
applies to the activity when any of its purposes rests on a basis that carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain import models as m

ALWAYS = ("access", "rectification", "restriction", "complaint")

RIGHTS: dict[str, tuple[str, str]] = {
    "access": ("Art 15", "Right of access"),
    "rectification": ("Art 16", "Right to rectification"),
    "erasure": ("Art 17", "Right to erasure"),
    "restriction": ("Art 18", "Right to restriction of processing"),
    "portability": ("Art 20", "Right to data portability"),
    "objection": ("Art 21", "Right to object"),
    "withdraw-consent": ("Art 7(3)", "Right to withdraw consent"),
    "automated-decisions": ("Art 22", "Right not to be subject to a solely automated decision"),
    "complaint": ("Art 77", "Right to lodge a complaint with a supervisory authority"),
}
"""Each right: its article and its name."""

BY_BASIS: dict[str, dict[str, str]] = {
    "GDPR:consent": {"erasure": "", "portability": "where the processing is automated",
                     "withdraw-consent": ""},
    "GDPR:contract": {"erasure": "", "portability": "where the processing is automated"},
    "GDPR:legal-obligation": {},
    "GDPR:vital-interests": {"erasure": ""},
    "GDPR:public-task": {"objection": ""},
    "GDPR:legitimate-interests": {"erasure": "", "objection": "absolute against direct marketing (Art 21(2))"},
}
"""The rights beyond the four every basis carries, by Art 6(1) basis, with any condition in words."""


@dataclass(frozen=True)
class ApplicableRight:
    """A right of the people whose data an activity processes, and why it applies."""

    key: str
    article: str
    title: str
    because: str
    """The bases (or the automated decision-making) it follows from, with any condition."""


def rights_that_apply(activity: m.ProcessingActivity) -> list[ApplicableRight]:
    """The rights that apply to `activity`, in a fixed order (access first, complaint last); empty when no GDPR
    Art 6 basis is recorded (the rights cannot be told then)."""
    bases = list(dict.fromkeys(b.basis for p in activity.purposes for b in p.lawful_bases if b.basis in BY_BASIS))
    if not bases:
        return []
    why: dict[str, list[str]] = {}
    for basis in bases:
        code = basis.split(":", 1)[1]
        for right in ALWAYS:
            why.setdefault(right, []).append(code)
        for right, condition in BY_BASIS[basis].items():
            why.setdefault(right, []).append(f"{code} ({condition})" if condition else code)
    if activity.automated_decisions is not None and activity.automated_decisions.value:
        why["automated-decisions"] = ["solely automated decisions with legal or similar effect are recorded"]
    return [ApplicableRight(key, *RIGHTS[key], because="; ".join(why[key])) for key in RIGHTS if key in why]
