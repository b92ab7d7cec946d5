"""A small office of three accounts for the notification tests, built with the factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.network.models import Office
from tests.factories import make_office, make_user


@dataclass
class Office3:
    office: Office
    admin: UserAccount
    member: UserAccount
    other: UserAccount  # a member of the same office: never sees the member's notifications


async def make_office3(session: Any, actor: Actor) -> Office3:
    office = await make_office(session, actor)
    return Office3(
        office=office,
        admin=await make_user(session, actor, office, Role.OFFICE_ADMIN),
        member=await make_user(session, actor, office, Role.OFFICE_MEMBER),
        other=await make_user(session, actor, office, Role.OFFICE_MEMBER),
    )


@pytest.fixture
async def office3(system: tuple[Any, Actor], policy: PolicyStore, db: Database) -> Office3:
    """The office, committed (to the test's savepoint), with the policy reloaded to know it."""
    session, actor = system
    made = await make_office3(session, actor)
    await session.commit()
    async with db.session() as fresh:
        await policy.reload(fresh)
    return made
