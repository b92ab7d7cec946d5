"""Use cases on decision bodies: set one up, rename or dissolve it, seat and unseat members
(their roles change)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.accounts.models import UserAccount
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.bodies import repository
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position, body_role
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.network.models import Office

# Which positions each body has (nmg-2016 §5: 组长、副组长; qh-zrzyt §3: 党组书记、成员).
POSITIONS: dict[BodyKind, frozenset[Position]] = {
    BodyKind.LEADING_GROUP: frozenset({Position.HEAD, Position.DEPUTY, Position.MEMBER}),
    BodyKind.LEADING_GROUP_OFFICE: frozenset({Position.HEAD, Position.DEPUTY, Position.MEMBER}),
    BodyKind.FIVE_PERSON_GROUP: frozenset({Position.HEAD, Position.MEMBER}),
    BodyKind.PARTY_GROUP: frozenset({Position.SECRETARY, Position.MEMBER}),
    BodyKind.PARTY_COMMITTEE: frozenset({Position.SECRETARY, Position.MEMBER}),
}
# Positions one person at most holds in a body.
SINGLE = frozenset({Position.HEAD, Position.SECRETARY})


async def create_body(
    session: AsyncSession, actor: Actor, *, office_id: int, kind: BodyKind, name: str
) -> DecisionBody:
    """Set up an office's decision body of ``kind`` (one of each kind per office)."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", DecisionBody, office.id)
    inputs = validation.Inputs()
    body = DecisionBody(office_id=office.id, kind=kind, name=inputs.text(DecisionBody.name, name))
    inputs.done()
    if await repository.find_body(session, actor, office.id, kind) is not None:
        raise Conflict("该机构已有此决策机构", code="BODY_EXISTS", field="kind")
    session.add(body)
    await session.flush()
    await record(session, actor, "body.create", office_id=office.id, object_id=global_id_of(body))
    return body


async def seat_member(
    session: AsyncSession, actor: Actor, *, body_id: int, user_id: int, position: Position
) -> BodyMember:
    """Seat an account in a body; it holds the body's role in the office from now on."""
    body = await get_readable(session, actor, DecisionBody, body_id)
    await require(session, actor, "update", body)
    account = await get_readable(session, actor, UserAccount, user_id)
    if position not in POSITIONS[body.kind]:
        raise ValidationFailed("该决策机构没有此职位", code="NO_SUCH_POSITION", field="position")
    if await repository.find_member(session, actor, body.id, account.id) is not None:
        raise Conflict("该账号已是此决策机构成员", code="ALREADY_MEMBER", field="userId")
    if position in SINGLE and await repository.position_held(session, actor, body.id, position):
        raise Conflict("此职位已有人担任", code="POSITION_TAKEN", field="position")
    member = BodyMember(
        office_id=body.office_id,
        body_id=body.id,
        user_id=account.id,
        position=position,
        role=body_role(body.kind, position),
    )
    session.add(member)
    await session.flush()
    await record(
        session,
        actor,
        "body.member.seat",
        office_id=body.office_id,
        object_id=global_id_of(body),
        detail={"user": global_id_of(account), "role": member.role},
    )
    await policy_changed(session, actor)
    return member


async def unseat_member(session: AsyncSession, actor: Actor, *, member_id: int) -> BodyMember:
    """Take an account's seat away; it loses the body's role at once."""
    member = await get_readable(session, actor, BodyMember, member_id)
    await require(session, actor, "update", member)
    await session.delete(member)
    await session.flush()
    await record(
        session,
        actor,
        "body.member.unseat",
        office_id=member.office_id,
        object_id=global_id_of(member),
        detail={"role": member.role},
    )
    await policy_changed(session, actor)
    return member


async def rename_body(
    session: AsyncSession, actor: Actor, *, body_id: int, name: str
) -> DecisionBody:
    """Rename a body (e.g. when the party committee renames its leading group)."""
    body = await get_readable(session, actor, DecisionBody, body_id)
    await require(session, actor, "update", body)
    inputs = validation.Inputs()
    new_name = inputs.text(DecisionBody.name, name)
    inputs.done()
    old_name, body.name = body.name, new_name
    await session.flush()
    await record(
        session,
        actor,
        "body.rename",
        office_id=body.office_id,
        object_id=global_id_of(body),
        detail={"from": old_name, "to": new_name},
    )
    return body


async def dissolve_body(session: AsyncSession, actor: Actor, *, body_id: int) -> DecisionBody:
    """Dissolve a body: every seat ends with it, so its members lose its role at once. What it
    decided stays on the filings (a decision names the deciding kind, not this row) and in the
    audit log, and the office may set up a body of that kind again."""
    body = await get_readable(session, actor, DecisionBody, body_id)
    await require(session, actor, "delete", body)
    # system scope: the seats are part of the body just checked, whoever may read them
    seats = list(await session.scalars(select(BodyMember).where(BodyMember.body_id == body.id)))
    for seat in seats:
        await session.delete(seat)
    await session.delete(body)
    await session.flush()
    await record(
        session,
        actor,
        "body.dissolve",
        office_id=body.office_id,
        object_id=global_id_of(body),
        detail={"kind": body.kind.value, "name": body.name, "seats": len(seats)},
    )
    await policy_changed(session, actor)
    return body
