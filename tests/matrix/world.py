"""The matrix's seeded network: one inspection on site with a person of every role around it.

A region (``top`` over ``mine`` and ``sibling``); in ``mine`` a target and its inspection,
with casework, petitions (the petitioner named), conduct and discipline rows, each confidential
text carrying a unique marker (``MARKERS``). Around that inspection: every role of the
expectation table, by username. The rows of every other Node type come from
``tests/audit/hidden_rows.py`` and the demo network, in offices none of these people hold a
role in: every role must be refused them (``foreign``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import BreakGlassGrant, Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.platform import grant_platform_role
from inspectnet.authz.recusals import record_recusal
from inspectnet.authz.shares import share_object
from inspectnet.casework import findings, proposals
from inspectnet.ids import global_id_of
from inspectnet.inspections import preparation
from inspectnet.inspections.models import PreparationBody, Stage, TeamRole
from inspectnet.intake import conduct
from inspectnet.notifications import service as notifications
from inspectnet.notifications.models import NotificationKind
from inspectnet.people import service as people
from inspectnet.people.models import TieKind
from inspectnet.targets import service as targets
from tests.accounts.factories import make_target_side_user
from tests.audit.hidden_rows import _conduct_rows, _petition_rows
from tests.audit.test_hidden_and_missing import build_world as add_hidden_rows
from tests.casework.factories import Team, make_activity, make_clue, make_interview, make_team
from tests.conftest import FROZEN_AT
from tests.discipline.factories import make_discipline_record
from tests.factories import make_staffed_region, make_user
from tests.inspections.factories import make_assignment, make_workflow_rows, move_to
from tests.intake.factories import make_petition
from tests.network.factories import make_office
from tests.people.factories import make_person_with_record, make_rotation, make_training
from tests.reports.factories import make_report

# Unique strings written into the confidential text of the world's rows: one must never
# appear in an answer to a role the table refuses the field's type (or redacted field).
MARKERS: dict[str, str] = {
    "Interview": "MKINTERVIEW7Q1",
    "Clue": "MKCLUE7Q2",
    "Finding": "MKFINDING7Q3",
    "Petition": "MKPETITION7Q4",
    "Petition.petitioner": "MKPETITIONER7Q5",
    "InspectorComplaint": "MKCOMPLAINT7Q6",
    "FixProposal": "MKFIX7Q7",
}


@dataclass
class World:
    """Usernames by role, and the ids of the inspection's office and its rows."""

    users: dict[str, str]
    office_id: int
    superior_id: int
    sibling_id: int
    receiver_id: int
    inspection_id: int
    target_id: int
    shared: set[tuple[str, int]] = field(default_factory=set)


async def _casework(session: AsyncSession, actor: Actor, team: Team) -> None:
    inspection = team.inspection
    interview = await make_interview(
        session, actor, team, record=f"谈话记录 {MARKERS['Interview']}"
    )
    await make_activity(session, actor, inspection)
    clue = await make_clue(
        session, actor, inspection, person_name=f"线索人{MARKERS['Clue']}", sources=[interview]
    )
    ready = await findings.create_finding(
        session,
        actor,
        inspection_id=inspection.id,
        category="category.other",
        title="违规发放津贴补贴",
        facts=f"以加班费名义发放补贴 {MARKERS['Finding']}",
        basis="违反中央八项规定精神",
        evidence_ids=[global_id_of(clue)],
    )
    ready = await findings.mark_finding_ready(session, actor, finding_id=ready.id)
    await proposals.propose_fix(
        session,
        actor,
        inspection_id=inspection.id,
        problem="公务接待超标",
        proposal=f"立即清理规范 {MARKERS['FixProposal']}",
        finding_id=ready.id,
    )
    await make_report(session, actor, inspection, findings=[ready], clues=[clue])


async def _office_rows(
    session: AsyncSession, actor: Actor, team: Team, superior_admin_id: int
) -> None:
    """The office's people and roster, the inspection's workflow rows before entry, a
    notification to the team member and a break-glass grant to the superior's admin."""
    office, inspection = team.office, team.inspection
    person = await make_person_with_record(session, actor, office)
    await make_training(session, actor, person)
    await make_rotation(session, actor, person)
    await people.add_interest_tie(
        session,
        actor,
        person_id=person.id,
        kind=TieKind.KIN,
        organisation="某公司",
        relation="配偶",
        target_id=None,
    )
    await targets.add_leadership_post(
        session,
        actor,
        target_id=team.target.id,
        person_id=person.id,
        post="党委书记",
        started_on=date(2021, 1, 1),
        ended_on=None,
    )
    await make_workflow_rows(session, actor, inspection, team.member.person_id)
    await preparation.add_preparation_item(
        session,
        actor,
        inspection_id=inspection.id,
        body=PreparationBody.ORGANISATION,
        question="领导班子成员有关情况",
        due_on=date(2026, 12, 31),
    )
    await notifications.notify(
        session,
        actor,
        recipients=[team.member.id],
        kind=NotificationKind.NOTICE,
        subject_id=None,
        office_id=office.id,
        title="请按时报送材料",
    )
    session.add(
        BreakGlassGrant(
            office_id=office.id,
            user_id=superior_admin_id,
            role=Role.OFFICE_MEMBER,
            reason="测试用紧急授权，说明理由须足够具体以便审计核查",
            valid_from=FROZEN_AT - timedelta(days=2),
            valid_until=FROZEN_AT - timedelta(days=2) + timedelta(hours=1),
        )
    )
    await session.flush()


