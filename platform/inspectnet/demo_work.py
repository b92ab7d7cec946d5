"""The demo's inspections, one at each stage, so that ``make run`` shows the product: the
region office's second round of 2026 over five league leaderships (nmg-2016), each moved on
through the domains' services as the platform, so every rule holds as it would for a user.

- 乌海: the team formed (leader, member, intake handler);
- 包头: on site, with petitions (one replied to), an interview, a forum, a clue and a finding;
- 赤峰: reported, the report drafted from its ready finding and its clue;
- 通辽: heard, consented and fed back, its rectification plan submitted with an item a problem,
  a clue transferred to the discipline body, the feedback's disclosure published;
- 鄂尔多斯: fed back, its materials handed over and archived;

and the region's results ledger compiled from them. Every date is fixed, so two loads give the
same rows; loading again creates nothing (the round is looked up by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.archive import service as archive
from inspectnet.authz.actor import Actor
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind
from inspectnet.casework import clues, findings, interviews
from inspectnet.casework.models import Clue, Finding
from inspectnet.demo_work_after import feed_back
from inspectnet.ids import global_id_of
from inspectnet.inspections import confirmation, notices, stages
from inspectnet.inspections import service as inspections
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from inspectnet.intake import service as intake
from inspectnet.intake.models import Channel, Subject
from inspectnet.ledger import service as ledger
from inspectnet.network.models import Office
from inspectnet.reports import approval
from inspectnet.reports import service as reports
from inspectnet.targets.models import Target

ROUND = "2026年第二轮巡视"
REGION = "nmg.region"
TEAM = (
    ("team_leader", TeamRole.LEADER),
    ("team_member", TeamRole.MEMBER),
    ("intake_handler", TeamRole.INTAKE_HANDLER),
)
# The region office's bodies of nmg-2016: the five-person group decides the use of results
# and transfers (§31), the party committee consents to the feedback.
BODIES = (
    (BodyKind.FIVE_PERSON_GROUP, "自治区党委巡视工作五人小组"),
    (BodyKind.PARTY_COMMITTEE, "自治区党委"),
)
# The team left each site after the days the office decided (nmg-2016 leaves it to the office).
LEFT_SITE = "经巡视办研究，现场巡视工作已完成，同意按期撤离"


@dataclass(frozen=True)
class Casework:
    """What a team gathered on one site: a clue from an interview and a finding it evidences."""

    clue: Clue
    finding: Finding


async def load(session: AsyncSession, actor: Actor) -> int:
    """Create the demo round unless it exists; how many objects were created."""
    # system scope: the demo loader looks for what exists (idempotent), as the platform
    office = (await session.execute(select(Office).where(Office.code == REGION))).scalar_one()
    found = await session.scalar(
        # system scope: the demo loader looks for its own round, as the platform
        select(Inspection.id).where(Inspection.office_id == office.id, Inspection.name == ROUND)
    )
    if found is not None:
        return 0
    team = await _team(session, office)
    created = await _bodies(session, actor, office)
    wuhai = await _inspection(session, actor, office, "乌海市委领导班子", team)
    await _advance(session, actor, wuhai, Stage.TEAM_FORMED)
    baotou = await _inspection(session, actor, office, "包头市委领导班子", team)
    await _on_site(session, actor, baotou)
    await _petitions(session, actor, baotou)
    await _casework(session, actor, baotou, team, "包头市某区财政局")
    chifeng = await _inspection(session, actor, office, "赤峰市委领导班子", team)
    await _reported(session, actor, chifeng, team, "赤峰市某旗自然资源局")
    tongliao = await _inspection(session, actor, office, "通辽市委领导班子", team)
    work = await _reported(session, actor, tongliao, team, "通辽市某县住建局", approved=True)
    created += await feed_back(
        session, actor, tongliao, team["tongliao_side"], transfer=work.clue, publish=True
    )
    ordos = await _inspection(session, actor, office, "鄂尔多斯市委领导班子", team)
    await _reported(session, actor, ordos, team, "鄂尔多斯市某旗能源局", approved=True)
    created += await feed_back(session, actor, ordos, None, transfer=None, publish=False)
    await archive.hand_over_materials(
        session, actor, inspection_id=ordos.id, note="巡视工作底稿、谈话记录、问题线索等材料"
    )
    await archive.archive_inspection(session, actor, inspection_id=ordos.id)
    created += await ledger.compile_ledger(session, actor, office_id=office.id)
    # Five inspections with their teams; two petitions; four sites' casework (an interview,
    # a forum, a clue, a finding each); three reports; a hand-over and an archive.
    return created + 5 * (1 + len(TEAM)) + 2 + 4 * 4 + 3 + 2


async def _team(session: AsyncSession, office: Office) -> dict[str, UserAccount]:
    rows = await session.scalars(
        # system scope: the demo loader finds the demo's accounts, as the platform
        select(UserAccount).where(UserAccount.office_id == office.id)
    )
    return {row.username: row for row in rows}


async def _bodies(session: AsyncSession, actor: Actor, office: Office) -> int:
    for kind, name in BODIES:
        await bodies.create_body(session, actor, office_id=office.id, kind=kind, name=name)
    return len(BODIES)


async def _inspection(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    target_name: str,
    team: dict[str, UserAccount],
) -> Inspection:
    target = (
        await session.execute(
            # system scope: the demo loader finds the demo's target by name, as the platform
            select(Target).where(Target.office_id == office.id, Target.name == target_name)
        )
    ).scalar_one()
    inspection = await inspections.create_inspection(
        session, actor, target_id=target.id, name=ROUND
    )
    for username, role in TEAM:
        await inspections.assign_team_role(
            session,
            actor,
            inspection_id=inspection.id,
            user_id=team[username].id,
            role=role,
            contact_phone="0471-6600001" if role is TeamRole.LEADER else None,
            valid_from=None,
            valid_until=None,
        )
    return inspection


async def _advance(
    session: AsyncSession, actor: Actor, inspection: Inspection, stage: Stage
) -> Inspection:
    """One stage at a time up to ``stage``: the team confirmed by the bodies the ruleset names
    before it is formed, the written notice recorded before the notice."""
    order = list(Stage)
    while inspection.stage is not stage:
        following = order[order.index(inspection.stage) + 1]
        if following is Stage.TEAM_FORMED:
            for matter in confirmation.TEAM_MATTERS:
                await confirmation.confirm_team(
                    session,
                    actor,
                    inspection_id=inspection.id,
                    matter=matter,
                    decided_on=date(2026, 10, 28),
                )
        if following is Stage.NOTIFIED:
            await notices.record_notice(
                session,
                actor,
                inspection_id=inspection.id,
                notice_on=date(2026, 11, 2),
                scope="对该市委领导班子及其成员开展常规巡视",
                method="听取汇报、个别谈话、受理来信来电来访、调阅资料、召开座谈会等",
                site_from=date(2026, 11, 4),
                site_until=date(2026, 12, 31),
                address="该市迎宾馆",
                mailbox="该市1001号信箱",
                phone="0471-6600001",
                online_address=None,
            )
        inspection = await stages.advance_inspection(
            session,
            actor,
            inspection_id=inspection.id,
            stage=following,
            decision=LEFT_SITE if following is Stage.LEFT_SITE else None,
        )
    return inspection


async def _on_site(session: AsyncSession, actor: Actor, inspection: Inspection) -> Inspection:
    return await _advance(session, actor, inspection, Stage.ON_SITE)


async def _petitions(session: AsyncSession, actor: Actor, inspection: Inspection) -> None:
    """A named letter the team replied to, and an anonymous call."""
    letter = await intake.record_petition(
        session,
        actor,
        inspection_id=inspection.id,
        channel=Channel.LETTER,
        received_on=date(2026, 11, 10),
        subject=Subject.TARGET_LEADERSHIP,
        summary="反映某区财政局主要负责人违规发放津贴补贴",
        petitioner_name="赵某",
        petitioner_contact="13904720000",
    )
    await intake.reply_to_petition(
        session, actor, petition_id=letter.id, body="来信已收到，巡视组将按规定处理"
    )
    await intake.record_petition(
        session,
        actor,
        inspection_id=inspection.id,
        channel=Channel.CALL,
        received_on=date(2026, 11, 12),
        subject=Subject.SUBORDINATE_PRINCIPAL,
        summary="反映某旗主要负责人插手工程项目",
    )


async def _casework(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    team: dict[str, UserAccount],
    unit: str,
) -> Casework:
    """An interview recorded, a forum held, a clue from the interview, a finding it evidences."""
    interview = await interviews.schedule_interview(
        session,
        actor,
        inspection_id=inspection.id,
        scheduled_at=datetime(2026, 11, 16, 2, 0, tzinfo=UTC),
        interviewee_name="周涛",
        interviewee_post="办公室主任",
        interviewee_unit=unit,
        interviewer_ids=[team["team_leader"].id, team["team_member"].id],
    )
    await interviews.record_interview(
        session,
        actor,
        interview_id=interview.id,
        text=f"谈话对象反映：{unit}2025年以加班费名义违规发放津贴补贴。",
    )
    await interviews.record_activity(
        session,
        actor,
        inspection_id=inspection.id,
        method="method.forum",
        held_on=date(2026, 11, 17),
        subject="中层干部座谈会",
        material="参会12人，反映公务接待超标问题。",
    )
    clue = await clues.create_clue(
        session,
        actor,
        inspection_id=inspection.id,
        category="category.other",
        summary="反映其违规收受礼金",
        person_post="副局长",
        person_id=None,
        person_name="王某某",
        source_ids=[global_id_of(interview)],
    )
    finding = await findings.create_finding(
        session,
        actor,
        inspection_id=inspection.id,
        category="category.other",
        title="违规发放津贴补贴",
        facts=f"{unit}2025年以加班费名义发放补贴12万元",
        basis="违反中央八项规定精神",
        evidence_ids=[global_id_of(clue)],
    )
    finding = await findings.mark_finding_ready(session, actor, finding_id=finding.id)
    return Casework(clue, finding)


async def _reported(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    team: dict[str, UserAccount],
    unit: str,
    *,
    approved: bool = False,
) -> Casework:
    """On site with its casework, the site left, the report drafted (and approved by the body
    the ruleset names, as the feedback needs: nmg-2016 §27), and reported."""
    inspection = await _on_site(session, actor, inspection)
    work = await _casework(session, actor, inspection, team, unit)
    inspection = await _advance(session, actor, inspection, Stage.LEFT_SITE)
    report = await reports.create_report(
        session,
        actor,
        inspection_id=inspection.id,
        kind="report.inspection",
        title="关于巡视情况的报告",
        finding_ids=[global_id_of(work.finding)],
        clue_ids=[global_id_of(work.clue)],
    )
    if approved:
        await approval.approve_report(session, actor, report_id=report.id)
    await _advance(session, actor, inspection, Stage.REPORTED)
    return work
