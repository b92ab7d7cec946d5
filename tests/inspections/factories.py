"""Inspections and team assignments made through the services, as the system."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.inspections import service, stages
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment, TeamRole


async def make_inspection(
    session: AsyncSession, actor: Actor, target_id: int, name: str = "2026年第一轮巡察"
) -> Inspection:
    return await service.create_inspection(session, actor, target_id=target_id, name=name)


async def move_to(
    session: AsyncSession, actor: Actor, inspection: Inspection, stage: Stage
) -> Inspection:
    """Advance one stage at a time up to ``stage``."""
    order = list(Stage)
    while inspection.stage is not stage:
        following = order[order.index(inspection.stage) + 1]
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
