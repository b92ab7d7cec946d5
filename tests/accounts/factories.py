"""Accounts with their roles, made through the accounts service as the system."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts import service
from inspectnet.accounts.models import Role, UserAccount
from inspectnet.accounts.names import sign_in_name
from inspectnet.authz.actor import Actor
from inspectnet.demo import DEMO_USERS
from inspectnet.network.models import Office
from tests.network.factories import Region, make_office, make_region
from tests.people.factories import make_person

_serial = itertools.count(1)

# Tests name users by username, as people do; tokens name them as ``officecode/username``.
_SIGN_IN_NAMES: dict[str, str] = {u.username: u.sign_in_name for u in DEMO_USERS}


async def make_user(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    role: Role = Role.OFFICE_ADMIN,
    username: str | None = None,
    *,
    also: Iterable[tuple[Office, Role]] = (),
) -> UserAccount:
    """A person of ``office`` with an account holding ``role`` there (and each of ``also``)."""
    person = await make_person(session, actor, office)
    account = await service.create_account(
        session, actor, person_id=person.id, username=username or f"user{next(_serial)}"
    )
    for where, held in ((office, role), *also):
        await service.grant_role(session, actor, user_id=account.id, office_id=where.id, role=held)
    _SIGN_IN_NAMES[account.username] = sign_in_name(office.code, account.username)
    return account


async def make_target_side_user(
    session: AsyncSession, actor: Actor, office: Office, target_id: int
) -> UserAccount:
    """An account bound to a target of ``office`` (被巡视巡察单位), holding no office role."""
    person = await make_person(session, actor, office)
    account = await service.create_account(
        session, actor, person_id=person.id, username=f"side{next(_serial)}"
    )
    await service.bind_to_target(session, actor, user_id=account.id, target_id=target_id)
    _SIGN_IN_NAMES[account.username] = sign_in_name(office.code, account.username)
    return account


@dataclass(frozen=True)
class Staff:
    """An office's admin and a member, by the usernames a test signs in with."""

    office: Office
    admin: str
    member: str


async def make_staff(session: AsyncSession, actor: Actor, office: Office) -> Staff:
    """An admin and a member of ``office``, as the demo gives each of its offices."""
    admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    return Staff(office, admin.username, member.username)


def sign_in_name_of(user: str) -> str:
    """The ``officecode/username`` a token names for a demo or factory-made user.

    A name with its office already is kept as it is; an unknown bare name too, so a test can
    show that it does not sign in.
    """
    return user if "/" in user else _SIGN_IN_NAMES.get(user, user)


@dataclass(frozen=True)
class StaffedRegion:
    """A region whose top office has an admin and an auditor, whose first liaison body
    (``mine``) has an admin and a member, and whose second (``sibling``) has people but no
    accounts; and a ``stranger``, the admin of an office outside the region: the shapes most
    access tests need (own, superior, sibling, unrelated)."""

    region: Region
    top_admin: str
    top_auditor: str
    staff: Staff
    stranger: str

    @property
    def top(self) -> Office:
        return self.region.top

    @property
    def mine(self) -> Office:
        return self.region.subordinates[0]

    @property
    def sibling(self) -> Office:
        return self.region.subordinates[1]


async def make_staffed_region(
    session: AsyncSession, actor: Actor, *, counties: int = 0
) -> StaffedRegion:
    """A ``StaffedRegion``: two liaison bodies, ``counties`` offices under each."""
    region = await make_region(session, actor, subordinates=2, counties=counties)
    top_admin = await make_user(session, actor, region.top, Role.OFFICE_ADMIN)
    top_auditor = await make_user(session, actor, region.top, Role.AUDITOR)
    staff = await make_staff(session, actor, region.subordinates[0])
    await make_person(session, actor, region.subordinates[1])
    stranger = await make_user(session, actor, await make_office(session, actor))
    return StaffedRegion(region, top_admin.username, top_auditor.username, staff, stranger.username)
