"""Petitions and the inspection they are sent to, made through the services, as the system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.authz.recusals import record_recusal
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from inspectnet.intake import service
from inspectnet.intake.models import Channel, Petition, Subject
from inspectnet.network.models import Office
from inspectnet.targets.models import Target
from tests.accounts.factories import make_user
from tests.inspections.factories import make_assignment, make_inspection, move_to
from tests.network.factories import make_office
from tests.targets.factories import make_target


async def make_petition(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    *,
    summary: str = "反映该单位主要负责人违规发放津补贴",
    petitioner_name: str | None = None,
    petitioner_contact: str | None = None,
    channel: Channel = Channel.LETTER,
    subject: Subject = Subject.TARGET_LEADERSHIP,
    received_on: date = date(2026, 11, 20),
) -> Petition:
    return await service.record_petition(
        session,
        actor,
        inspection_id=inspection.id,
        channel=channel,
        received_on=received_on,
        subject=subject,
        summary=summary,
        petitioner_name=petitioner_name,
        petitioner_contact=petitioner_contact,
    )


@dataclass(frozen=True)
class IntakeTeam:
    """An office's inspection on site, its team by role, and the people who must see nothing:
    a sibling office's admin, a target-side account, a member recused from the target."""

    office: Office
    target: Target
    inspection: Inspection
    admin: str
    admin_id: int
    handler: str
    leader: str
    member: str
    recused: str
    sibling: str
    target_side: str


async def make_intake_team(
    session: AsyncSession, actor: Actor, *, stage: Stage = Stage.ON_SITE
) -> IntakeTeam:
    office = await make_office(session, actor)
    sibling_office = await make_office(session, actor)
    target = await make_target(session, actor, office)
    inspection = await make_inspection(session, actor, target.id)
    admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
    sibling = await make_user(session, actor, sibling_office, Role.OFFICE_ADMIN)
    team = {}
    for role in (TeamRole.INTAKE_HANDLER, TeamRole.LEADER, TeamRole.MEMBER, TeamRole.MEMBER):
        user = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        await make_assignment(session, actor, inspection, user.id, role)
        team.setdefault(role, []).append(user)
    # A member of an unrelated office, bound to the target as its side (被巡视巡察单位).
    bound = await make_user(session, actor, await make_office(session, actor), Role.OFFICE_MEMBER)
    await accounts.bind_to_target(session, actor, user_id=bound.id, target_id=target.id)
    inspection = await move_to(session, actor, inspection, stage)
    # A member found to be recused once the team is at work (no recused person is on a team
    # when it is formed): the door's deny bars them from the target from then on.
    recused = team[TeamRole.MEMBER][1]
    await record_recusal(
        session, actor, person_id=recused.person_id, target_id=target.id, reason="曾在该单位任职"
    )
    return IntakeTeam(
        office=office,
        target=target,
        inspection=inspection,
        admin=admin.username,
        admin_id=admin.id,
        handler=team[TeamRole.INTAKE_HANDLER][0].username,
        leader=team[TeamRole.LEADER][0].username,
        member=team[TeamRole.MEMBER][0].username,
        recused=recused.username,
        sibling=sibling.username,
        target_side=bound.username,
    )
