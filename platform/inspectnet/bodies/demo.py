"""Demo decision bodies: the Qinghai provincial leading group and Baotou's liaison group."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.bodies import service
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position
from inspectnet.network.models import Office

BODIES = [
    # (office, kind, name, [(username, position)])
    (
        "qh.province",
        BodyKind.LEADING_GROUP,
        "青海省委巡视工作领导小组",
        [("qh_province_admin", Position.MEMBER)],
    ),
    (
        "nmg.baotou",
        BodyKind.LEADING_GROUP,
        "包头市巡视工作联络组",
        [("baotou_leader", Position.MEMBER)],
    ),
]


async def load(session: AsyncSession, actor: Actor) -> int:
    """Create the demo bodies and seats that are missing; how many objects were created."""
    created = 0
    for code, kind, name, seats in BODIES:
        # system scope: the demo loader arranges data as the platform
        office = (await session.execute(select(Office).where(Office.code == code))).scalar_one()
        body = await session.scalar(
            select(DecisionBody).where(
                DecisionBody.office_id == office.id, DecisionBody.kind == kind
            )
        )
        if body is None:
            body = await service.create_body(
                session, actor, office_id=office.id, kind=kind, name=name
            )
            created += 1
        for username, position in seats:
            account = await session.scalar(
                # system scope: the demo loader seats the demo's accounts as the platform
                select(UserAccount).where(
                    UserAccount.office_id == office.id, UserAccount.username == username
                )
            )
            if account is None:
                continue
            seated = await session.scalar(
                # system scope: the demo loader checks the seat it is about to make
                select(BodyMember.id).where(
                    BodyMember.body_id == body.id, BodyMember.user_id == account.id
                )
            )
            if seated is None:
                await service.seat_member(
                    session, actor, body_id=body.id, user_id=account.id, position=position
                )
                created += 1
    return created
