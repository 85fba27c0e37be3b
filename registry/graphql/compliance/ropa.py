"""A regulator's record-of-processing template answered from the register, as GraphQL types."""

from __future__ import annotations

from typing import Self

import strawberry

from registry.domain.ropa_templates import Question, Template
from registry.graphql.base import Role
from registry.graphql.enums import expose
from registry.graphql.inventory.activity import ProcessingActivity
from registry.services import ropa as r

RopaTemplateName = expose(Template, name="RopaTemplateName", description="A supervisory authority's model of the "
                          "record of processing: the UK ICO's, Ireland's DPC's or France's CNIL's.")
AnswerStatus = expose(r.Status, name="AnswerStatus", description="How far the register answers a template's "
                      "question.")


@strawberry.type(description="One question of a regulator's template.")
class TemplateQuestion:
    key: str = strawberry.field(description="Stable key, e.g. `ICO.8.3`, `CNIL.9.2`.")
    required: bool = strawberry.field(description="True where Art 30 itself requires the answer (R); false where the "
                                      "authority recommends it for accountability (o).")
    english: str = strawberry.field(description="The question in English.")
    french: str | None = strawberry.field(description="For the CNIL: the French term of its register.")
    wording: str = strawberry.field(description="The question as the template's column header shows it (CNIL: the "
                                    "French term first, then the English).")
    controller_block: bool = strawberry.field(description="True for a question about the controller itself, "
                                              "answered once for the organisation rather than per activity.")

    @classmethod
    def from_domain(cls, q: Question) -> Self:
        return cls(key=q.key, required=q.required, english=q.english, french=q.french, wording=q.wording,
                   controller_block=q.controller)


@strawberry.type(description="The register's answer to one question: what it holds, the fields it came from, and "
                 "how complete it is.")
class TemplateAnswer:
    question: TemplateQuestion = strawberry.field(description="The question.")
    status: AnswerStatus = strawberry.field(  # type: ignore[valid-type]
        description="ANSWERED, PARTIAL, NOT_RECORDED (the register is silent) or NOT_APPLICABLE (the register "
        "knows the condition is false).")
    answer: str | None = strawberry.field(description="The answer in words; null where nothing is recorded.")
    fields: list[str] = strawberry.field(description="The register fields the answer comes from (or would come "
                                         "from), e.g. `processingActivity.documentLinks[LIA]`.")

    @classmethod
    def from_domain(cls, qa: r.QuestionAnswer) -> Self:
        return cls(question=TemplateQuestion.from_domain(qa.question), status=qa.answer.status,
                   answer=qa.answer.text, fields=list(qa.answer.fields))


@strawberry.type(description="Every per-activity question of a template, answered for one processing activity.")
class ActivityTemplateAnswers:
    activity: ProcessingActivity = strawberry.field(description="The processing activity.")
    answers: list[TemplateAnswer] = strawberry.field(description="Its answers, in the template's order.")


@strawberry.type(description="How the register answers one question across the activities (once, for a question "
                 "about the controller).")
class QuestionCoverage:
    question: TemplateQuestion = strawberry.field(description="The question.")
    answered: int = strawberry.field(description="Answers ANSWERED.")
    partial: int = strawberry.field(description="Answers PARTIAL.")
    not_recorded: int = strawberry.field(description="Answers NOT_RECORDED.")
    not_applicable: int = strawberry.field(description="Answers NOT_APPLICABLE.")
    coverage: float = strawberry.field(description="Answered or not applicable, as a share of all answers (0 to 1).")

    @classmethod
    def from_domain(cls, c: r.Coverage) -> Self:
        n = c.counts
        return cls(question=TemplateQuestion.from_domain(c.question), answered=n[r.Status.ANSWERED],
                   partial=n[r.Status.PARTIAL], not_recorded=n[r.Status.NOT_RECORDED],
                   not_applicable=n[r.Status.NOT_APPLICABLE], coverage=c.ratio)


@strawberry.type(description="A regulator's record-of-processing template answered from the register: the "
                 "controller block once, every other question for each activity, and the coverage. Download it in "
                 "the template's layout from `downloads`.")
class RopaTemplate:
    template: RopaTemplateName = strawberry.field(description="Which template.")  # type: ignore[valid-type]
    title: str = strawberry.field(description="The template's name.")
    organization: str = strawberry.field(description="The organisation's name.")
    role: Role | None = strawberry.field(description="The role whose activities are answered; null for all.")
    controller: list[TemplateAnswer] = strawberry.field(description="The questions about the controller itself, "
                                                        "answered once.")
    activities: list[ActivityTemplateAnswers] = strawberry.field(description="Each activity with its answers.")
    coverage: list[QuestionCoverage] = strawberry.field(description="Per question, in the template's order.")
    overall_coverage: float = strawberry.field(description="Answered or not applicable, as a share of every answer "
                                               "(0 to 1).")
    downloads: list[str] = strawberry.field(description="Paths of the same template as XLSX and CSV.")

    @classmethod
    def from_domain(cls, t: r.TemplateAnswers) -> Self:
        base = f"/organizations/{t.organization.slug}/ropa/{t.template.slug}"
        role = f"?role={t.role.value.lower()}" if t.role else ""
        return cls(template=t.template, title=t.title, organization=t.organization.legal_name, role=t.role,
                   controller=[TemplateAnswer.from_domain(qa) for qa in t.controller],
                   activities=[ActivityTemplateAnswers(activity=ProcessingActivity.from_domain(x.activity),
                                                       answers=[TemplateAnswer.from_domain(qa) for qa in x.answers])
                               for x in t.activities],
                   coverage=[QuestionCoverage.from_domain(c) for c in t.coverage], overall_coverage=t.overall,
                   downloads=[f"{base}.{x}{role}" for x in ("xlsx", "csv")])
