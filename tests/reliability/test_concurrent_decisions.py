"""Concurrent decisions on one filing version, on PostgreSQL, through the real app: each request
its own session and connection. 50 approvals by one member, and two members approving at once,
leave exactly one decision; every other request is told CONFLICT and writes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import Position
from inspectnet.db import Database
from inspectnet.filings.models import FilingDecision
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.factories import build_in, make_filed_plan, make_filing_line, make_user
from tests.reliability.client import live_client
from tests.reliability.conftest import LiveDatabase

CONTENDERS = 50
DECIDE = """mutation($input: DecideFilingInput!) { decideFiling(input: $input) {
  decision { decision } userErrors { field code } } }"""


async def _arrange(settings: Settings) -> tuple[int, str, str]:
    """The DNR's annual plan filed for approval to a province whose leading group has two
    members: the filing and the two members."""

    async def build(session: AsyncSession, actor: Actor) -> tuple[int, str, str]:
        line = await make_filing_line(session, actor)
        _, filing = await make_filed_plan(session, actor, line)
        second = await make_user(session, actor, line.province, Role.OFFICE_MEMBER)
        await bodies.seat_member(
            session, actor, body_id=line.group.id, user_id=second.id, position=Position.MEMBER
        )
        return filing.id, line.group_member.username, second.username

    return await build_in(settings, build)


async def _decisions(database: Database, filing_id: int) -> int:
    async with database.session() as session:
        # system scope: the test counts what was written
        statement = select(func.count()).where(FilingDecision.filing_id == filing_id)
        return int(await session.scalar(statement) or 0)


def _outcomes(responses: list[Any]) -> tuple[list[Any], list[Any]]:
    assert [r.status_code for r in responses] == [200] * len(responses)
    payloads = [r.json()["data"]["decideFiling"] for r in responses]
    return [p for p in payloads if not p["userErrors"]], [p for p in payloads if p["userErrors"]]


async def test_fifty_approvals_of_one_version_give_one_decision(migrated_pg: LiveDatabase) -> None:
    settings = migrated_pg.settings
    filing_id, member, _ = await _arrange(settings)
    variables = {"input": {"filingId": global_id("Filing", filing_id), "decision": "APPROVE"}}

    # when a member of the provincial leading group approves it 50 times at once
    async with live_client(settings) as api:
        responses = await asyncio.gather(
            *(api.post(DECIDE, variables, user=member) for _ in range(CONTENDERS))
        )
        decisions = await _decisions(api.database, filing_id)

    # then one approval stands and 49 were told CONFLICT on the version's state
    won, lost = _outcomes(responses)
    assert [w["decision"] for w in won] == [{"decision": "APPROVE"}]
    assert [p["userErrors"] for p in lost] == [
        [{"field": ["input", "state"], "code": "CONFLICT"}]
    ] * (CONTENDERS - 1)
    assert decisions == 1


async def test_two_members_approving_at_once_leave_one_decision(migrated_pg: LiveDatabase) -> None:
    settings = migrated_pg.settings
    filing_id, member, second = await _arrange(settings)
    approve = {"input": {"filingId": global_id("Filing", filing_id), "decision": "APPROVE"}}
    back = {
        "input": {
            "filingId": global_id("Filing", filing_id),
            "decision": "RETURN",
            "reason": "请补充对象名单",
        }
    }

    # when two members of the group decide the same version at the same moment
    async with live_client(settings) as api:
        responses = await asyncio.gather(
            api.post(DECIDE, approve, user=member),
            api.post(DECIDE, back, user=second),
        )
        decisions = await _decisions(api.database, filing_id)

    # then exactly one decision stands; the other is CONFLICT
    won, lost = _outcomes(list(responses))
    assert len(won) == 1 and len(lost) == 1
    assert lost[0]["userErrors"] == [{"field": ["input", "state"], "code": "CONFLICT"}]
    assert decisions == 1
