"""Fifty officials move one inspection at once through the real app: one wins, 49 CONFLICT.

The shared test database keeps every test in one rolled-back transaction, where requests cannot
race; this one commits for real (tests/network/conftest.py: ``empty_database``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, InspectionTransition, Stage
from tests.conftest import Backend
from tests.factories import make_office, make_target, make_user, sign_in_name_of
from tests.inspections.factories import confirm_team, make_inspection
from tests.network.conftest import empty_database, system_actor

ADVANCE = """mutation($input: AdvanceInspectionInput!) { advanceInspection(input: $input) {
  inspection { stage version } userErrors { code } } }"""
RACERS = 50


@pytest.fixture(scope="module")
async def committed_pg(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Backend]:
    async with empty_database("postgresql", tmp_path_factory.mktemp("races"), "head") as db:
        yield db


async def test_fifty_concurrent_moves_of_one_inspection_give_one_step_and_49_conflicts(
    committed_pg: Backend,
) -> None:
    database = Database(committed_pg.engine)
    actor = await system_actor(database, committed_pg)
    async with database.transaction(write=True) as session:
        office = await make_office(session, actor)
        inspection = await make_inspection(
            session, actor, (await make_target(session, actor, office)).id
        )
        admin = await make_user(session, actor, office)
        await confirm_team(session, actor, inspection)
    app = create_app(committed_pg.settings, database=database, watch_policy=False)
    async with database.session() as session:
        await app.state.graphql.policy.reload(session)
    token = issue_token(committed_pg.settings, sign_in_name_of(admin.username), timedelta(hours=1))
    variables = {
        "input": {
            "inspectionId": global_id("Inspection", inspection.id),
            "stage": "TEAM_FORMED",
            "version": 1,  # each official read version 1 before moving it
        }
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def move() -> httpx.Response:
            return await client.post(
                "/graphql",
                json={"query": ADVANCE, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )

        responses = await asyncio.gather(*(move() for _ in range(RACERS)))

    assert {r.status_code for r in responses} == {200}
    payloads = [r.json()["data"]["advanceInspection"] for r in responses]
    won = [p["inspection"] for p in payloads if p["inspection"] is not None]
    assert won == [{"stage": "TEAM_FORMED", "version": 2}]
    codes = sorted(e["code"] for p in payloads for e in p["userErrors"])
    assert codes == ["CONFLICT"] * (RACERS - 1)
    async with database.session() as session:
        stored = await session.get(Inspection, inspection.id)
        assert stored is not None and (stored.stage, stored.version) == (Stage.TEAM_FORMED, 2)
        steps = await session.scalar(
            select(func.count())
            .select_from(InspectionTransition)
            .where(InspectionTransition.inspection_id == inspection.id)
        )
        assert steps == 1
