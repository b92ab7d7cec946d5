"""GraphQL of discipline records (纪律与责任): recorded under the article breached, referred,
archived; listed on the office (``Office.disciplineRecords``) for whoever the door lets read."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.authz.checks import get_readable
from inspectnet.discipline import repository, service
from inspectnet.discipline.models import DisciplineRecord, RecordSource
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    DateTimeRange,
    archived,
    created_in,
    each,
    order_input,
)
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.rules import graphql_params as _enums  # noqa: F401  (declares the rule enums)
from inspectnet.rules.format import Conduct, OffenderParty
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.inspections.graphql_types import InspectionType
    from inspectnet.intake.graphql_conduct import InspectorComplaintType

labelled_enum(
    RecordSource,
    {RecordSource.OBSERVED: "工作中发现", RecordSource.COMPLAINT: "干部群众反映"},
    name="DisciplineRecordSource",
    description="How the breach came to the office (来源)",
)


@strawberry.input(description="Which discipline records to list (违纪记录筛选)")
class DisciplineRecordFilter:
    party: OffenderParty | None = strawberry.field(default=None, description="Who (责任主体)")
    conduct: Conduct | None = strawberry.field(default=None, description="Conduct (违纪行为)")
    referred: bool | None = strawberry.field(default=None, description="Referred or not (已移送)")
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (记录时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.party is not None:
            found.append(DisciplineRecord.party == self.party)
        if self.conduct is not None:
            found.append(DisciplineRecord.conduct == self.conduct)
        if self.referred is not None:
            on = DisciplineRecord.referred_on
            found.append(on.is_not(None) if self.referred else on.is_(None))
        return each(
            found,
            archived(self.archived, DisciplineRecord.archived_at),
            created_in(self.created_at, DisciplineRecord.created_at),
        )


DisciplineRecordOrder = order_input("DisciplineRecord")
RECORD_CAN = (
    Ability("update", "May record the referral (可登记移送)", "update"),
    Ability("archive", "May archive it (可归档)", "update"),
)


@strawberry.type(
    name="DisciplineRecord",
    description="A breach of the inspection's discipline, its evidence and referral (违纪记录)",
)
class DisciplineRecordType(Node, Stamped):
    rule_id: str = strawberry.field(description="The rule breached (违纪情形)")
    article: str = strawberry.field(description="The article breached (违反条款)")
    party: OffenderParty = strawberry.field(description="Who breached it (责任主体)")
    conduct: Conduct = strawberry.field(description="The conduct (违纪行为)")
    source: RecordSource = strawberry.field(description="How it came to the office (来源)")
    respondent: str = strawberry.field(description="Who, as named (当事人或单位)")
    facts: str = strawberry.field(description="What happened (事实)")
    evidence: str = strawberry.field(description="The evidence (证据)")
    referred_to: str | None = strawberry.field(description="Referred to (移送对象)")
    referred_on: date | None = strawberry.field(description="Referred on (移送日期)")
    archived_at: datetime | None = strawberry.field(description="Archived at (归档时间)")
    version: int = strawberry.field(description="Version, for the next change (版本)")
    pk: strawberry.Private[int]
    inspection_pk: strawberry.Private[int]
    complaint_pk: strawberry.Private[int | None]
    viewer_can: Any = viewer_can_field("DisciplineRecord", RECORD_CAN)

    @classmethod
    def from_row(cls, row: DisciplineRecord) -> DisciplineRecordType:
        return cls(
            id=strawberry.ID(global_id("DisciplineRecord", row.id)),
            pk=row.id,
            inspection_pk=row.inspection_id,
            complaint_pk=row.complaint_id,
            rule_id=row.rule_id,
            article=row.article,
            party=row.party,
            conduct=row.conduct,
            source=row.source,
            respondent=row.respondent,
            facts=row.facts,
            evidence=row.evidence,
            referred_to=row.referred_to,
            referred_on=row.referred_on,
            archived_at=row.archived_at,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The inspection concerned, if readable (巡视巡察)")
    async def inspection(
        self, info: Info
    ) -> Annotated[InspectionType, strawberry.lazy("inspectnet.inspections.graphql_types")] | None:
        return await linked(info, "Inspection", self.inspection_pk)

    @strawberry.field(
        description="The complaint about an inspector it upholds, null if observed or hidden "
        "(所认定的干部群众反映)"
    )
    async def complaint(
        self, info: Info
    ) -> (
        Annotated[InspectorComplaintType, strawberry.lazy("inspectnet.intake.graphql_conduct")]
        | None
    ):
        return await linked(info, "InspectorComplaint", self.complaint_pk)


register_node("DisciplineRecord", DisciplineRecord, DisciplineRecordType.from_row)


@strawberry.input(description="Record a breach of the inspection's discipline (登记违纪情形)")
class RecordDisciplineBreachInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    rule_id: str = strawberry.field(
        description="The discipline_offence rule breached, e.g. discipline.inspected.concealment"
    )
    respondent: str = strawberry.field(
        description=described("Who, as named (当事人或单位)", DisciplineRecord.respondent)
    )
    facts: str = strawberry.field(
        description=described("What happened (事实)", DisciplineRecord.facts)
    )
    evidence: str = strawberry.field(
        description=described("The evidence (证据)", DisciplineRecord.evidence)
    )


@strawberry.input(
    description="Uphold a complaint about an inspector as a discipline record (认定反映属实)"
)
class UpholdInspectorComplaintInput:
    complaint_id: strawberry.ID = strawberry.field(description="The complaint (干部群众反映)")
    rule_id: str = strawberry.field(
        description="The staff discipline_offence rule it proves, e.g. discipline.staff.leak_secrets"
    )
    respondent: str = strawberry.field(
        description=described("The inspector, as named (被反映人)", DisciplineRecord.respondent)
    )
    facts: str = strawberry.field(
        description=described(
            "What the verification established (核实情况)", DisciplineRecord.facts
        )
    )
    evidence: str = strawberry.field(
        description=described("The evidence (证据)", DisciplineRecord.evidence)
    )


@strawberry.input(description="Record the referral made (登记移送)")
class RecordDisciplineReferralInput:
    record_id: strawberry.ID = strawberry.field(description="The record (违纪记录)")
    referred_to: str = strawberry.field(
        description=described("Referred to (移送对象)", DisciplineRecord.referred_to)
    )
    referred_on: date = strawberry.field(description="Referred on (移送日期)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Archive a record (归档违纪记录)")
class ArchiveDisciplineRecordInput:
    record_id: strawberry.ID = strawberry.field(description="The record (违纪记录)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to a discipline record (违纪记录结果)")
class DisciplineRecordPayload:
    record: DisciplineRecordType | None = strawberry.field(
        description="The record, unless refused (违纪记录)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _pk(value: strawberry.ID) -> int:
    return expect_global_id(value, "DisciplineRecord", field="recordId")


async def _run(info: Info, action: str, call: Any) -> DisciplineRecordPayload:
    found, errors = await run_mutation(info, action, call)
    return DisciplineRecordPayload(
        record=found and DisciplineRecordType.from_row(found), user_errors=errors
    )


@strawberry.type
class DisciplineMutation:
    @strawberry.mutation(
        description="Record a breach of the inspection's discipline (登记违纪情形)"
    )
    async def record_discipline_breach(
        self, info: Info, input: RecordDisciplineBreachInput
    ) -> DisciplineRecordPayload:
        ctx = info.context

        async def call() -> DisciplineRecord:
            return await service.record_breach(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                rule_id=input.rule_id,
                respondent=input.respondent,
                facts=input.facts,
                evidence=input.evidence,
            )

        return await _run(info, "discipline.record", call)

    @strawberry.mutation(
        description="A complaint about an inspector found true becomes a discipline record that "
        "cites it (认定反映属实并登记违纪情形)"
    )
    async def uphold_inspector_complaint(
        self, info: Info, input: UpholdInspectorComplaintInput
    ) -> DisciplineRecordPayload:
        ctx = info.context

        async def call() -> DisciplineRecord:
            return await service.uphold_complaint(
                ctx.session,
                ctx.actor,
                complaint_id=expect_global_id(
                    input.complaint_id, "InspectorComplaint", field="complaintId"
                ),
                rule_id=input.rule_id,
                respondent=input.respondent,
                facts=input.facts,
                evidence=input.evidence,
            )

        return await _run(info, "discipline.complaint.uphold", call)

    @strawberry.mutation(description="Record the referral made (登记移送)")
    async def record_discipline_referral(
        self, info: Info, input: RecordDisciplineReferralInput
    ) -> DisciplineRecordPayload:
        ctx = info.context

        async def call() -> DisciplineRecord:
            return await service.record_referral(
                ctx.session,
                ctx.actor,
                record_id=_pk(input.record_id),
                referred_to=input.referred_to,
                referred_on=input.referred_on,
                version=input.version,
            )

        return await _run(info, "discipline.referral", call)

    @strawberry.mutation(description="Archive a record; it is kept (归档违纪记录)")
    async def archive_discipline_record(
        self, info: Info, input: ArchiveDisciplineRecordInput
    ) -> DisciplineRecordPayload:
        ctx = info.context

        async def call() -> DisciplineRecord:
            return await service.archive_record(
                ctx.session, ctx.actor, record_id=_pk(input.record_id), version=input.version
            )

        return await _run(info, "discipline.archive", call)


@strawberry.type
class DisciplineQuery:
    @strawberry.field(description="One discipline record by global ID, if readable (违纪记录)")
    async def discipline_record(self, info: Info, id: strawberry.ID) -> DisciplineRecordType:
        pk = expect_global_id(id, "DisciplineRecord")
        ctx = info.context
        row = await get_readable(ctx.session, ctx.actor, DisciplineRecord, pk)
        return DisciplineRecordType.from_row(row)


SCHEMA = SchemaPart(
    query=DisciplineQuery,
    mutation=DisciplineMutation,
    types=(DisciplineRecordType,),
    fields=(
        TypeField(
            "Office",
            "disciplineRecords",
            connection_field(
                repository.records_of_offices,
                DisciplineRecordType,
                description="Breaches of the inspection's discipline recorded by the office "
                "(违纪记录)",
                filter=DisciplineRecordFilter,
                order=DisciplineRecordOrder,
            ),
        ),
    ),
)
