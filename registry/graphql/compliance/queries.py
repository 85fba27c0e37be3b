"""What the register finds: compliance findings, DPIA screening, the Art 30 record, transfers and frameworks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from registry.domain.enums import Framework as FrameworkEnum
from registry.domain.enums import Role as RoleEnum
from registry.domain.enums import Severity as SeverityEnum
from registry.domain.ropa_templates import Template
from registry.graphql.base import Role, Severity
from registry.graphql.compliance.data_map import DataMap
from registry.graphql.compliance.dpia import DpiaDraft, DpiaScreening
from registry.graphql.compliance.findings import ComplianceRule, Finding
from registry.graphql.compliance.records_of_processing import RecordsOfProcessing
from registry.graphql.compliance.ropa import RopaTemplate, RopaTemplateName
from registry.graphql.compliance.views import CrossFrameworkRow, TransferRegisterRow
from registry.graphql.context import Info
from registry.graphql.inventory.activity import ProcessingActivity
from registry.graphql.inventory.records import Recipient, Transfer
from registry.graphql.lookups import load_activity, load_organization
from registry.graphql.reference.types import Country, LegalBasis, TransferMechanism
from registry.services import data_map, dpia
from registry.services import findings as compliance
from registry.services.frameworks import cross_framework
from registry.services.records import records_of_processing
from registry.services.registers import read_inventory, read_reference
from registry.services.ropa import answer_template

OrganizationSlug = Annotated[str, strawberry.argument(description="The organisation's slug, e.g. `januscaler`.")]
ActivityId = Annotated[relay.GlobalID, strawberry.argument(
    description="The activity's global `id`, from `organization(slug:) { processingActivities { id name } }`.")]


@strawberry.type(description="Questions about compliance.")
class ComplianceQuery:
    @strawberry.field(description="What the compliance rules find in an organisation's register, most severe first, "
                      "under the laws recorded as applying to it, as in force on `asOf`: a duty not yet in force "
                      "gives a readiness finding, not a breach.")
    async def findings(
        self, info: Info, organization: OrganizationSlug,
        severity: Annotated[Severity | None, strawberry.argument(
            description="Keep findings at or above this level; leave out for all.")] = None,
        as_of: Annotated[dt.date | None, strawberry.argument(
            description="Evaluate the law in force on this date (YYYY-MM-DD); leave out for today.")] = None,
    ) -> list[Finding]:
        org = await load_organization(info, organization)
        repos = info.context.repos
        found = compliance.find(await read_inventory(repos, org.slug), await read_reference(repos), as_of)
        floor = SeverityEnum(severity).rank if severity is not None else 0
        return [Finding.from_domain(f) for f in found if f.severity.rank >= floor]

    @strawberry.field(description="The compliance rules the registry checks.")
    def compliance_rules(self) -> list[ComplianceRule]:
        return [ComplianceRule.from_domain(r) for r in compliance.RULES]

    @strawberry.field(description="The record of processing activities as GDPR Art 30 lists it: Art 30(1) for role "
                      "CONTROLLER, Art 30(2) for PROCESSOR. Empty fields say 'Not recorded' instead of vanishing.")
    async def records_of_processing(
        self, info: Info, organization: OrganizationSlug,
        role: Annotated[Role, strawberry.argument(
            description="CONTROLLER for the Art 30(1) record, PROCESSOR for the Art 30(2) record.")
        ] = RoleEnum.CONTROLLER,
    ) -> RecordsOfProcessing:
        org = await load_organization(info, organization)
        repos = info.context.repos
        rec = records_of_processing(await read_inventory(repos, org.slug), await read_reference(repos),
                                    RoleEnum(role))
        return RecordsOfProcessing.from_domain(rec, org.slug)

    @strawberry.field(description="A supervisory authority's record-of-processing template (UK ICO, Ireland's DPC, "
                      "France's CNIL) answered from the register: every question for each activity, with its "
                      "answer, the register fields it came from and its status, plus the coverage per question and "
                      "overall. Nothing is filled in that the register does not hold.")
    async def ropa_template(
        self, info: Info, organization: OrganizationSlug,
        template: Annotated[RopaTemplateName, strawberry.argument(  # type: ignore[valid-type]
            description="Which authority's template: UK_ICO, IE_DPC or FR_CNIL.")],
        role: Annotated[Role | None, strawberry.argument(
            description="Only the activities where the organisation takes this role (CONTROLLER includes joint "
            "control); leave out for every activity.")] = None,
    ) -> RopaTemplate:
        org = await load_organization(info, organization)
        repos = info.context.repos
        answers = answer_template(await read_inventory(repos, org.slug), await read_reference(repos),
                                  Template(template), RoleEnum(role) if role is not None else None)
        return RopaTemplate.from_domain(answers)

    @strawberry.field(description="DPIA screening of one processing activity: which WP248 criteria are met and why, "
                      "which Art 35(3) cases apply, and the verdict.")
    async def dpia_screening(self, info: Info, activity: ActivityId) -> DpiaScreening:
        a = await load_activity(info, activity)
        repos = info.context.repos
        inv, ref = await read_inventory(repos, a.organization), await read_reference(repos)
        return DpiaScreening.from_domain(dpia.screen(a, inv, ref))

    @strawberry.field(description="A DPIA outline for one processing activity, pre-filled from the inventory; "
                      "download it as Markdown or Word from `screening.downloads`, or for the CNIL PIA tool from "
                      "`piaToolDownload`.")
    async def dpia_draft(self, info: Info, activity: ActivityId) -> DpiaDraft:
        a = await load_activity(info, activity)
        repos = info.context.repos
        inv, ref = await read_inventory(repos, a.organization), await read_reference(repos)
        s = dpia.screen(a, inv, ref)
        return DpiaDraft(screening=DpiaScreening.from_domain(s), markdown=dpia.draft_markdown(s, inv, ref),
                         pia_tool_download=f"/organizations/{a.organization}/activities/{a.key}/dpia.pia.json")

    @strawberry.field(description="The transfers register: every transfer with destination, adequacy status, "
                      "mechanism, SCC module, and its transfer impact assessment where recorded.")
    async def transfers_register(self, info: Info, organization: OrganizationSlug) -> list[TransferRegisterRow]:
        org = await load_organization(info, organization)
        loaders = info.context.loaders
        transfers = await loaders.of_organization("transfers", org.slug)
        activities = await loaders.of_organization("processing_activities", org.slug)
        countries = {c.code: c for c in await loaders.many("countries", [t.destination for t in transfers
                                                                         if t.destination])}
        mechanisms = {x.code: x for x in await loaders.many("transfer_mechanisms", [t.mechanism for t in transfers
                                                                                   if t.mechanism])}
        recipients = {r.key: r for r in await loaders.of_organization("recipients", org.slug)}
        rows = []
        for t in transfers:
            c, mech = countries.get(t.destination or ""), mechanisms.get(t.mechanism or "")
            r = recipients.get(t.recipient or "")
            rows.append(TransferRegisterRow(
                transfer=Transfer.from_domain(t), destination=Country.from_domain(c) if c else None,
                adequacy=c.adequacy.value if c else "UNKNOWN",
                mechanism=TransferMechanism.from_domain(mech) if mech else None,
                scc_module=mech.scc_module if mech else None, recipient=Recipient.from_domain(r) if r else None,
                tia_date=t.tia_date, tia_outcome=t.tia_outcome,
                activities=[ProcessingActivity.from_domain(a) for a in activities if t.key in a.transfers]))
        return rows

    @strawberry.field(description="The organisation's data map: its activities, the recipients they share with and "
                      "the destinations data is transferred to, each transfer with its footing (ADEQUATE, "
                      "SAFEGUARDED, DEROGATION, MISSING). The registry draws it at "
                      "`/organizations/{slug}/data-map` (and `.svg`); tools can draw their own from this.")
    async def data_map(
        self, info: Info, organization: OrganizationSlug,
        as_of: Annotated[dt.date | None, strawberry.argument(
            description="Judge adequacy decisions as in force on this date (YYYY-MM-DD); leave out for today.")
        ] = None,
    ) -> DataMap:
        org = await load_organization(info, organization)
        repos = info.context.repos
        return DataMap.from_domain(data_map.data_map(await read_inventory(repos, org.slug, data_map.READS),
                                                     await read_reference(repos), as_of))

    @strawberry.field(description="For an organisation subject to both GDPR and India's DPDP Act: each activity's "
                      "lawful basis under each framework side by side. Empty when not both apply.")
    async def cross_framework_view(self, info: Info, organization: OrganizationSlug) -> list[CrossFrameworkRow]:
        org = await load_organization(info, organization)
        inv = await read_inventory(info.context.repos, org.slug)
        rows = cross_framework(inv)
        bases = {b.id: b for b in await info.context.loaders.many(
            "legal_bases", [x for r in rows for x in r.gdpr + r.dpdp])}
        return [CrossFrameworkRow(activity=ProcessingActivity.from_domain(r.activity),
                                  gdpr=[LegalBasis.from_domain(bases[x]) for x in r.gdpr if x in bases],
                                  dpdp=[LegalBasis.from_domain(bases[x]) for x in r.dpdp if x in bases],
                                  missing_under=FrameworkEnum(r.missing_under) if r.missing_under else None)
                for r in rows]
