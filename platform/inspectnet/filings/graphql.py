"""GraphQL types, inputs and thin resolvers for filings (报备 / 报批) and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON

from inspectnet import clock
from inspectnet.authz.actor import Actor
from inspectnet.filings import links, repository, service
from inspectnet.filings.graphql_deadlines import (
    DeadlinesMutation,
    WarningSettingType,
)
from inspectnet.filings.graphql_enums import (
    ColourEnum,
    DecisionEnum,
    FilingStateEnum,
    InboxStatusEnum,
)
from inspectnet.filings.graphql_oversight import OversightItemType, office_oversight
from inspectnet.filings.models import Decision, Filing, FilingDecision, FilingState, InboxStatus
from inspectnet.filings.repository import InboxFilter
from inspectnet.filings.rollups import REGISTRY
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.links import linked
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, Served, TypeField
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="FilingDecision", description="A decision on a filing version (处理意见)")
class FilingDecisionType(Node, Stamped):
    decision: DecisionEnum = strawberry.field(description="Decision (处理)")  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="Reason (理由)")
    decided_at: datetime = strawberry.field(description="When (处理时间)")
    decided_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: FilingDecision) -> FilingDecisionType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("FilingDecision", row.id)),
            decision=row.decision,
            reason=row.reason,
            decided_by_pk=row.decided_by,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="Who decided, null if gone or hidden (处理人)")
    async def decided_by(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.decided_by_pk)


@strawberry.type(
    name="Filing", description="One version of a filing for record or approval (报备 / 报批)"
)
class FilingType(Node, Stamped):
    rule_id: str = strawberry.field(description="The duty of the filer's ruleset (报备报批事项)")
    mode: str = strawberry.field(description="record or approval (报备或报批)")
    recipient: str = strawberry.field(description="Who decides, as the rule names it (接收方)")
    number: int = strawberry.field(description="Version number (版本号)")
    title: str = strawberry.field(description="Title (标题)")
    state: FilingStateEnum = strawberry.field(description="State (状态)")  # type: ignore[valid-type]
    submitted_at: datetime | None = strawberry.field(
        description="When it was filed, none while only due (报送时间)"
    )
    due_on: date | None = strawberry.field(description="Deadline (报送期限)")
    computed_due_on: date | None = strawberry.field(
        description="The computed deadline, when the filing office overrode it (原定期限)"
    )
    override_reason: str | None = strawberry.field(
        description="Why the filing office overrode the deadline (调整期限理由)"
    )
    status: InboxStatusEnum = strawberry.field(description="Against the deadline (状态)")  # type: ignore[valid-type]
    colour: ColourEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Red, yellow or green while due; none once filed (三色预警)"
    )
    snapshot: JSON | None = strawberry.field(description="The frozen content (报送内容)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    to_office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Filing) -> FilingType:
        status = service.status_of_row(row, clock.today_in_china())
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("Filing", row.id)),
            pk=row.id,
            rule_id=row.rule_id,
            mode=row.mode,
            recipient=row.recipient,
            office_pk=row.office_id,
            to_office_pk=row.to_office_id,
            number=row.number,
            title=row.title,
            state=row.state,
            submitted_at=row.submitted_at,
            due_on=row.due_on,
            computed_due_on=row.computed_due_on,
            override_reason=row.override_reason,
            status=status,
            colour=service.COLOUR.get(status),
            snapshot=row.snapshot,
        )

    decisions = connection_field(
        repository.decisions_of, FilingDecisionType, description="Decisions (处理意见)"
    )

    @strawberry.field(description="The filing office, null if hidden (报送机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)

    @strawberry.field(description="The office filed to, null if hidden (接收机构)")
    async def to_office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.to_office_pk)


@strawberry.type(name="FieldChange", description="A field that differs between versions (差异)")
class FieldChangeType:
    path: str = strawberry.field(description="The field (字段)")
    before: JSON | None = strawberry.field(description="In the older version (原值)")
    after: JSON | None = strawberry.field(description="In the newer version (新值)")


@strawberry.type(name="InboxCount", description="Items of the inbox in one status (按状态计数)")
class InboxCountType:
    status: InboxStatusEnum = strawberry.field(description="Status (状态)")  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many (数量)")


@strawberry.input(description="What the inbox is narrowed to (收件箱筛选)")
class InboxFilterInput:
    from_office_id: strawberry.ID | None = strawberry.field(
        default=None, description="The filing office (报送机构)"
    )
    rule_id: str | None = strawberry.field(default=None, description="The duty (报备报批事项)")
    state: FilingStateEnum | None = strawberry.field(default=None, description="State (状态)")  # type: ignore[valid-type]
    status: InboxStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Against the deadline (预警状态)"
    )
    due_from: date | None = strawberry.field(default=None, description="Deadline from (期限起)")
    due_to: date | None = strawberry.field(default=None, description="Deadline to (期限止)")

    def parsed(self) -> InboxFilter:
        return InboxFilter(
            from_office_id=self.from_office_id
            and expect_global_id(self.from_office_id, "Office", field="fromOfficeId"),
            rule_id=self.rule_id,
            state=FilingState(self.state) if self.state else None,
            status=InboxStatus(self.status) if self.status else None,
            due_from=self.due_from,
            due_to=self.due_to,
        )


def office_inbox(
    root: strawberry.Parent[object],
    info: Info,
    filter: InboxFilterInput | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[FilingType]:
    """The superior's inbox: filings addressed to the office, newest last (``last`` pages back)."""
    actor = info.context.actor
    filters = filter.parsed() if filter else InboxFilter()
    today = clock.today_in_china()
    return connection(  # type: ignore[return-value]
        info,
        key=f"filings.inbox:{filters}",
        parent_id=root.pk,  # type: ignore[attr-defined]
        query=lambda ids: repository.inbox_of(actor, ids, filters, today),
        convert=FilingType.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def office_inbox_counts(
    root: strawberry.Parent[object], info: Info, filter: InboxFilterInput | None = None
) -> list[InboxCountType]:
    """Counts per status of the (filtered) inbox."""
    ctx = info.context
    counts = await service.inbox_counts(
        ctx.session,
        ctx.actor,
        office_id=root.pk,  # type: ignore[attr-defined]
        filters=filter.parsed() if filter else InboxFilter(),
    )
    return [InboxCountType(status=s, count=n) for s, n in counts.items()]


@strawberry.type(name="Statistic", description="One statistic of a roll-up (统计项)")
class StatisticType:
    key: str = strawberry.field(description="Stable key, e.g. plans_approved (统计项标识)")
    name: str = strawberry.field(description="Chinese name (名称)")
    value: int = strawberry.field(description="The count (数量)")


@strawberry.type(name="Rollup", description="A subordinate office's statistics (下级机构汇总)")
class RollupType:
    statistics: list[StatisticType] = strawberry.field(description="Its statistics (统计)")
    office_pk: strawberry.Private[int]

    @strawberry.field(description="The subordinate office (下级机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)


async def office_rollups(root: strawberry.Parent[object], info: Info) -> list[RollupType]:
    """Statistics per direct subordinate: counts only, never the rows behind them."""
    ctx = info.context
    rows = await service.rollups(ctx.session, ctx.actor, office_id=root.pk)  # type: ignore[attr-defined]
    names = {s.key: s.name_zh for s in REGISTRY}
    return [
        RollupType(
            office_pk=row.office_id,
            statistics=[
                StatisticType(key=k, name=names[k], value=v) for k, v in row.values.items()
            ],
        )
        for row in rows
    ]


register_node("Filing", Filing, FilingType.from_row)
register_node("FilingDecision", FilingDecision, FilingDecisionType.from_row)


@strawberry.input(description="File a plan's working copy (计划报备报批)")
class FilePlanInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (计划)")
    rule_id: str = strawberry.field(description="The duty it is filed under (报备报批事项)")


@strawberry.type(description="Result of filePlan (报送结果)")
class FilePlanPayload:
    filing: FilingType | None = strawberry.field(description="The new version (报送版本)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Decide a filing version (处理报送)")
class DecideFilingInput:
    filing_id: strawberry.ID = strawberry.field(description="The version (报送版本)")
    decision: DecisionEnum = strawberry.field(description="Decision (处理)")  # type: ignore[valid-type]
    reason: str | None = strawberry.field(default=None, description="Reason (理由)")


@strawberry.type(description="Result of decideFiling (处理结果)")
class DecideFilingPayload:
    decision: FilingDecisionType | None = strawberry.field(description="The decision (处理意见)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Ask for a download link of an office's inbox (导出收件箱)")
class CreateInboxDownloadInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")


@strawberry.type(description="A single-use download link, for this account only (下载链接)")
class CreateInboxDownloadPayload:
    url: str | None = strawberry.field(description="GET it once with your token (下载地址)")
    expires_at: datetime | None = strawberry.field(description="Valid until (有效期至)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class FilingsQuery:
    @strawberry.field(description="Compare two versions field by field (版本比对)")
    async def compare_filings(
        self, info: Info, older_id: strawberry.ID, newer_id: strawberry.ID
    ) -> list[FieldChangeType]:
        ctx = info.context
        changes = await service.compare_versions(
            ctx.session,
            ctx.actor,
            older_id=expect_global_id(older_id, "Filing", field="olderId"),
            newer_id=expect_global_id(newer_id, "Filing", field="newerId"),
        )
        return [FieldChangeType(path=p, before=b, after=a) for p, b, a in changes]


@strawberry.type
class FilingsMutation(DeadlinesMutation):
    @strawberry.mutation(description="File a plan for record or approval (计划报备报批)")
    async def file_plan(self, info: Info, input: FilePlanInput) -> FilePlanPayload:
        ctx = info.context

        async def call() -> Filing:
            return await service.file_plan(
                ctx.session,
                ctx.actor,
                plan_id=expect_global_id(input.plan_id, "Plan", field="planId"),
                rule_id=input.rule_id,
            )

        filing, errors = await run_mutation(info, "filing.submit", call)
        return FilePlanPayload(filing=filing and FilingType.from_row(filing), user_errors=errors)

    @strawberry.mutation(description="A single-use XLSX download link of the inbox (导出收件箱)")
    async def create_inbox_download(
        self, info: Info, input: CreateInboxDownloadInput
    ) -> CreateInboxDownloadPayload:
        ctx = info.context

        async def call() -> tuple[str, datetime]:
            return await links.issue_inbox_link(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
            )

        issued, errors = await run_mutation(info, "filing.inbox.link", call)
        return CreateInboxDownloadPayload(
            url=issued[0] if issued else None,
            expires_at=issued[1] if issued else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Approve, return or acknowledge a filing (处理报送)")
    async def decide_filing(self, info: Info, input: DecideFilingInput) -> DecideFilingPayload:
        ctx = info.context

        async def call() -> FilingDecision:
            return await service.decide(
                ctx.session,
                ctx.actor,
                filing_id=expect_global_id(input.filing_id, "Filing", field="filingId"),
                decision=Decision(input.decision),
                reason=input.reason,
            )

        row, errors = await run_mutation(info, "filing.decide", call)
        return DecideFilingPayload(
            decision=row and FilingDecisionType.from_row(row), user_errors=errors
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def serve_inbox_download(session: AsyncSession, actor: Actor, token: str) -> Served:
    """The inbox export a single-use link names (``GET /downloads/<token>``)."""
    return Served(await links.redeem(session, actor, token), XLSX, "inbox.xlsx")


SCHEMA = SchemaPart(
    downloads=(
        # Gone (410) for a link used, expired, forged or issued to another account.
        DownloadRoute(links.PATH, "filing.inbox.download", serve_inbox_download, 410),
    ),
    query=FilingsQuery,
    mutation=FilingsMutation,
    types=(FilingType, FilingDecisionType, InboxCountType, WarningSettingType, OversightItemType),
    fields=(
        TypeField(
            "Office",
            "oversight",
            strawberry.field(
                resolver=office_oversight,
                description="Where the filings deeper in the network stand, status only, where "
                "the viewer's relation allows (下级报送情况)",
            ),
        ),
        TypeField(
            "Office",
            "filingWarnings",
            connection_field(
                repository.warning_settings_of_offices,
                WarningSettingType,
                description="Yellow thresholds of duties filed to the office that differ from "
                "the default (预警天数设置)",
            ),
        ),
        TypeField(
            "Office",
            "filingsMade",
            connection_field(
                repository.filings_of_offices,
                FilingType,
                description="Versions the office filed (本机构报送)",
            ),
        ),
        TypeField(
            "Office",
            "inbox",
            strawberry.field(
                resolver=office_inbox,
                description="Filings addressed to the office, filterable, three-colour (收件箱)",
            ),
        ),
        TypeField(
            "Office",
            "rollups",
            strawberry.field(
                resolver=office_rollups,
                description="Statistics per direct subordinate, aggregates only (下级汇总统计)",
            ),
        ),
        TypeField(
            "Office",
            "inboxCounts",
            strawberry.field(
                resolver=office_inbox_counts,
                description="Counts per status of the inbox (收件箱计数)",
            ),
        ),
        TypeField(
            "Office",
            "filingsReceived",
            connection_field(
                repository.filings_to_offices,
                FilingType,
                description="Versions filed to the office (收到的报送)",
            ),
        ),
    ),
)
