"""A query that forgets ``readable`` still cannot cross tenants: with the door taken out of one
call site at a time, a reader of one sibling office asks for the other's rows. As the owner
(no wall) the rows leak, which shows the door really is gone; as the application's role the
wall returns none of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Select, func, select

from inspectnet import domains
from inspectnet.accounts.signin import actor_for_subject
from inspectnet.accounts.tokens import issue_token
from inspectnet.authz import wall
from inspectnet.casework import repository as casework
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from inspectnet.intake import repository as intake
from inspectnet.intake.models import Petition
from inspectnet.paging import Children
from inspectnet.reports import repository as reports
from inspectnet.settings import Settings
from inspectnet.work import unit_of_work
from tests.factories import sign_in_name_of
from tests.rls.conftest import Client, Walled

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _no_door(actor: Any, model: type[Any], action: str = "read") -> Select[Any]:
    """``readable`` forgotten: every row of the model."""
    return select(model)


# (module whose ``readable`` is taken out, the list, as a reader of office B asks for A's rows)
SITES: dict[str, tuple[Any, Callable[[Any, list[int]], Children]]] = {
    "petitions": (intake, intake.petitions_of_inspections),
    "clues": (casework, casework.clues_of),
    "findings": (casework, casework.findings_of),
    "interviews": (casework, casework.interviews_of),
    "activities": (casework, casework.activities_of),
    "fix proposals": (casework, casework.proposals_of),
    "reports": (reports, reports.reports_of),
}


async def _rows_as(settings: Settings, user: str, site: Callable[..., Children], arg: int) -> int:
    """How many rows ``site`` returns to ``user``, signed in as the API signs in."""
    database = Database(make_engine(settings))
    policy = domains.policy_store(settings.policy_dir)
    try:
        async with database.session() as session:
            await policy.reload(session)

        async def sign_in(session: Any) -> Any:
            return await actor_for_subject(session, policy, sign_in_name_of(user), "rls")

        async with unit_of_work(database, policy, sign_in, lambda _: None, write=False) as work:
            found = await work.session.execute(site(work.actor, [arg]).query)
            return len(found.all())
    finally:
        await database.dispose()


@pytest.mark.parametrize("name", sorted(SITES))
async def test_a_list_without_the_door_returns_nothing_of_another_office(
    walled: Walled, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    module, site = SITES[name]
    a, b = walled.offices
    # With the door, neither side lists the other's rows.
    assert await _rows_as(walled.settings, b.leader, site, a.inspection_id) == 0
    monkeypatch.setattr(module, "readable", _no_door)
    for reader in (b.leader, b.admin, b.handler):
        leaked = await _rows_as(walled.owner_settings, reader, site, a.inspection_id)
        assert leaked > 0, f"{name}: the door was not taken out (as the owner, {reader})"
        assert await _rows_as(walled.settings, reader, site, a.inspection_id) == 0, reader
    # The wall still lets B's own team through, the door gone or not.
    assert await _rows_as(walled.settings, b.leader, site, b.inspection_id) > 0


async def _petition_answer(api: Client, user: str, pk: int) -> Any:
    token = issue_token(api.settings, sign_in_name_of(user), timedelta(hours=1))
    response = await api.client.post(
        "/graphql",
        json={
            "query": "query ($id: ID!) { petition(id: $id) { id summary } }",
            "variables": {"id": global_id("Petition", pk)},
        },
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_single_read_without_the_door_is_not_found_through_the_api(
    walled: Walled, walled_api: Client, open_api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``petition(id)`` with ``get_readable``'s door taken out, as B's admin, of A's petition."""
    from inspectnet.authz import checks

    a, b = walled.offices
    database = Database(make_engine(walled.owner_settings))
    try:
        async with database.session() as session:
            pks = list(
                await session.scalars(
                    select(Petition.id).where(Petition.inspection_id == a.inspection_id)
                )
            )
    finally:
        await database.dispose()
    assert pks
    monkeypatch.setattr(checks, "readable", _no_door)
    for pk in pks:
        leaked = await _petition_answer(open_api, b.admin, pk)
        assert leaked["data"]["petition"]["id"] == global_id("Petition", pk)
        walled_off = await _petition_answer(walled_api, b.admin, pk)
        assert walled_off["data"]["petition"] is None
        assert walled_off["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def _envelope_of(settings: Settings, user: str) -> wall.Envelope:
    database = Database(make_engine(settings))
    policy = domains.policy_store(settings.policy_dir)
    try:
        async with database.session() as session:
            await policy.reload(session)

        async def sign_in(session: Any) -> Any:
            return await actor_for_subject(session, policy, sign_in_name_of(user), "rls")

        async with unit_of_work(database, policy, sign_in, lambda _: None, write=False) as work:
            set_now = await work.session.scalar(select(func.current_setting("inspectnet.offices")))
            envelope = wall.envelope(work.actor)
            assert set_now == envelope.settings()["offices"]  # what the transaction holds
            return envelope
    finally:
        await database.dispose()


async def test_the_envelope_is_the_readers_tenant(walled: Walled) -> None:
    """Each sibling's readers hold their own office and inspection, never the other's; the
    recused member's target is denied; the office above holds both offices."""
    a, b = walled.offices
    for sibling, other in ((a, b), (b, a)):
        for reader in (sibling.admin, sibling.leader, sibling.handler):
            envelope = await _envelope_of(walled.settings, reader)
            assert sibling.office.id in envelope.offices, reader
            assert other.office.id not in envelope.offices, reader
            assert other.inspection_id not in envelope.inspections, reader
        leader = await _envelope_of(walled.settings, sibling.leader)
        assert sibling.inspection_id in leader.inspections
        recused = await _envelope_of(walled.settings, sibling.recused)
        assert recused.denied_targets, "the recusal reaches the wall"
        assert not leader.denied_targets
    top = await _envelope_of(walled.settings, walled.top)
    assert {a.office.id, b.office.id} <= top.offices
