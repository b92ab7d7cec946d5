"""Decision bodies (议事机构) and their seats, made through the bodies service as the system."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.bodies import service
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position
from inspectnet.network.models import Office
from tests.accounts.factories import make_user


@dataclass(frozen=True)
class SeatedBody:
    """A body and, in the order asked for, the accounts seated on it and their seats."""

    body: DecisionBody
    members: tuple[UserAccount, ...]
    seats: tuple[BodyMember, ...]


async def make_body(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    kind: BodyKind = BodyKind.LEADING_GROUP,
    positions: Sequence[Position] = (Position.MEMBER,),
    *,
    name: str | None = None,
) -> SeatedBody:
    """A body of ``office`` with, for each of ``positions``, a new member of ``office`` seated."""
    body = await service.create_body(
        session, actor, office_id=office.id, kind=kind, name=name or "测试议事机构"
    )
    members, seats = [], []
    for position in positions:
        account = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        seats.append(
            await service.seat_member(
                session, actor, body_id=body.id, user_id=account.id, position=position
            )
        )
        members.append(account)
    return SeatedBody(body, tuple(members), tuple(seats))
