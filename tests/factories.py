"""Factories: networks, people and accounts made through the services, as the system.

Each domain keeps its own in ``tests/<domain>/factories.py`` (targets: ``make_target``); the
ones here are re-exported so a test imports every builder from one place.
"""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role, UserAccount
from inspectnet.accounts.names import sign_in_name
from inspectnet.authz.actor import Actor
from inspectnet.demo import DEMO_USERS
from inspectnet.network import service as network
from inspectnet.network.models import Office, OfficeKind
from inspectnet.people import service as people
from inspectnet.people.models import Person
from tests.targets.factories import make_leadership_post, make_target

_serial = itertools.count(1)


async def make_office(
    session: AsyncSession,
    actor: Actor,
    *,
    superior: Office | None = None,
    kind: OfficeKind = OfficeKind.PATROL_OFFICE,
    ruleset_id: str = "nmg-2016",
    name: str | None = None,
) -> Office:
    n = next(_serial)
    return await network.create_office(
        session,
        actor,
        code=f"test.o{n}",
        name=name or f"测试机构{n}",
        kind=kind,
        region_code="150000",
        ruleset_id=ruleset_id,
        superior_id=superior.id if superior else None,
    )


async def make_network(
    session: AsyncSession, actor: Actor, size: int, fanout: int = 12
) -> list[Office]:
    """A root and ``size - 1`` offices below it, breadth first, ``fanout`` per office."""
    root = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE)
    offices, frontier = [root], [root]
    while len(offices) < size:
        parent = frontier.pop(0)
        for _ in range(min(fanout, size - len(offices))):
            child = await make_office(session, actor, superior=parent)
            offices.append(child)
            frontier.append(child)
    return offices


async def make_person(
    session: AsyncSession, actor: Actor, office: Office, name: str | None = None
) -> Person:
    n = next(_serial)
    return await people.create_person(
        session,
        actor,
        office_id=office.id,
        name=name or f"干部{n}",
        unit="测试单位",
        rank="正处级",
        home_region_code="150100",
        expertise=[],
    )


async def make_user(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    role: Role = Role.OFFICE_ADMIN,
    username: str | None = None,
) -> UserAccount:
    person = await make_person(session, actor, office)
    account = await accounts.create_account(
        session, actor, person_id=person.id, username=username or f"user{next(_serial)}"
    )
    await accounts.grant_role(session, actor, user_id=account.id, office_id=office.id, role=role)
    _SIGN_IN_NAMES[account.username] = sign_in_name(office.code, account.username)
    return account


# Tests name users by username, as people do; tokens name them as ``officecode/username``.
_SIGN_IN_NAMES: dict[str, str] = {u.username: u.sign_in_name for u in DEMO_USERS}


def sign_in_name_of(user: str) -> str:
    """The ``officecode/username`` a token names for a demo or factory-made user.

    A name with its office already is kept as it is; an unknown bare name too, so a test can
    show that it does not sign in.
    """
    return user if "/" in user else _SIGN_IN_NAMES.get(user, user)


TODAY = date(2026, 11, 25)


__all__ = [
    "TODAY",
    "make_leadership_post",
    "make_network",
    "make_office",
    "make_person",
    "make_target",
    "make_user",
    "sign_in_name_of",
]
