"""Queries over decision bodies and their members; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position
from inspectnet.paging import Children, children


def bodies_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable decision bodies of each office: rows of (body, office id)."""
    return children(
        readable(actor, DecisionBody).where(DecisionBody.office_id.in_(office_ids)),
        DecisionBody,
        DecisionBody.office_id,
    )


def members_of(actor: Actor, body_ids: list[int]) -> Children:
    """Readable members of each body: rows of (member, body id)."""
    return children(
        readable(actor, BodyMember).where(BodyMember.body_id.in_(body_ids)),
        BodyMember,
        BodyMember.body_id,
    )


async def find_body(
    session: AsyncSession, actor: Actor, office_id: int, kind: BodyKind
) -> DecisionBody | None:
    """The office's body of ``kind`` if the actor can read it."""
    statement = readable(actor, DecisionBody).where(
        DecisionBody.office_id == office_id, DecisionBody.kind == kind
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def find_member(
    session: AsyncSession, actor: Actor, body_id: int, user_id: int
) -> BodyMember | None:
    """The account's seat in the body, if any (and readable)."""
    statement = readable(actor, BodyMember).where(
        BodyMember.body_id == body_id, BodyMember.user_id == user_id
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def position_held(
    session: AsyncSession, actor: Actor, body_id: int, position: Position
) -> bool:
    """Whether someone already holds ``position`` in the body."""
    statement = readable(actor, BodyMember).where(
        BodyMember.body_id == body_id, BodyMember.position == position
    )
    return (await session.execute(statement.limit(1))).first() is not None
