"""Concurrent decisions on one filing version, on PostgreSQL, through the real app: each request
its own session and connection. 50 approvals by one member, and two members approving at once,
leave exactly one decision; every other request is told CONFLICT and writes nothing."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import func, select

from inspectnet import domains
from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.bodies import repository as bodies_repository
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.db import Database, make_engine
from inspectnet.filings import service as filings
from inspectnet.filings.models import FilingDecision
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.factories import make_user
from tests.reliability.client import live_client
from tests.reliability.conftest import LiveDatabase

CONTENDERS = 50
DECIDE = """mutation($input: DecideFilingInput!) { decideFiling(input: $input) {
  decision { decision } userErrors { field code } } }"""


async def _arrange(database: Database, settings: Any) -> tuple[int, str]:
    """A fresh annual plan of the DNR filed for approval, and a second provincial group member."""
    store = domains.policy_store(settings.policy_dir)
    async with database.session() as session:
        await store.reload(session)
    actor = Actor.system(store.compiled, name="test")
    async with database.transaction(write=True) as session:
        # system scope: the test arranges data as the platform
        dnr = (await session.execute(select(Office).where(Office.code == "qh.dnr"))).scalar_one()
        # system scope: the test arranges data as the platform
        province = (
            await session.execute(select(Office).where(Office.code == "qh.province"))
        ).scalar_one()
        plan = await planning.create_plan(
            session,
            actor,
            office_id=dnr.id,
            kind=PlanKind.ANNUAL,
            title="2028年度巡察工作计划",
            starts_on=date(2028, 1, 1),
            ends_on=date(2028, 12, 31),
        )
        filing = await filings.file_plan(
            session, actor, plan_id=plan.id, rule_id="filing.work_approval"
        )
        body = await bodies_repository.find_body(
            session, actor, province.id, BodyKind.LEADING_GROUP
        )
        assert body is not None  # the demo's provincial leading group
        second = await make_user(session, actor, province, Role.OFFICE_MEMBER)
        await bodies.seat_member(
            session, actor, body_id=body.id, user_id=second.id, position=Position.MEMBER
        )
        return filing.id, second.username


async def _decisions(database: Database, filing_id: int) -> int:
    async with database.session() as session:
        # system scope: the test counts what was written
        statement = select(func.count()).where(FilingDecision.filing_id == filing_id)
        return int(await session.scalar(statement) or 0)


def _outcomes(responses: list[Any]) -> tuple[list[Any], list[Any]]:
    assert [r.status_code for r in responses] == [200] * len(responses)
    payloads = [r.json()["data"]["decideFiling"] for r in responses]
    return [p for p in payloads if not p["userErrors"]], [p for p in payloads if p["userErrors"]]


async def test_fifty_approvals_of_one_version_give_one_decision(live_pg: LiveDatabase) -> None:
    settings = live_pg.settings
    database = Database(make_engine(settings))
    try:
        filing_id, _ = await _arrange(database, settings)
    finally:
        await database.dispose()
    variables = {"input": {"filingId": global_id("Filing", filing_id), "decision": "APPROVE"}}

    # when a member of the provincial leading group approves it 50 times at once
    async with live_client(settings) as api:
        responses = await asyncio.gather(
            *(api.post(DECIDE, variables, user="qh_province_admin") for _ in range(CONTENDERS))
        )
        decisions = await _decisions(api.database, filing_id)

    # then one approval stands and 49 were told CONFLICT on the version's state
    won, lost = _outcomes(responses)
    assert [w["decision"] for w in won] == [{"decision": "APPROVE"}]
    assert [p["userErrors"] for p in lost] == [
        [{"field": ["input", "state"], "code": "CONFLICT"}]
    ] * (CONTENDERS - 1)
    assert decisions == 1


async def test_two_members_approving_at_once_leave_one_decision(live_pg: LiveDatabase) -> None:
    settings = live_pg.settings
    database = Database(make_engine(settings))
    try:
        filing_id, second = await _arrange(database, settings)
    finally:
        await database.dispose()
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
            api.post(DECIDE, approve, user="qh_province_admin"),
            api.post(DECIDE, back, user=second),
        )
        decisions = await _decisions(api.database, filing_id)

    # then exactly one decision stands; the other is CONFLICT
    won, lost = _outcomes(list(responses))
    assert len(won) == 1 and len(lost) == 1
    assert lost[0]["userErrors"] == [{"field": ["input", "state"], "code": "CONFLICT"}]
    assert decisions == 1
