"""Account tests hash with cheap argon2 parameters: the production ones are checked once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from argon2 import PasswordHasher

from inspectnet.accounts import passwords
from inspectnet.db import Database
from tests.accounts.identity_provider import IdentityProvider, serve_idp, sso_browser
from tests.conftest import Api

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
