"""What filing tests build: the Qinghai filing line with a provincial leading group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies import repository as bodies_repository
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.network.models import Office
from inspectnet.targets.models import Target
from tests.factories import make_user


@dataclass
class QinghaiLine:
    province: Office
    dnr: Office
    dnr_admin: UserAccount
    province_admin: UserAccount
    group_member: UserAccount  # 省委巡视工作领导小组成员
    target: Target


async def office_by_code(session: Any, code: str) -> Office:
    # Tests arrange as the platform: the demo's offices by code.
    return (await session.execute(select(Office).where(Office.code == code))).scalar_one()


async def qinghai_line(session: Any, root: Actor) -> QinghaiLine:
    """The DNR under the provincial office, whose leading group has one member."""
    province = await office_by_code(session, "qh.province")
    dnr = await office_by_code(session, "qh.dnr")
    body = await bodies_repository.find_body(session, root, province.id, BodyKind.LEADING_GROUP)
    if body is None:  # the demo may have set it up already
        body = await bodies.create_body(
            session, root, office_id=province.id, kind=BodyKind.LEADING_GROUP, name="领导小组"
        )
    member = await make_user(session, root, province, Role.OFFICE_MEMBER)
    await bodies.seat_member(
        session, root, body_id=body.id, user_id=member.id, position=Position.MEMBER
    )
    target = (
        await session.execute(select(Target).where(Target.office_id == dnr.id).limit(1))
    ).scalar_one()
    return QinghaiLine(
        province=province,
        dnr=dnr,
        dnr_admin=await make_user(session, root, dnr),
        province_admin=await make_user(session, root, province),
        group_member=member,
        target=target,
    )


async def actor_of(session: Any, policy: PolicyStore, account: UserAccount) -> Actor:
    """The account as it acts after the arranged grants are in force."""
    await session.flush()
    snapshot = await policy.reload(session)
    return Actor(
        username=account.username,
        policy=snapshot.compiled,
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        network=snapshot.network,
    )
