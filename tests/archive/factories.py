"""Hand-overs and archives made through the service, as the system."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role
from inspectnet.archive import service
from inspectnet.archive.models import InspectionArchive, MaterialHandover
from inspectnet.authz.actor import Actor
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from tests.accounts.factories import make_user
from tests.disclosure.factories import InspectedOffice, make_inspected_office
from tests.inspections.factories import make_assignment, move_to
from tests.network.factories import make_office


@dataclass(frozen=True)
class TeamedInspection:
    """A fed-back inspection of an office with its staff and a team leader (by username)."""

    world: InspectedOffice
    leader: str

    @property
    def inspection(self) -> Inspection:
        return self.world.inspection


async def make_teamed_inspection(
    session: AsyncSession, actor: Actor, stage: Stage = Stage.FED_BACK
) -> TeamedInspection:
    """An office's inspection (nmg-2016) at ``stage``, its team led by a cadre drawn from
    another office (人才库, nmg-2016 §13): what the leader reads comes from the team grant."""
    world = await make_inspected_office(session, actor, Stage.PLANNED)
    home = await make_office(session, actor)
    leader = await make_user(session, actor, home, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, world.inspection, leader.id, TeamRole.LEADER)
    await move_to(session, actor, world.inspection, stage)
    return TeamedInspection(world, leader.username)


async def make_handover(
    session: AsyncSession, actor: Actor, inspection: Inspection, note: str = "巡察工作底稿等材料"
) -> MaterialHandover:
    return await service.hand_over_materials(session, actor, inspection_id=inspection.id, note=note)


async def make_archive(
    session: AsyncSession, actor: Actor, inspection: Inspection
) -> InspectionArchive:
    """The inspection's materials handed over and archived."""
    await make_handover(session, actor, inspection)
    return await service.archive_inspection(session, actor, inspection_id=inspection.id)
