"""Concurrent writers over HTTP, against the real service.

SQLite: 8 clients writing at once through uvicorn with 2 workers queue on ``BEGIN IMMEDIATE``
and the busy timeout: every mutation succeeds, none is "database is locked".
PostgreSQL: 50 simultaneous acceptances of one link proposal give one decision and 49
PROPOSAL_CLOSED refusals (the row is re-read under lock; plans, filings and inspections add
their own 50-way tests as they arrive).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.tokens import issue_token
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.models import LinkKind, OfficeLink, OfficeLinkProposal
from inspectnet.targets.models import Target
from tests.factories import build_in, make_office, make_region, make_user, sign_in_name_of
from tests.reliability.client import live_client
from tests.reliability.conftest import LiveDatabase
from tests.reliability.server import serving

WRITERS = 8
EACH = 5
CONTENDERS = 50
CREATE_TARGET = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id } userErrors { field code message } } }"""
ACCEPT = """mutation($input: OfficeLinkProposalInput!) { acceptOfficeLink(input: $input) {
  proposal { state decidedBy } link { kind } userErrors { field code message } } }"""


async def _count(database: Database, model: Any, *where: Any) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_eight_writers_on_sqlite_through_two_workers_all_succeed(
    migrated_sqlite: LiveDatabase,
) -> None:
    settings = migrated_sqlite.settings

    async def build(session: AsyncSession, actor: Actor) -> tuple[int, str]:
        office = await make_office(session, actor)
        return office.id, (await make_user(session, actor, office)).username

    office_pk, admin = await build_in(settings, build)
    token = issue_token(settings, sign_in_name_of(admin), timedelta(hours=1))
    office = global_id("Office", office_pk)

    async def writer(client: httpx.AsyncClient, number: int) -> list[Any]:
        answers = []
        for round_ in range(EACH):
            variables = {
                "input": {
                    "officeId": office,
                    "name": f"并发对象{number}-{round_}",
                    "regionCode": "150200",
                }
            }
            response = await client.post(
                "/graphql",
                json={"query": CREATE_TARGET, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )
            answers.append((response.status_code, response.json()))
        return answers

    with serving(settings, workers=2) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            results = await asyncio.gather(*(writer(client, n) for n in range(WRITERS)))

    answers = [answer for per_writer in results for answer in per_writer]
    errors = [
        body
        for status, body in answers
        if status != 200 or body.get("errors") or body["data"]["createTarget"]["userErrors"]
    ]
    assert errors == []
    database = Database(make_engine(settings))
    try:
        assert await _count(database, Target) == WRITERS * EACH
    finally:
        await database.dispose()


async def test_fifty_acceptances_of_one_proposal_give_one_decision(
    migrated_pg: LiveDatabase,
) -> None:
    settings = migrated_pg.settings

    # given a guidance link proposed by one league to its sibling (the platform arranges it)
    async def build(session: AsyncSession, actor: Actor) -> tuple[int, str]:
        region = await make_region(session, actor, subordinates=2)
        proposer, sibling = region.subordinates
        admin = await make_user(session, actor, sibling)
        proposal = await network.propose_link(
            session,
            actor,
            kind=LinkKind.GUIDANCE,
            superior_id=proposer.id,
            subordinate_id=sibling.id,
            proposer_id=proposer.id,
        )
        return proposal.id, admin.username

    proposal_pk, sibling_admin = await build_in(settings, build)
    database = Database(make_engine(settings))
    try:
        links_before = await _count(database, OfficeLink)
    finally:
        await database.dispose()
    variables = {"input": {"proposalId": global_id("OfficeLinkProposal", proposal_pk)}}

    # when the sibling's administrator accepts it 50 times at once
    async with live_client(settings) as api:
        responses = await asyncio.gather(
            *(api.post(ACCEPT, variables, user=sibling_admin) for _ in range(CONTENDERS))
        )

    # then exactly one acceptance decided it, and the other 49 were told it was closed
    assert [r.status_code for r in responses] == [200] * CONTENDERS
    bodies = [r.json() for r in responses]
    assert [b for b in bodies if "data" not in b][:2] == []
    payloads = [b["data"]["acceptOfficeLink"] for b in bodies]
    won = [p for p in payloads if not p["userErrors"]]
    lost = [p for p in payloads if p["userErrors"]]
    assert len(won) == 1
    assert won[0]["proposal"] == {"state": "ACCEPTED", "decidedBy": sibling_admin}
    assert [p["userErrors"] for p in lost] == [
        [
            {
                "field": ["input", "proposalId"],
                "code": "PROPOSAL_CLOSED",
                "message": "这份申请已答复或已撤回",
            }
        ]
    ] * (CONTENDERS - 1)
    database = Database(make_engine(settings))
    try:
        assert await _count(database, OfficeLink) == links_before + 1
        assert (
            await _count(
                database,
                OfficeLinkProposal,
                OfficeLinkProposal.id == proposal_pk,
                OfficeLinkProposal.state == "ACCEPTED",
            )
            == 1
        )
    finally:
        await database.dispose()
