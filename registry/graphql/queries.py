"""The read side of the API."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.domain.enums import Framework as FrameworkEnum
from registry.domain.enums import Role as RoleEnum
from registry.domain.enums import Severity as SeverityEnum
from registry.graphql.context import Info
from registry.graphql.errors import check_id, not_found, user_error
from registry.graphql.mutations import ApiTokenInfo
from registry.graphql.permissions import IsAdmin
from registry.graphql.types import audit, search
from registry.graphql.types.activity import ActivityPurpose, LawfulBasisMapRow, ProcessingActivity
from registry.graphql.types.base import Framework, RecordNode, Role, Severity, wrap
from registry.graphql.types.dpia import DpiaDraft, DpiaScreening
from registry.graphql.types.findings import ComplianceRule, Finding
from registry.graphql.types.history import HistoryEntry
from registry.graphql.types.organization import Organization
from registry.graphql.types.records import (
    DataSubjectCategory,
    Purpose,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Transfer,
)
from registry.graphql.types.records_of_processing import RecordsOfProcessing
from registry.graphql.types.reference import Country, DataCategory, LegalBasis, TransferMechanism
from registry.graphql.types.views import CrossFrameworkRow, TransferRegisterRow
from registry.services import dpia
from registry.services import findings as compliance
from registry.services.frameworks import cross_framework
from registry.services.lawful_basis_map import lawful_basis_map
from registry.services.records import records_of_processing
from registry.services.registers import read_inventory, read_reference

NODE_TYPES: dict[str, type[RecordNode]] = {
    t.__name__: t
    for t in (Organization, ProcessingActivity, Purpose, DataSubjectCategory, Recipient, Transfer, RetentionRule,
              SecurityMeasure, DataCategory, LegalBasis, TransferMechanism, Country)
}

SLUG_HINT = "List the registered organisations with `{ organizations { slug } }`."


async def load_organization(info: Info, slug: str) -> m.Organization:
    org = await info.context.loaders.one("organizations", slug)
    if org is None:
        raise not_found("organisation with slug", slug, SLUG_HINT)
    return org  # type: ignore[no-any-return]


async def load_activity(info: Info, activity: relay.GlobalID) -> m.ProcessingActivity:
    if activity.type_name != "ProcessingActivity":
        raise user_error(f"'{activity}' is the global ID of a {activity.type_name}, not of a ProcessingActivity; use "
                         "an `id` from `processingActivities`.", "INVALID_ID")
    found = await info.context.loaders.one("processing_activities", check_id(activity.node_id))
    if found is None:
        raise not_found("ProcessingActivity with id", activity.node_id, "Use an `id` from `processingActivities`.")
    return found  # type: ignore[no-any-return]


@strawberry.type(description="Questions the register answers.")
class Query:
    @strawberry.field(description="Every organisation in the register, by slug.")
    async def organizations(self, info: Info) -> list[Organization]:
        return wrap(Organization, await info.context.repos.organizations.find())

    @strawberry.field(description="One organisation by its slug; an unknown slug is an error that says so.")
    async def organization(self, info: Info, slug: str) -> Organization:
        return Organization.from_domain(await load_organization(info, slug))

    @strawberry.field(description="Any record by its global ID (as returned in `id` fields).")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node:  # noqa: A002 - the Relay name
        cls = NODE_TYPES.get(id.type_name)
        if cls is None:
            raise user_error(f"'{id}' is a global ID of type '{id.type_name}', which the register does not have; "
                             f"known types: {', '.join(sorted(NODE_TYPES))}.", "INVALID_ID")
        obj = await info.context.loaders.one(cls.collection, check_id(id.node_id))
        if obj is None:
            raise not_found(f"{cls.__name__} with id", id.node_id, "Use an `id` returned by another query.")
        await cls.read_ahead(info, [obj])
        return cls.from_domain(obj)

    @strawberry.field(description="The data-category taxonomy: the shared categories, plus an organisation's own "
                      "when `organization` is given.")
    async def data_categories(self, info: Info, organization: str | None = None) -> list[DataCategory]:
        query: dict[str, object] = {"organization": None}
        if organization is not None:
            await load_organization(info, organization)
            query = {"organization": {"$in": [None, organization]}}
        return wrap(DataCategory, await info.context.repos.data_categories.find(query))

    @strawberry.field(description="Lawful bases and Art 9(2) conditions, of one framework or all.")
    async def legal_bases(self, info: Info, framework: Framework | None = None) -> list[LegalBasis]:
        query = {"framework": FrameworkEnum(framework).value} if framework is not None else {}
        return wrap(LegalBasis, await info.context.repos.legal_bases.find(query))

    @strawberry.field(description="Transfer mechanisms: adequacy, SCC modules, BCRs, DPF, UK IDTA, Art 49 derogations.")
    async def transfer_mechanisms(self, info: Info) -> list[TransferMechanism]:
        return wrap(TransferMechanism, await info.context.repos.transfer_mechanisms.find())

    @strawberry.field(description="Countries with their EU adequacy status.")
    async def countries(self, info: Info) -> list[Country]:
        return wrap(Country, await info.context.repos.countries.find())

    @strawberry.field(description="Which lawful basis covers each item: one row per processing activity, purpose "
                      "and data category of the organisation.")
    async def lawful_basis_map(self, info: Info, organization: str) -> list[LawfulBasisMapRow]:
        org = await load_organization(info, organization)
        activities = await info.context.loaders.of_organization("processing_activities", org.slug)
        rows = lawful_basis_map(activities)
        loaders = info.context.loaders
        categories = {c.id: c for c in await loaders.many("data_categories", [r.data_category for r in rows
                                                                              if r.data_category])}
        bases = {b.id: b for b in await loaders.many("legal_bases", [b for r in rows for b in r.lawful_bases])}
        wrapped = {a.id: ProcessingActivity.from_domain(a) for a in activities}
        return [
            LawfulBasisMapRow(
                activity=wrapped[r.activity.id],
                purpose=ActivityPurpose(purpose_id=m.scoped_id(org.slug, r.purpose.purpose), assignment=r.purpose)
                if r.purpose else None,
                data_category=DataCategory.from_domain(categories[r.data_category])
                if r.data_category in categories else None,
                lawful_bases=[LegalBasis.from_domain(bases[b]) for b in r.lawful_bases if b in bases],
            )
            for r in rows
        ]

    @strawberry.field(description="What the compliance rules find in an organisation's register, most severe first. "
                      "`severity` keeps findings at or above that level. `asOf` evaluates the law in force on "
                      "that date (default today): a duty not yet in force gives a readiness finding.")
    async def findings(self, info: Info, organization: str, severity: Severity | None = None,
                       as_of: dt.date | None = None) -> list[Finding]:
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
    async def records_of_processing(self, info: Info, organization: str,
                                    role: Role = RoleEnum.CONTROLLER) -> RecordsOfProcessing:
        org = await load_organization(info, organization)
        repos = info.context.repos
        rec = records_of_processing(await read_inventory(repos, org.slug), await read_reference(repos),
                                    RoleEnum(role))
        return RecordsOfProcessing.from_domain(rec, org.slug)

    @strawberry.field(description="DPIA screening of one processing activity (its global `id`): which WP248 criteria "
                      "are met and why, which Art 35(3) cases apply, and the verdict.")
    async def dpia_screening(self, info: Info, activity: relay.GlobalID) -> DpiaScreening:
        a = await load_activity(info, activity)
        repos = info.context.repos
        inv, ref = await read_inventory(repos, a.organization), await read_reference(repos)
        return DpiaScreening.from_domain(dpia.screen(a, inv, ref))

    @strawberry.field(description="A DPIA outline for one processing activity, pre-filled from the inventory; "
                      "download it as Markdown or Word from `screening.downloads`.")
    async def dpia_draft(self, info: Info, activity: relay.GlobalID) -> DpiaDraft:
        a = await load_activity(info, activity)
        repos = info.context.repos
        inv, ref = await read_inventory(repos, a.organization), await read_reference(repos)
        s = dpia.screen(a, inv, ref)
        return DpiaDraft(screening=DpiaScreening.from_domain(s), markdown=dpia.draft_markdown(s, inv, ref))

    @strawberry.field(description="The transfers register: every transfer with destination, adequacy status, "
                      "mechanism, SCC module, and its transfer impact assessment where recorded.")
    async def transfers_register(self, info: Info, organization: str) -> list[TransferRegisterRow]:
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
            c, mech, r = countries.get(t.destination or ""), mechanisms.get(t.mechanism or ""), recipients.get(
                t.recipient or "")
            rows.append(TransferRegisterRow(
                transfer=Transfer.from_domain(t), destination=Country.from_domain(c) if c else None,
                adequacy=c.adequacy.value if c else "UNKNOWN",
                mechanism=TransferMechanism.from_domain(mech) if mech else None,
                scc_module=mech.scc_module if mech else None, recipient=Recipient.from_domain(r) if r else None,
                tia_date=t.tia_date, tia_outcome=t.tia_outcome,
                activities=[ProcessingActivity.from_domain(a) for a in activities if t.key in a.transfers]))
        return rows

    @strawberry.field(description="For an organisation subject to both GDPR and India's DPDP Act: each activity's "
                      "lawful basis under each framework side by side. Empty when not both apply.")
    async def cross_framework_view(self, info: Info, organization: str) -> list[CrossFrameworkRow]:
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

    @strawberry.field(description="Changes across the register, newest first, in pages of `first` (default 50, "
                      "at most 200). Filter by record (`entity`: its global ID), kind of record (`entityType`, "
                      "e.g. processing_activities), `actor`, organisation, and time range [`since`, `until`).")
    async def audit_log(self, info: Info, entity: relay.GlobalID | None = None, entity_type: str | None = None,
                        actor: str | None = None, organization: str | None = None,
                        since: dt.datetime | None = None, until: dt.datetime | None = None,
                        first: int = audit.DEFAULT_PAGE, after: str | None = None) -> audit.AuditLogConnection:
        most = info.context.limits.page_size
        if not 1 <= first <= most:
            raise user_error(f"`first` must be between 1 and {most}; got {first}.", "INVALID_PAGE_SIZE")
        if entity is not None:
            node_type = NODE_TYPES.get(entity.type_name)
            if node_type is None:
                raise user_error(f"'{entity}' is not the global ID of a record of the register.", "INVALID_ID")
            entity_type = node_type.collection
        q = audit.query_for(entity.node_id if entity else None, entity_type, actor, since, until, organization)
        if after:
            at, id_ = audit.parse_cursor(after)
            q = {"$and": [q, {"$or": [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": id_}}]}]}
        coll = info.context.repos.history.collection
        docs = await coll.find(q).sort([("at", -1), ("_id", -1)]).limit(first + 1).to_list(None)
        repo = info.context.repos.history
        edges = [audit.AuditLogEdge(cursor=audit.cursor_of(d["at"], d["_id"]),
                                    node=HistoryEntry.from_domain(repo.from_doc(d))) for d in docs[:first]]
        return audit.AuditLogConnection(edges=edges, page_info=audit.AuditPageInfo(
            has_next_page=len(docs) > first, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="Processing activities across the register, or of one `organization`, that match "
                      "every filter given: `text` (in name, key or description, any case), `role`, `dataCategory` "
                      "(a taxonomy key such as user.contact.email, or the organisation's own category key) and "
                      "`purpose` (a purpose key). In pages of `first` (default 50, at most 200) in the order of "
                      "their IDs; pass a page's `endCursor` as `after` for the next.")
    async def search_processing_activities(
        self, info: Info, organization: str | None = None, text: str | None = None, role: Role | None = None,
        data_category: str | None = None, purpose: str | None = None, first: int = search.DEFAULT_PAGE,
        after: str | None = None,
    ) -> search.ProcessingActivityConnection:
        if organization is not None:
            await load_organization(info, organization)
        args = {"organization": organization, "text": text, "role": role, "data_category": data_category,
                "purpose": purpose}
        return await search.activities_page(info, args, first, after)

    @strawberry.field(description="Subprocessors and service providers across the register, or of one "
                      "`organization`, that match every filter given: `text` (in name, key or services, any case) "
                      "and `country` (an ISO code where they process data). In pages of `first` (default 50, at "
                      "most 200) in the order of their IDs; pass a page's `endCursor` as `after` for the next.")
    async def search_subprocessors(
        self, info: Info, organization: str | None = None, text: str | None = None, country: str | None = None,
        first: int = search.DEFAULT_PAGE, after: str | None = None,
    ) -> search.SubprocessorConnection:
        if organization is not None:
            await load_organization(info, organization)
        args = {"organization": organization, "text": text, "country": country}
        return await search.subprocessors_page(info, args, first, after)

    @strawberry.field(description="API tokens (never their secrets). Needs an ADMIN token.",
                      permission_classes=[IsAdmin])
    async def api_tokens(self, info: Info) -> list[ApiTokenInfo]:
        return [ApiTokenInfo.from_domain(t) for t in await info.context.repos.tokens.find()]
