"""Concurrent link changes: serialised per line, so a race can never close a loop.

Two links 6 → 7 and 7 → 6 run at once in two real transactions: exactly one succeeds and the
other is refused as a loop (a CONFLICT-class userError), never a 500 and never a cycle.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import httpx
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.errors import Conflict, DomainError
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.graph import closure_of
from inspectnet.network.models import LinkKind, Office, OfficeLink, OfficeReach
from tests.conftest import Backend
from tests.factories import make_office, make_user, sign_in_name_of
from tests.network.conftest import system_actor

LINK = """mutation($input: LinkOfficesInput!) { linkOffices(input: $input) {
  link { superior { id } } userErrors { code } } }"""
ROUNDS = 5
_round = itertools.count()


async def _three(database: Database, actor: Actor) -> tuple[Office, Office, Office]:
    """A top office and two offices under it, committed."""
    async with database.transaction(write=True) as session:
        top = await make_office(session, actor)
        six = await make_office(session, actor, superior=top)
        seven = await make_office(session, actor, superior=top)
    return top, six, seven


async def _assert_acyclic_and_closed(database: Database) -> None:
    async with database.session() as session:
        for kind in LinkKind:
            links = (
                await session.execute(
                    select(OfficeLink.superior_id, OfficeLink.subordinate_id).where(
                        OfficeLink.kind == kind
                    )
                )
            ).all()
            reach = (
                await session.execute(
                    select(
                        OfficeReach.ancestor_id, OfficeReach.descendant_id, OfficeReach.depth
                    ).where(OfficeReach.kind == kind)
                )
            ).all()
            stored = {(a, d): depth for a, d, depth in reach}
            assert stored == closure_of(links), kind
            assert all(a != d for a, d in stored), kind
            assert not any((d, a) in stored for a, d in stored), f"cycle on {kind}"


async def test_concurrent_opposite_links_in_two_transactions_one_wins(
    committed: Backend,
) -> None:
    database = Database(committed.engine)
    actor = await system_actor(database, committed)
    for _ in range(ROUNDS):
        _top, six, seven = await _three(database, actor)

        async def link(superior: Office, subordinate: Office) -> str:
            try:
                async with database.transaction(write=True) as session:
                    await network.link_offices(
                        session,
                        actor,
                        kind=LinkKind.GUIDANCE,
                        superior_id=superior.id,
                        subordinate_id=subordinate.id,
                    )
            except DomainError as error:
                assert isinstance(error, Conflict)
                return error.code
            return "LINKED"

        results = await asyncio.gather(link(six, seven), link(seven, six))
        assert sorted(results) == ["LINKED", "LINK_CYCLE"]
    await _assert_acyclic_and_closed(database)


async def test_concurrent_opposite_link_requests_give_one_link_and_one_user_error(
    committed: Backend,
) -> None:
    database = Database(committed.engine)
    actor = await system_actor(database, committed)
    top, six, seven = await _three(database, actor)
    async with database.transaction(write=True) as session:
        admin = await make_user(
            session, actor, top, Role.OFFICE_ADMIN, username=f"race{next(_round)}"
        )
    app = create_app(committed.settings, database=database, watch_policy=False)
    service = app.state.graphql
    async with database.session() as session:
        await service.policy.reload(session)
    headers = {
        "authorization": f"Bearer {issue_token(committed.settings, sign_in_name_of(admin.username), timedelta(hours=1))}"
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def link(superior: Office, subordinate: Office) -> httpx.Response:
            variables = {
                "input": {
                    "kind": "LEADERSHIP",
                    "superiorId": global_id("Office", superior.id),
                    "subordinateId": global_id("Office", subordinate.id),
                }
            }
            return await client.post(
                "/graphql", json={"query": LINK, "variables": variables}, headers=headers
            )

        responses = await asyncio.gather(link(six, seven), link(seven, six))
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    payloads = [r.json()["data"]["linkOffices"] for r in responses]
    codes = sorted(tuple(e["code"] for e in p["userErrors"]) for p in payloads)
    assert codes == [(), ("LINK_CYCLE",)], payloads
    assert sum(p["link"] is not None for p in payloads) == 1
    await _assert_acyclic_and_closed(database)
