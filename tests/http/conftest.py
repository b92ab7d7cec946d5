"""The endpoint's tests sign in as ``ADMIN`` or ``MEMBER`` of an office each test makes."""

from __future__ import annotations

import pytest

from inspectnet.db import Database
from inspectnet.network.models import Office
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import sign_up, signed_up


@pytest.fixture
async def home(db: Database, settings: Settings) -> Office:
    """The office whose ``ADMIN`` and ``MEMBER`` the requests sign in as."""
    return await sign_up(db, settings)


@pytest.fixture
async def api(api: Api, home: Office) -> Api:
    await api.reload_policy()  # the accounts were granted after the app loaded its policy
    return signed_up(api)
