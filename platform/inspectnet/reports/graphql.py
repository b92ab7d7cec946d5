"""GraphQL of reports: the report and its versions on the Inspection type, drafting and
revising it, and its DOCX served by GET (``/reports/<version id>``) to whoever reads the report."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.graphql.can import UPDATE, Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.lists import ARCHIVED_DESCRIPTION, archived, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, Served, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.reports import approval, repository, service
from inspectnet.reports.graphql_search import SEARCH_FIELD, CaseworkSearchHit
from inspectnet.reports.models import Report, ReportVersion
from inspectnet.validation import described

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PATH = "/reports/"


@strawberry.input(description="Which versions to list (报告版本筛选)")
class ReportVersionFilter:
    after_hearing: bool | None = strawberry.field(
        default=None, description="Drafted after the hearing (听取汇报后修改)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.after_hearing is None:
            return []
        return [ReportVersion.after_hearing.is_(self.after_hearing)]


ReportVersionOrder = order_input("ReportVersion")


@strawberry.type(name="ReportVersion", description="One generated draft of a report (报告版本)")
class ReportVersionType(Node, Stamped):
    number: int = strawberry.field(description="Version number, 1 first (版本号)")
    after_hearing: bool = strawberry.field(
        description="Revised after the leading group heard the team (qh-zrzyt §17) (听取汇报后修改)"
    )
    note: str | None = strawberry.field(description="What the revision changed (修改说明)")
    size: int = strawberry.field(description="Size of the DOCX in bytes (文件大小)")
    sha256: str = strawberry.field(description="SHA-256 of the DOCX (校验值)")
    download_path: str = strawberry.field(
        description="GET it with the bearer token: the DOCX (下载地址)"
    )
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: ReportVersion) -> ReportVersionType:
        gid = global_id("ReportVersion", row.id)
        return cls(
            id=strawberry.ID(gid),
            pk=row.id,
            number=row.number,
            after_hearing=row.after_hearing,
            note=row.note,
            size=row.size,
            sha256=row.sha256,
            download_path=PATH + gid,
            **stamps(row),
        )


register_node("ReportVersion", ReportVersion, ReportVersionType.from_row)


@strawberry.input(description="Which reports to list (报告筛选)")
class ReportFilter:
    kind: str | None = strawberry.field(default=None, description="Report kind rule (报告类别)")
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(Report.kind == self.kind)
        return each(found, archived(self.archived, Report.archived_at))


ReportOrder = order_input("Report")
REPORT_CAN = (
    UPDATE,
    # As the body the ruleset names (approve_as_<body>: nmg-2016 §27, qh-zrzyt §17).
    Ability("approve", "May approve it as the body it goes to (可审定)", approval.approve_action),
)


@strawberry.type(name="Report", description="A report of the inspection (巡视巡察报告)")
class ReportType(Node, Stamped):
    kind: str = strawberry.field(description="Report kind rule, e.g. report.inspection (报告类别)")
    title: str = strawberry.field(description="Title (标题)")
    suggestions: str | None = strawberry.field(description="Proposals for handling (处理建议)")
    current_version: int = strawberry.field(description="Newest version number (当前版本)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    archived: bool = strawberry.field(description="Withdrawn (已撤销)")
    approved: bool = strawberry.field(
        description="Final: its current version approved by the body the ruleset names (已审定)"
    )
    approved_version: int | None = strawberry.field(
        description="The version last approved, if any (审定版本)"
    )
    approved_at: datetime | None = strawberry.field(description="When it was approved (审定时间)")
    pk: strawberry.Private[int]
    viewer_can = viewer_can_field("Report", REPORT_CAN)

    @classmethod
    def from_row(cls, row: Report) -> ReportType:
        return cls(
            id=strawberry.ID(global_id("Report", row.id)),
            pk=row.id,
            kind=row.kind,
            title=row.title,
            suggestions=row.suggestions,
            current_version=row.current_version,
            version=row.version,
            archived=row.archived_at is not None,
            approved=approval.is_final(row),
            approved_version=row.approved_version,
            approved_at=row.approved_at,
            **stamps(row),
        )

    versions = connection_field(
        repository.versions_of,
        ReportVersionType,
        description="Its generated drafts, one per version (报告版本)",
        filter=ReportVersionFilter,
        order=ReportVersionOrder,
    )


register_node("Report", Report, ReportType.from_row)


@strawberry.input(description="Draft a report from ready findings and clues (生成报告)")
class CreateReportInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    kind: str = strawberry.field(
        description="A report kind rule of the office's ruleset, e.g. report.inspection (报告类别)"
    )
    title: str = strawberry.field(description=described("Title (标题)", Report.title))
    finding_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Findings to place, each ready (底稿已确认, qh-zrzyt §16) (写入的问题)",
    )
    clue_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Clues to place (写入的问题线索)"
    )
    suggestions: str | None = strawberry.field(
        default=None, description=described("Proposals for handling (处理建议)", Report.suggestions)
    )


@strawberry.input(description="Draft a new version of a report (修改报告)")
class ReviseReportInput:
    report_id: strawberry.ID = strawberry.field(description="The report (报告)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )
    finding_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Findings to place instead; omitted keeps them (写入的问题)"
    )
    clue_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Clues to place instead; omitted keeps them (写入的问题线索)"
    )
    suggestions: str | None = strawberry.field(
        default=None, description=described("Proposals for handling (处理建议)", Report.suggestions)
    )
    note: str | None = strawberry.field(
        default=None, description=described("What changed (修改说明)", ReportVersion.note)
    )


@strawberry.input(description="Approve a report's current version (审定报告)")
class ApproveReportInput:
    report_id: strawberry.ID = strawberry.field(description="The report (报告)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to a report (报告结果)")
class ReportPayload:
    report: ReportType | None = strawberry.field(description="The report, unless refused (报告)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _payload(found: Report | None, errors: list[UserError]) -> ReportPayload:
    return ReportPayload(report=found and ReportType.from_row(found), user_errors=errors)


def _ids(values: list[strawberry.ID] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        description="Draft a report from ready findings and clues as a DOCX, version 1 (生成报告)"
    )
    async def create_report(self, info: Info, input: CreateReportInput) -> ReportPayload:
        ctx = info.context

        async def call() -> Report:
            return await service.create_report(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                kind=input.kind,
                title=input.title,
                finding_ids=_ids(input.finding_ids) or [],
                clue_ids=_ids(input.clue_ids) or [],
                suggestions=input.suggestions,
            )

        return _payload(*await run_mutation(info, "report.create", call))

    @strawberry.mutation(
        description="Draft a new version of a report from its findings and clues as they stand "
        "(修改报告, qh-zrzyt §17)"
    )
    async def revise_report(self, info: Info, input: ReviseReportInput) -> ReportPayload:
        ctx = info.context

        async def call() -> Report:
            return await service.revise_report(
                ctx.session,
                ctx.actor,
                report_id=expect_global_id(input.report_id, "Report", field="reportId"),
                version=input.version,
                finding_ids=_ids(input.finding_ids),
                clue_ids=_ids(input.clue_ids),
                suggestions=input.suggestions,
                note=input.note,
            )

        return _payload(*await run_mutation(info, "report.revise", call))

    @strawberry.mutation(
        description="Approve a report's current version as the body the ruleset names "
        "(nmg-2016 §27 leading group, qh-zrzyt §17 party group); a revision reopens it (审定报告)"
    )
    async def approve_report(self, info: Info, input: ApproveReportInput) -> ReportPayload:
        ctx = info.context

        async def call() -> Report:
            return await approval.approve_report(
                ctx.session,
                ctx.actor,
                report_id=expect_global_id(input.report_id, "Report", field="reportId"),
                version=input.version,
            )

        return _payload(*await run_mutation(info, "report.approve", call))


async def serve_version(session: AsyncSession, actor: Actor, token: str) -> Served:
    """A version's DOCX (``GET /reports/<version id>``), read through the door like its report."""
    row, content = await service.version_file(
        session, actor, expect_global_id(token, "ReportVersion", field="token")
    )
    return Served(content, DOCX, f"report-{row.report_id}-v{row.number}.docx")


SCHEMA = SchemaPart(
    downloads=(DownloadRoute(PATH, "report.download", serve_version, 404),),
    mutation=ReportMutation,
    types=(ReportType, ReportVersionType, CaseworkSearchHit),
    fields=(
        TypeField("Inspection", "caseworkSearch", SEARCH_FIELD),
        TypeField(
            "Inspection",
            "reports",
            connection_field(
                repository.reports_of,
                ReportType,
                description="Reports drafted from the findings and clues, team only (巡视巡察报告)",
                filter=ReportFilter,
                order=ReportOrder,
            ),
        ),
    ),
)
