"""A team's inspection, built once per test through the factories and committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from inspectnet.authz.actor import Actor
from tests.casework.factories import Team, make_team
from tests.conftest import Api

T = TypeVar("T")


async def arrange(api: Api, build: Callable[[Any, Actor], Awaitable[T]]) -> T:
    """Run ``build(session, system)`` committed, then reload the policy the API weighs."""
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        built = await build(session, Actor.system(service.policy.compiled, name="test"))
    await api.reload_policy()
    return built


@pytest.fixture
async def team(api: Api) -> Team:
    return await arrange(api, lambda session, system: make_team(session, system))
