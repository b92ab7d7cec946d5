"""Inspections and team assignments made through the services, as the system."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts.models import Role
from inspectnet.archive import service as archive
from inspectnet.authz.actor import Actor
from inspectnet.inspections import (
    confirmation,
    meetings,
    notices,
    recusal_cases,
    service,
    site_work,
    stages,
)
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
from inspectnet.network.models import Office
from inspectnet.rectification import feedback
from inspectnet.rectification import service as hearings
from inspectnet.rectification.feedback import Party
from inspectnet.rectification.models import PartyRole
from inspectnet.reports import approval
from inspectnet.reports import service as reports
from inspectnet.reports.models import Report
from inspectnet.rules.format import AttendanceRule, DecisionMatter, RecusalGround
from inspectnet.rules.registry import get_ruleset
from tests.accounts.factories import make_user


async def make_inspection(
    session: AsyncSession, actor: Actor, target_id: int, name: str = "2026年第一轮巡察"
) -> Inspection:
    return await service.create_inspection(session, actor, target_id=target_id, name=name)


async def move_to(
    session: AsyncSession, actor: Actor, inspection: Inspection, stage: Stage
) -> Inspection:
    """Advance one stage at a time up to ``stage``, recording first what the stage machine's
    guard table wants (inspections/gates.py): the bodies' confirmation of the team, the written
    notice, the report, the hearing, the consent and the feedback, the handover."""
    order = list(Stage)
    while inspection.stage is not stage:
        following = order[order.index(inspection.stage) + 1]
        if following is Stage.HEARD:
            await hear(session, actor, inspection)
        elif following is Stage.FED_BACK:
            await feed_back(session, actor, inspection)
        else:
            await prepare_stage(session, actor, inspection, following)
            await stages.advance_inspection(
                session, actor, inspection_id=inspection.id, stage=following
            )
        found = await session.get(Inspection, inspection.id, populate_existing=True)
        assert found is not None
        inspection = found
    return inspection


def _as_system(actor: Actor) -> Actor:
    """The bodies and the office's records a stage needs, made by the system whoever moves."""
    return actor if actor.is_system else Actor.system(actor.policy, name="factory")


async def confirm_team(session: AsyncSession, actor: Actor, inspection: Inspection) -> None:
    """The named bodies confirm the team as it stands (qh-zrzyt §6(3), §9), as the system; a
    leader proposed first when the team has none (组长负责制, nmg-2016 §10)."""
    actor = _as_system(actor)
    roster = await confirmation.roster_of(session, inspection.id)
    if not any(role == TeamRole.LEADER.value for _user, role in roster):
        office = await session.get(Office, inspection.office_id)
        assert office is not None
        leader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
    for matter in confirmation.TEAM_MATTERS:
        await confirmation.confirm_team(
            session,
            actor,
            inspection_id=inspection.id,
            matter=matter,
            decided_on=clock.today_in_china(),
        )


async def prepare_stage(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    stage: Stage,
    *,
    approve_report: bool = True,
) -> None:
    """Record what entering ``stage`` by ``advance_inspection`` needs, if not yet recorded; the
    inspection report is also approved, as the feedback later needs, unless told not to."""
    if stage is Stage.TEAM_FORMED:
        await confirm_team(session, actor, inspection)
    elif stage is Stage.NOTIFIED and await notice_of(session, inspection.id) is None:
        await make_notice(session, actor, inspection)
    elif stage is Stage.REPORTED:
        # system scope: the factory looks for the inspection report the test may have drafted
        report = await session.scalar(
            select(Report).where(
                Report.inspection_id == inspection.id,
                Report.kind == "report.inspection",
                Report.archived_at.is_(None),
            )
        )
        if report is None:
            report = await reports.create_report(
                session,
                _as_system(actor),
                inspection_id=inspection.id,
                kind="report.inspection",
                title=f"关于{inspection.name}情况的报告",
            )
        if approve_report and report.approved_version != report.current_version:
            # approved by the body the ruleset names, as the feedback after it needs (nmg §27)
            await approval.approve_report(session, _as_system(actor), report_id=report.id)
    elif stage is Stage.ARCHIVED:
        await archive.hand_over_materials(
            session, _as_system(actor), inspection_id=inspection.id, note="巡察组全部工作材料"
        )


async def hear(session: AsyncSession, actor: Actor, inspection: Inspection) -> None:
    """The named body hears the team (recordHearing moves the stage to ``heard``)."""
    actor = _as_system(actor)
    await hearings.record_hearing(
        session,
        actor,
        inspection_id=inspection.id,
        held_on=clock.today_in_china(),
        proposals="责成被巡视党组织认真整改，问题线索按规定移交",
    )


async def feed_back(session: AsyncSession, actor: Actor, inspection: Inspection) -> None:
    """The body consents and the team feeds back with whoever the ruleset wants present."""
    actor = _as_system(actor)
    today = clock.today_in_china()
    await hearings.decide(
        session,
        actor,
        inspection_id=inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=today,
        text="同意向被巡视党组织反馈",
    )
    office = await session.get(Office, inspection.office_id)
    assert office is not None
    attendance = get_ruleset(office.ruleset_id).of_type(AttendanceRule)
    parties = [
        Party(PartyRole(attendee.value), f"参加反馈人员{n}")
        for rule in attendance
        for n, attendee in enumerate(rule.params.attendees, start=1)
    ]
    await feedback.deliver_feedback(
        session,
        actor,
        inspection_id=inspection.id,
        to_leadership_on=today,
        to_principal_on=today,
        signed_on=today,
        principal_name="张书记",
        problems=["落实全面从严治党主体责任不到位"],
        parties=parties,
    )


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
    on site, request for instruction, team meeting), for the tests that need every model to hold rows;
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
    # A meeting of the team as it stands (组务会, nmg-2016 §10).
    await meetings.record_meeting(
        session,
        actor,
        inspection_id=inspection.id,
        held_on=clock.today_in_china(),
        attendee_ids=[user for user, _role in await confirmation.roster_of(session, inspection.id)],
        decisions="研究确定个别谈话名单和调阅资料清单",
    )
