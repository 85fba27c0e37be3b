"""Every question of a supervisory authority's record-of-processing template, answered from the register.

A pure function of an inventory and the reference data. Each answer says what the register holds for the
question, the register fields it came from, and its status: ANSWERED; PARTIAL (something is recorded, not all the
question asks); NOT_APPLICABLE only where the register knows the condition is false (the activity says it has no
joint controller, no recorded data category is special, no recorded basis is consent, ...); NOT_RECORDED where the
register is silent. Silence is never "not applicable", and nothing is filled in that the register does not hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from registry.domain import models as m
from registry.domain.enums import Role
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.ropa_templates import TITLES, Question, Template, questions
from registry.services import ropa_bases, ropa_facts  # noqa: F401 - they register their answers
from registry.services.ropa_answering import ANSWERERS, Answer, Register, Status

__all__ = ["ANSWERERS", "ActivityAnswers", "Answer", "Coverage", "QuestionAnswer", "Register", "Status",
           "TemplateAnswers", "answer_template"]


@dataclass(frozen=True)
class QuestionAnswer:
    question: Question
    answer: Answer


@dataclass(frozen=True)
class ActivityAnswers:
    activity: m.ProcessingActivity
    answers: list[QuestionAnswer]


@dataclass(frozen=True)
class Coverage:
    """How the activities (or, for a controller question, the organisation) answer one question."""

    question: Question
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ratio(self) -> float:
        """Answered or not applicable, as a share of all answers (1.0 when there is nothing to answer)."""
        covered = self.counts[Status.ANSWERED] + self.counts[Status.NOT_APPLICABLE]
        return covered / self.total if self.total else 1.0


@dataclass(frozen=True)
class TemplateAnswers:
    """A template answered for one organisation: the controller block once, then each activity."""

    template: Template
    title: str
    organization: m.Organization
    role: Role | None
    controller: list[QuestionAnswer]
    activities: list[ActivityAnswers]

    @cached_property
    def coverage(self) -> list[Coverage]:
        counts: dict[str, dict[Status, int]] = {q.key: dict.fromkeys(Status, 0) for q in questions(self.template)}
        for qa in [*self.controller, *(qa for x in self.activities for qa in x.answers)]:
            counts[qa.question.key][qa.answer.status] += 1
        return [Coverage(q, counts[q.key]) for q in questions(self.template)]

    @property
    def overall(self) -> float:
        """Answered or not applicable, as a share of every answer (controller block included)."""
        total = sum(c.total for c in self.coverage)
        covered = sum(c.counts[Status.ANSWERED] + c.counts[Status.NOT_APPLICABLE] for c in self.coverage)
        return covered / total if total else 1.0


# --- the template -------------------------------------------------------------------------------------------------


def answer_template(inv: Inventory, ref: ReferenceData, template: Template, role: Role | None = None,
                    today: dt.date | None = None) -> TemplateAnswers:
    """Every question of `template` answered for the organisation (the controller block) and for each of its
    activities in `role` (every activity when `role` is None; JOINT_CONTROLLER counts as controller)."""
    reg = Register(inv, ref, today or dt.date.today())
    qs = questions(template)
    missing = {q.topic for q in qs} - set(ANSWERERS)
    if missing:
        raise LookupError(f"no answer for the topics {sorted(missing)}")
    controller = [QuestionAnswer(q, ANSWERERS[q.topic](reg, None)) for q in qs if q.controller]
    wanted = [a for a in inv.processing_activities
              if role is None or (a.role == Role.PROCESSOR) == (role == Role.PROCESSOR)]
    activities = [ActivityAnswers(a, [QuestionAnswer(q, ANSWERERS[q.topic](reg, a)) for q in qs if not q.controller])
                  for a in wanted]
    return TemplateAnswers(template, TITLES[template], inv.organization, role, controller, activities)
