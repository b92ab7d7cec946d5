"""Inspections and team assignments made through the services, as the system."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.inspections import notices, recusal_cases, service, site_work, stages
from inspectnet.inspections.models import (
    ApprovalStatus,
    Inspection,
    InspectionNotice,
    RecusalCaseKind,
    SiteMethod,
    SiteMethodUse,
    Stage,
    TeamAssignment,
    TeamRole,
)
from inspectnet.inspections.repository import notice_of
from inspectnet.rules.format import RecusalGround


async def make_inspection(
    session: AsyncSession, actor: Actor, target_id: int, name: str = "2026年第一轮巡察"
) -> Inspection:
    return await service.create_inspection(session, actor, target_id=target_id, name=name)


async def move_to(
    session: AsyncSession, actor: Actor, inspection: Inspection, stage: Stage
) -> Inspection:
    """Advance one stage at a time up to ``stage``, recording the written notice the notice
    stage needs (qh-zrzyt §13) when none is recorded yet."""
    order = list(Stage)
    while inspection.stage is not stage:
        following = order[order.index(inspection.stage) + 1]
        if following is Stage.NOTIFIED and await notice_of(session, inspection.id) is None:
            await make_notice(session, actor, inspection)
        inspection = await stages.advance_inspection(
            session, actor, inspection_id=inspection.id, stage=following
        )
    return inspection


async def make_assignment(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    user_id: int,
    role: TeamRole = TeamRole.MEMBER,
    *,
    phone: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> TeamAssignment:
    return await service.assign_team_role(
        session,
        actor,
        inspection_id=inspection.id,
        user_id=user_id,
        role=role,
        contact_phone=phone,
        valid_from=valid_from,
        valid_until=valid_until,
    )


async def make_notice(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    *,
    notice_on: date = date(2026, 11, 25),
    site_from: date = date(2026, 12, 1),
    site_until: date = date(2027, 1, 15),
    online_address: str | None = None,
) -> InspectionNotice:
    """The written notice and announcement of an inspection before entry (qh-zrzyt §13)."""
    return await notices.record_notice(
        session,
        actor,
        inspection_id=inspection.id,
        notice_on=notice_on,
        scope="对该单位党组织领导班子及其成员开展常规巡察",
        method="听取汇报、个别谈话、受理来信来电来访、调阅资料等",
        site_from=site_from,
        site_until=site_until,
        address="西宁市城西区某路1号",
        mailbox="西宁市1001号信箱",
        phone="0971-5550001",
        online_address=online_address,
    )


async def make_workflow_rows(
    session: AsyncSession, actor: Actor, inspection: Inspection, person_id: int
) -> None:
    """A row of each record an inspection's workflow keeps (notice, recusal case, method used
    on site, request for instruction), for the tests that need every model to hold rows;
    ``person_id`` is on the team or in a pool. The inspection keeps its stage."""
    await make_notice(session, actor, inspection)
    await recusal_cases.raise_case(
        session,
        actor,
        inspection_id=inspection.id,
        person_id=person_id,
        kind=RecusalCaseKind.CHALLENGE,
        ground=RecusalGround.OFFICIAL,
        statement="申报其亲属在该单位任职",
    )
    await site_work.raise_request(
        session,
        actor,
        inspection_id=inspection.id,
        subject="关于延长现场巡察时间的请示",
        content="因信访件较多，拟延长现场巡察时间5个工作日",
        due_on=date(2026, 12, 31),
    )
    # A method is recorded on site only (site_work.record_method); the row is written as the
    # service writes it so that an inspection before entry holds one too.
    session.add(
        SiteMethodUse(
            office_id=inspection.office_id,
            inspection_id=inspection.id,
            target_id=inspection.target_id,
            method=SiteMethod.FORUM,
            used_on=date(2026, 11, 25),
            note="召开中层干部座谈会",
            approval=ApprovalStatus.NOT_NEEDED,
        )
    )
    await session.flush()
