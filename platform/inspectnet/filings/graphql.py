"""GraphQL for filings (报备 / 报批): mutations, reads and the domain's schema part."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.filings import links, repository, service
from inspectnet.filings.graphql_deadlines import (
    DeadlinesMutation,
    WarningSettingType,
)
from inspectnet.filings.graphql_enums import DecisionEnum
from inspectnet.filings.graphql_inbox import (
    InboxCountType,
    office_inbox,
    office_inbox_counts,
    office_rollups,
)
from inspectnet.filings.graphql_lists import (
    FilingFilter,
    FilingOrder,
    FilingWarningSettingFilter,
    FilingWarningSettingOrder,
)
from inspectnet.filings.graphql_oversight import OversightItemType, office_oversight
from inspectnet.filings.graphql_types import FieldChangeType, FilingDecisionType, FilingType
from inspectnet.filings.models import Decision, Filing, FilingDecision
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, Served, TypeField
from inspectnet.ids import expect_global_id


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
                filter=FilingWarningSettingFilter,
                order=FilingWarningSettingOrder,
            ),
        ),
        TypeField(
            "Office",
            "filingsMade",
            connection_field(
                repository.filings_of_offices,
                FilingType,
                description="Versions the office filed (本机构报送)",
                filter=FilingFilter,
                order=FilingOrder,
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
                filter=FilingFilter,
                order=FilingOrder,
            ),
        ),
    ),
)
