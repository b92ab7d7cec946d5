"""The network the audit tests read and write in: a staffed region of their own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import StaffedRegion, make_staffed_region


@pytest.fixture
async def net(api: Api, system: Any) -> StaffedRegion:
    """Own office, superior, sibling and a stranger, committed and in the policy."""
    session, actor = system
    built = await make_staffed_region(session, actor)
    await session.commit()
    await api.reload_policy()
    return built
