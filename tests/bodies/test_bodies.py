"""Decision bodies: a seat is a role the door sees; positions are the body's own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import office_domain
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, BodyMember, Position
from inspectnet.errors import Conflict, NotFound, ValidationFailed
from tests.factories import make_filing_line, make_user
from tests.filings.factories import actor_of


async def test_a_seat_is_a_role_in_the_office_and_unseating_takes_it_away(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    body = await bodies.create_body(
        session, root, office_id=dnr.id, kind=BodyKind.PARTY_GROUP, name="自然资源厅党组"
    )
    # An auditor's own role reads no body: what it reads of one comes from the seat alone
    secretary = await make_user(session, root, dnr, Role.AUDITOR)
    seat = await bodies.seat_member(
        session, root, body_id=body.id, user_id=secretary.id, position=Position.SECRETARY
    )
    assert seat.role == "party_group_secretary"
    actor = await actor_of(session, policy, secretary)
    reads = ("self", "decision_body", str(body.id), "", "read")
    assert actor.policy.decide(actor.subject, office_domain(dnr.id), *reads)

    await bodies.unseat_member(session, root, member_id=seat.id)
    actor = await actor_of(session, policy, secretary)
    assert not actor.policy.decide(actor.subject, office_domain(dnr.id), *reads)


async def test_positions_belong_to_the_body_and_a_head_is_one_person(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    province = (await make_filing_line(session, root)).province
    body = await bodies.create_body(
        session, root, office_id=province.id, kind=BodyKind.LEADING_GROUP_OFFICE, name="巡视办"
    )
    first = await make_user(session, root, province)
    second = await make_user(session, root, province)
    with pytest.raises(ValidationFailed) as wrong:
        await bodies.seat_member(
            session, root, body_id=body.id, user_id=first.id, position=Position.SECRETARY
        )
    assert wrong.value.code == "NO_SUCH_POSITION"
    await bodies.seat_member(
        session, root, body_id=body.id, user_id=first.id, position=Position.HEAD
    )
    with pytest.raises(Conflict) as taken:
        await bodies.seat_member(
            session, root, body_id=body.id, user_id=second.id, position=Position.HEAD
        )
    assert taken.value.code == "POSITION_TAKEN"
    with pytest.raises(Conflict) as twice:
        await bodies.seat_member(
            session, root, body_id=body.id, user_id=first.id, position=Position.MEMBER
        )
    assert twice.value.code == "ALREADY_MEMBER"
    with pytest.raises(Conflict) as exists:
        await bodies.create_body(
            session, root, office_id=province.id, kind=BodyKind.LEADING_GROUP_OFFICE, name="又一个"
        )
    assert exists.value.code == "BODY_EXISTS"
    seats = select(func.count()).select_from(BodyMember).where(BodyMember.body_id == body.id)
    assert await session.scalar(seats) == 1


async def test_another_offices_admin_cannot_seat_anyone_and_nothing_changes(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    province = (await make_filing_line(session, root)).province
    dnr = (await make_filing_line(session, root)).dnr
    body = await bodies.create_body(
        session, root, office_id=province.id, kind=BodyKind.FIVE_PERSON_GROUP, name="五人小组"
    )
    dnr_admin = await make_user(session, root, dnr)
    outsider = await actor_of(session, policy, dnr_admin)
    with pytest.raises(NotFound) as refused:
        await bodies.seat_member(
            session, outsider, body_id=body.id, user_id=dnr_admin.id, position=Position.HEAD
        )
    assert refused.value.code == "NOT_FOUND"  # a superior's body is not the DNR's to see
    seats = select(func.count()).select_from(BodyMember).where(BodyMember.body_id == body.id)
    assert await session.scalar(seats) == 0
