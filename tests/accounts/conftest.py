"""Account tests hash with cheap argon2 parameters: the production ones are checked once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from inspectnet.accounts import passwords
from inspectnet.db import Database
from tests.accounts.identity_provider import IdentityProvider, serve_idp, sso_browser
from tests.accounts.signing import Signers
from tests.conftest import Api
from tests.factories import make_region, make_staff, make_user

CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    passwords._dummy_hash.cache_clear()
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(**CHEAP))
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    """An OpenID Connect identity provider on loopback, for this test only."""
    yield from serve_idp()


@pytest.fixture
async def sso(api: Api, db: Database, idp: IdentityProvider) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on an app configured for ``idp``."""
    async for client in sso_browser(api, db, idp):
        yield client


@pytest.fixture
async def signers(api: Api, system: Any) -> Signers:
    """Two offices beside each other, a member and an admin in one, an admin in the other;
    none holds a role that needs a second factor (so a password alone signs them in)."""
    session, actor = system
    office, other = (await make_region(session, actor, subordinates=2)).subordinates
    staff = await make_staff(session, actor, office)
    other_admin = await make_user(session, actor, other)
    await session.commit()
    await api.reload_policy()
    return Signers(office.code, staff.member, staff.admin, other.code, other_admin.username)
