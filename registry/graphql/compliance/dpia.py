"""DPIA screening and draft."""

from __future__ import annotations

from typing import Self

import strawberry

from registry.graphql.enums import expose
from registry.graphql.inventory.activity import ProcessingActivity
from registry.services import dpia

DpiaVerdict = expose(dpia.Verdict, description="Whether a DPIA is required (an Art 35(3) case applies), "
                              "likely required (two or more WP248 criteria met), undetermined (unknown criteria "
                              "could make it so: answer their questions) or not indicated.")
DpiaCriterionStatus = expose(dpia.Status, description="MET or NOT_MET by recorded facts, or UNKNOWN until "
                                      "the fact is recorded.")


@strawberry.type(description="One WP248 rev.01 criterion, with the register's facts that triggered it.")
class DpiaCriterion:
    number: int = strawberry.field(description="The criterion's number in WP248 (1-9).")
    title: str = strawberry.field(description="The criterion.")
    status: DpiaCriterionStatus = strawberry.field(description="MET, NOT_MET or UNKNOWN.")  # type: ignore[valid-type]
    met: bool = strawberry.field(description="True when recorded facts meet it.")
    assessable: bool = strawberry.field(description="False while the fact it needs is not recorded (UNKNOWN).")
    facts: list[str] = strawberry.field(description="The recorded facts behind the status, each with its source.")
    question: str | None = strawberry.field(description="For UNKNOWN: the question to answer and record.")


@strawberry.type(description="DPIA screening of a processing activity (GDPR Art 35; EDPB-endorsed WP248 rev.01).")
class DpiaScreening:
    activity: ProcessingActivity = strawberry.field(description="The activity screened.")
    verdict: DpiaVerdict = strawberry.field(description="Required, likely required or not indicated.")  # type: ignore[valid-type]
    explanation: str = strawberry.field(description="How the verdict was reached, and what was not assessable.")
    criteria: list[DpiaCriterion] = strawberry.field(description="All nine WP248 criteria.")
    mandatory_cases: list[str] = strawberry.field(description="The Art 35(3) cases that apply.")
    downloads: list[str] = strawberry.field(description="Paths of the DPIA draft as Markdown and Word (.docx).")

    @classmethod
    def from_domain(cls, s: dpia.Screening) -> Self:
        slug, key = s.activity.organization, s.activity.key
        base = f"/organizations/{slug}/activities/{key}/dpia-draft"
        return cls(activity=ProcessingActivity.from_domain(s.activity), verdict=s.verdict, explanation=s.explanation,
                   criteria=[DpiaCriterion(number=c.number, title=c.title, status=c.status, met=c.met,
                                           assessable=c.assessable, facts=list(c.facts), question=c.question)
                                     for c in s.criteria],
                   mandatory_cases=list(s.mandatory), downloads=[f"{base}.md", f"{base}.docx"])


@strawberry.type(description="A DPIA outline pre-filled from the inventory: the Art 35(7) sections in the CNIL "
                 "structure (context, fundamental principles, risks, measures).")
class DpiaDraft:
    screening: DpiaScreening = strawberry.field(description="The screening the draft starts from.")
    markdown: str = strawberry.field(description="The draft as Markdown.")
    pia_tool_download: str = strawberry.field(
        description="Path of the draft as a file the CNIL's PIA tool (version 4) imports: its context, data, "
        "retention, recipients and transfer answers and its existing measures pre-filled from the register and the "
        "screening (in the PIA tool: Import a PIA, then pick the file).")