async def build_world(session: AsyncSession, actor: Actor) -> World:
    """The region, the inspection and its rows, a person of every role; and the foreign rows."""
    net = await make_staffed_region(session, actor)
    mine, top, sibling = net.mine, net.top, net.sibling
    team = await make_team(session, actor, office=mine)
    inspection, target = team.inspection, team.target
    users: dict[str, str] = {"team_member": team.member.username}
    handler = await make_user(session, actor, mine, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, inspection, handler.id, TeamRole.INTAKE_HANDLER)
    users["intake_handler"] = handler.username
    recused = await make_user(session, actor, mine, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, inspection, recused.id, TeamRole.MEMBER)
    users["recused_member"] = recused.username
    former = await make_user(session, actor, mine, Role.OFFICE_MEMBER)
    # A member whose term on the team ended before today (一次一授权): its grant is over.
    await make_assignment(
        session,
        actor,
        inspection,
        former.id,
        TeamRole.MEMBER,
        valid_from=FROZEN_AT - timedelta(days=30),
        valid_until=FROZEN_AT - timedelta(days=1),
    )
    users["former_member"] = former.username
    users["office_staff"] = (await make_user(session, actor, mine, Role.OFFICE_MEMBER)).username
    users["office_admin"] = net.staff.admin
    users["superior_staff"] = (await make_user(session, actor, top, Role.OFFICE_MEMBER)).username
    users["superior_admin"] = net.top_admin
    users["sibling_staff"] = (await make_user(session, actor, sibling, Role.OFFICE_MEMBER)).username
    users["sibling_admin"] = (await make_user(session, actor, sibling, Role.OFFICE_ADMIN)).username
    users["target_user"] = (await make_target_side_user(session, actor, mine, target.id)).username
    users["auditor"] = (await make_user(session, actor, mine, Role.AUDITOR)).username
    receiver = await make_office(session, actor)
    users["transfer_receiver"] = (
        await make_user(session, actor, receiver, Role.OFFICE_ADMIN)
    ).username
    users["stranger"] = net.stranger
    operator = await make_user(session, actor, await make_office(session, actor), Role.AUDITOR)
    await grant_platform_role(session, actor, user_id=operator.id)
    users["platform_operator"] = operator.username

    users["superior_auditor"] = net.top_auditor
    top_admin_id = await session.scalar(
        select(UserAccount.id).where(
            UserAccount.username == net.top_admin, UserAccount.office_id == top.id
        )
    )
    assert top_admin_id is not None
    await _office_rows(session, actor, team, top_admin_id)
    inspection = await move_to(session, actor, inspection, Stage.ON_SITE)
    # Recused once the mission is under way (a team is confirmed without anyone recused,
    # nmg-2016 §12): the recusal overrides the role the member still holds.
    await record_recusal(
        session, actor, person_id=recused.person_id, target_id=target.id, reason="曾在该单位任职"
    )
    await _casework(session, actor, team)
    await make_petition(
        session,
        actor,
        inspection,
        summary=f"反映违规发放津补贴 {MARKERS['Petition']}",
        petitioner_name=f"李{MARKERS['Petition.petitioner']}",
        petitioner_contact="13900000000",
    )
    await conduct.file_complaint(
        session,
        actor,
        inspection_id=inspection.id,
        summary=f"反映巡察组成员接受宴请 {MARKERS['InspectorComplaint']}",
    )
    await make_discipline_record(session, actor, inspection)
    await _petition_rows(session, actor, inspection)
    await _conduct_rows(session, actor, inspection)
    world = World(users, mine.id, top.id, sibling.id, receiver.id, inspection.id, target.id)
    await share_object(
        session, actor, obj=inspection, office_id=receiver.id, reason="移交测试：授权矩阵的接收机构"
    )
    world.shared.add(("Inspection", inspection.id))
    await add_hidden_rows(session, actor)
    return world
