"""GraphQL of findings 问题: the finding, its evidence, and marking it ready for a report."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.casework import findings, repository
from inspectnet.casework.graphql_links import (
    FindingEvidenceFilter,
    FindingEvidenceOrder,
    FindingEvidenceType,
)
from inspectnet.casework.models import Finding
from inspectnet.graphql.can import UPDATE, Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
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
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.validation import described

FINDING_CAN = (
    UPDATE,
    Ability("mark_ready", "May mark it ready for a report (可确认底稿)", "mark_ready"),
    Ability("withdraw", "May withdraw it (可撤销)", "withdraw"),
)


@strawberry.input(description="Which findings to list (问题筛选)")
class FindingFilter:
    category_rule: str | None = strawberry.field(
        default=None, description="Category rule id (问题类别)"
    )
    ready: bool | None = strawberry.field(
        default=None, description="Ready for a report or not (底稿已确认)"
    )
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.category_rule is not None:
            found.append(Finding.category == self.category_rule)
        if self.ready is not None:
            found.append(
                Finding.ready_at.is_not(None) if self.ready else Finding.ready_at.is_(None)
            )
        return each(
            found,
            archived(self.archived, Finding.archived_at),
            created_in(self.created_at, Finding.created_at),
        )


FindingOrder = order_input("Finding")


@strawberry.type(name="Finding", description="A problem found, with its working paper (问题)")
class FindingType(Node, Stamped):
    category_rule: str = strawberry.field(
        description="The problem category: a category.* rule id of the ruleset (问题类别)"
    )
    title: str = strawberry.field(description="Title (问题概述)")
    facts: str | None = strawberry.field(description="The facts (事实)")
    basis: str | None = strawberry.field(description="Qualifying basis (定性依据)")
    ready: bool = strawberry.field(
        description="Ready for a report: facts, basis and evidence confirmed (底稿已确认)"
    )
    ready_at: datetime | None = strawberry.field(description="When it was marked ready (确认时间)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    archived: bool = strawberry.field(description="Withdrawn (已撤销)")
    withdrawn_reason: str | None = strawberry.field(
        description="Why it was withdrawn, when it was (撤销理由)"
    )
    pk: strawberry.Private[int]
    viewer_can = viewer_can_field("Finding", FINDING_CAN)

    @classmethod
    def from_row(cls, row: Finding) -> FindingType:
        return cls(
            id=strawberry.ID(global_id("Finding", row.id)),
            pk=row.id,
            category_rule=row.category,
            title=row.title,
            facts=row.facts,
            basis=row.basis,
            ready=row.ready_at is not None,
            ready_at=row.ready_at,
            version=row.version,
            archived=row.archived_at is not None,
            withdrawn_reason=row.withdrawn_reason,
            **stamps(row),
        )

    evidence = connection_field(
        repository.evidence_of,
        FindingEvidenceType,
        description="Its evidence: interviews, other methods' records, clues (证据材料)",
        filter=FindingEvidenceFilter,
        order=FindingEvidenceOrder,
    )


register_node("Finding", Finding, FindingType.from_row)


@strawberry.input(description="A new finding (登记问题)")
class CreateFindingInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    category_rule: str = strawberry.field(
        description="A category rule of the office's ruleset, e.g. category.other (问题类别)"
    )
    title: str = strawberry.field(description=described("Title (问题概述)", Finding.title))
    facts: str | None = strawberry.field(
        default=None, description=described("The facts (事实)", Finding.facts)
    )
    basis: str | None = strawberry.field(
        default=None, description=described("Qualifying basis (定性依据)", Finding.basis)
    )
    evidence_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Evidence: interviews, records, clues (证据材料)"
    )


@strawberry.input(description="Change a finding (修改问题)")
class UpdateFindingInput:
    finding_id: strawberry.ID = strawberry.field(description="The finding (问题)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )
    category_rule: str | None = strawberry.field(
        default=None, description="Category rule id (问题类别)"
    )
    title: str | None = strawberry.field(
        default=None, description=described("Title (问题概述)", Finding.title)
    )
    facts: str | None = strawberry.field(
        default=None, description=described("The facts (事实)", Finding.facts)
    )
    basis: str | None = strawberry.field(
        default=None, description=described("Qualifying basis (定性依据)", Finding.basis)
    )


@strawberry.input(description="Link more evidence to a finding (补充证据材料)")
class AddFindingEvidenceInput:
    finding_id: strawberry.ID = strawberry.field(description="The finding (问题)")
    evidence_ids: list[strawberry.ID] = strawberry.field(description="Evidence (证据材料)")


@strawberry.input(description="Mark a finding ready for a report (确认问题底稿)")
class MarkFindingReadyInput:
    finding_id: strawberry.ID = strawberry.field(description="The finding (问题)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Withdraw a finding, with the reason (撤销问题)")
class WithdrawFindingInput:
    finding_id: strawberry.ID = strawberry.field(description="The finding (问题)")
    reason: str = strawberry.field(
        description=described("Why it is withdrawn (撤销理由)", Finding.withdrawn_reason)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to a finding (问题结果)")
class FindingPayload:
    finding: FindingType | None = strawberry.field(description="The finding, unless refused (问题)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _finding(value: strawberry.ID) -> int:
    return expect_global_id(value, "Finding", field="findingId")


def _payload(found: Finding | None, errors: list[UserError]) -> FindingPayload:
    return FindingPayload(finding=found and FindingType.from_row(found), user_errors=errors)


@strawberry.type
class FindingMutation:
    @strawberry.mutation(description="Record a finding (登记问题)")
    async def create_finding(self, info: Info, input: CreateFindingInput) -> FindingPayload:
        ctx = info.context

        async def call() -> Finding:
            return await findings.create_finding(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                category=input.category_rule,
                title=input.title,
                facts=input.facts,
                basis=input.basis,
                evidence_ids=[str(v) for v in input.evidence_ids],
            )

        return _payload(*await run_mutation(info, "finding.create", call))

    @strawberry.mutation(description="Change a finding (修改问题)")
    async def update_finding(self, info: Info, input: UpdateFindingInput) -> FindingPayload:
        ctx = info.context

        async def call() -> Finding:
            return await findings.update_finding(
                ctx.session,
                ctx.actor,
                finding_id=_finding(input.finding_id),
                version=input.version,
                category=input.category_rule,
                title=input.title,
                facts=input.facts,
                basis=input.basis,
            )

        return _payload(*await run_mutation(info, "finding.update", call))

    @strawberry.mutation(description="Link more evidence to a finding (补充证据材料)")
    async def add_finding_evidence(
        self, info: Info, input: AddFindingEvidenceInput
    ) -> FindingPayload:
        ctx = info.context

        async def call() -> Finding:
            return await findings.add_finding_evidence(
                ctx.session,
                ctx.actor,
                finding_id=_finding(input.finding_id),
                evidence_ids=[str(v) for v in input.evidence_ids],
            )

        return _payload(*await run_mutation(info, "finding.evidence.add", call))

    @strawberry.mutation(
        description="Mark a finding ready for a report: refused unless it has facts, a "
        "qualifying basis and evidence (底稿, qh-zrzyt §16) (确认问题底稿)"
    )
    async def mark_finding_ready(self, info: Info, input: MarkFindingReadyInput) -> FindingPayload:
        ctx = info.context

        async def call() -> Finding:
            return await findings.mark_finding_ready(
                ctx.session, ctx.actor, finding_id=_finding(input.finding_id), version=input.version
            )

        return _payload(*await run_mutation(info, "finding.ready", call))

    @strawberry.mutation(
        description="Withdraw a finding with the reason: kept as evidence, no longer counted by "
        "reports or the ledger; refused while a report's current version places it (撤销问题)"
    )
    async def withdraw_finding(self, info: Info, input: WithdrawFindingInput) -> FindingPayload:
        ctx = info.context

        async def call() -> Finding:
            return await findings.withdraw_finding(
                ctx.session,
                ctx.actor,
                finding_id=_finding(input.finding_id),
                reason=input.reason,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "finding.withdraw", call))
