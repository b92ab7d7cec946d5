"""The offices the rules tests ask deadlines of: one under each ruleset, with their accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from inspectnet.accounts.models import Role
from inspectnet.authz.platform import grant_platform_role
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from tests.conftest import Api
from tests.factories import StaffedRegion, make_office, make_staffed_region, make_user


@dataclass(frozen=True)
class Desks:
    """An office under qh-zrzyt (``qh``) with its admin and a member made platform operator;
    and a staffed region under nmg-2016 (``nmg``)."""

    qh: Office
    qh_admin: str
    operator: str
    nmg: StaffedRegion

    @property
    def qh_id(self) -> str:
        """The qh-zrzyt office's global ID."""
        return global_id("Office", self.qh.id)


@pytest.fixture
async def desks(api: Api, system: Any) -> Desks:
    session, actor = system
    qh = await make_office(session, actor, ruleset_id="qh-zrzyt", region_code="630000")
    qh_admin = await make_user(session, actor, qh, Role.OFFICE_ADMIN)
    operator = await make_user(session, actor, qh, Role.OFFICE_MEMBER)
    await grant_platform_role(session, actor, user_id=operator.id)
    nmg = await make_staffed_region(session, actor)
    await session.commit()
    await api.reload_policy()
    return Desks(qh, qh_admin.username, operator.username, nmg)
