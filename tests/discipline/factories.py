"""Discipline records made through the service, and an office under a region to hold them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.discipline import service
from inspectnet.discipline.models import DisciplineRecord
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from tests.accounts.factories import Staff, make_staff, make_user
from tests.bodies.factories import make_body
from tests.inspections.factories import make_assignment, make_inspection, move_to
from tests.network.factories import make_office, make_region
from tests.targets.factories import make_target


@dataclass(frozen=True)
class DisciplineWorld:
    """An office under a region's top office, its staff, its leading group's member, an
    inspection on site led by a cadre from elsewhere, and the top's admin (usernames)."""

    staff: Staff
    group_member: str
    leader: str
    top_admin: str
    inspection: Inspection


async def make_discipline_world(session: AsyncSession, actor: Actor) -> DisciplineWorld:
    region = await make_region(session, actor, subordinates=1)
    office = region.subordinates[0]
    staff = await make_staff(session, actor, office)
    group = await make_body(session, actor, office, BodyKind.LEADING_GROUP, (Position.MEMBER,))
    top_admin = await make_user(session, actor, region.top, Role.OFFICE_ADMIN)
    leader = await make_user(session, actor, await make_office(session, actor), Role.OFFICE_MEMBER)
    inspection = await make_inspection(
        session, actor, (await make_target(session, actor, office)).id
    )
    await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
    inspection = await move_to(session, actor, inspection, Stage.ON_SITE)
    return DisciplineWorld(
        staff, group.members[0].username, leader.username, top_admin.username, inspection
    )


async def make_discipline_record(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    rule_id: str = "discipline.inspected.refusing_documents",
) -> DisciplineRecord:
    return await service.record_breach(
        session,
        actor,
        inspection_id=inspection.id,
        rule_id=rule_id,
        respondent="某单位办公室主任",
        facts="拒绝按要求提供2025年度会议纪要",
        evidence="调取材料通知书及回执",
    )
