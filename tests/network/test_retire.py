"""Retiring an office (撤销机构, ``retireOffice``): the undo of createOffice. Refused while the
office has open work (an office in service below it, an active account or role, an inspection
not archived), decided by an office above it, audited there and in the office; a retired
office leaves the lists but stays readable for history, and is changed no more."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts import lifecycle
from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.db import Database
from inspectnet.errors import Conflict
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.models import Office, OfficeKind
from tests.conftest import Api
from tests.factories import make_office, make_region, make_target, make_user
from tests.inspections.factories import make_inspection

RETIRE = """mutation($input: RetireOfficeInput!) { retireOffice(input: $input) {
  office { id archivedAt } userErrors { field code } } }"""
LISTS = """query($top: ID!, $archived: Boolean) {
  offices(first: 100, filter: {archived: $archived}) { nodes { id } }
  office(id: $top) { subordinates(depth: 2) { nodes { id } } } }"""
READ = "query($id: ID!) { node(id: $id) { ... on Office { name archivedAt } } }"
REASON = "机构调整，并入上级巡察办"


def _gid(office: Office) -> str:
    return global_id("Office", office.id)


async def _retire(api: Api, office: Office, user: str) -> list[str]:
    result = await api.gql(
        RETIRE, {"input": {"officeId": _gid(office), "reason": REASON}}, user=user
    )
    return [e["code"] for e in result["data"]["retireOffice"]["userErrors"]]


async def _state(api: Api, office: Office) -> tuple[Any, int]:
    """The office's retirement time and how many retirements are audited for it."""
    async with api.app.state.graphql.database.session() as session:
        at = await session.scalar(select(Office.archived_at).where(Office.id == office.id))
        audited = len(
            (
                await session.scalars(
                    select(AuditEntry.id).where(
                        AuditEntry.action == "office.retire",
                        AuditEntry.object_id == _gid(office),
                    )
                )
            ).all()
        )
    return at, audited


async def _world(api: Api, system: Any) -> dict[str, Any]:
    """A region: its top's admin; liaison body ``busy`` with an admin of its own, a county with
    an inspection and a county with nothing open; liaison body ``idle`` with nothing at all."""
    session, actor = system
    region = await make_region(session, actor, subordinates=2)
    busy, idle = region.subordinates
    open_county = await make_office(session, actor, superior=busy)
    empty_county = await make_office(session, actor, superior=busy)
    top_admin = await make_user(session, actor, region.top, Role.OFFICE_ADMIN)
    busy_admin = await make_user(session, actor, busy, Role.OFFICE_ADMIN)
    await make_inspection(session, actor, (await make_target(session, actor, open_county)).id)
    await session.commit()
    await api.reload_policy()
    return {
        "region": region,
        "busy": busy,
        "idle": idle,
        "open_county": open_county,
        "empty_county": empty_county,
        "top_admin": top_admin,
        "busy_admin": busy_admin,
    }


async def test_an_office_with_open_work_is_not_retired_and_nothing_changes(
    api: Api, system: Any
) -> None:
    w = await _world(api, system)
    top_admin = w["top_admin"].username
    # Offices in service below it, and its own admin's account.
    assert await _retire(api, w["busy"], top_admin) == ["OFFICE_HAS_SUBORDINATES"]
    # An inspection not archived.
    assert await _retire(api, w["open_county"], top_admin) == ["OFFICE_HAS_OPEN_INSPECTIONS"]
    for office in (w["busy"], w["open_county"]):
        assert await _state(api, office) == (None, 0)


async def test_an_active_account_or_role_keeps_an_office_until_it_is_deactivated(
    api: Api, db: Database, system: Any
) -> None:
    w = await _world(api, system)
    top_admin, idle = w["top_admin"].username, w["idle"]
    actor = system[1]
    async with db.transaction() as session:
        guest = await make_user(
            session, actor, w["busy"], Role.AUDITOR, also=[(idle, Role.AUDITOR)]
        )
    await api.reload_policy()
    # Someone of another office holds a role there.
    assert await _retire(api, idle, top_admin) == ["OFFICE_HAS_ACTIVE_ACCOUNTS"]
    assert await _state(api, idle) == (None, 0)
    async with db.transaction() as later:
        await lifecycle.deactivate_account(later, actor, user_id=guest.id)
    assert await _retire(api, idle, top_admin) == []
    at, audited = await _state(api, idle)
    assert at is not None and audited == 2  # in the office and in the top office above it


async def test_only_an_office_above_retires_it(api: Api, db: Database, system: Any) -> None:
    w = await _world(api, system)
    # The liaison body's admin is above the empty county; its own admin (none here) is not.
    async with db.transaction() as session:
        county_admin = await make_user(session, system[1], w["empty_county"], Role.OFFICE_ADMIN)
    await api.reload_policy()
    assert await _retire(api, w["busy"], w["busy_admin"].username) == ["FORBIDDEN"]
    assert await _retire(api, w["idle"], county_admin.username) == ["NOT_FOUND"]
    assert await _state(api, w["busy"]) == (None, 0)
    assert await _state(api, w["idle"]) == (None, 0)


async def test_a_retired_office_leaves_the_lists_stays_readable_and_changes_no_more(
    api: Api, db: Database, system: Any
) -> None:
    w = await _world(api, system)
    top_admin, county, top = w["top_admin"].username, w["empty_county"], w["region"].top
    result = await api.gql(
        RETIRE, {"input": {"officeId": _gid(county), "reason": REASON}}, user=top_admin
    )
    payload = result["data"]["retireOffice"]
    assert payload["userErrors"] == [] and payload["office"]["id"] == _gid(county)
    assert payload["office"]["archivedAt"] is not None
    async with api.app.state.graphql.database.session() as session:
        rows = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "office.retire", AuditEntry.object_id == _gid(county)
                )
            )
        ).all()
    assert sorted(r.office_id for r in rows) == sorted([county.id, w["busy"].id])
    assert {r.detail["reason"] for r in rows} == {REASON}
    # Out of the lists by default; there when retired ones are asked for; read by id.
    current = await api.gql(LISTS, {"top": _gid(top)}, user=top_admin)
    listed = {n["id"] for n in current["data"]["offices"]["nodes"]}
    below = {n["id"] for n in current["data"]["office"]["subordinates"]["nodes"]}
    assert _gid(county) not in listed | below and _gid(w["open_county"]) in listed & below
    retired = await api.gql(LISTS, {"top": _gid(top), "archived": True}, user=top_admin)
    assert [n["id"] for n in retired["data"]["offices"]["nodes"]] == [_gid(county)]
    read = await api.gql(READ, {"id": _gid(county)}, user=top_admin)
    assert read["data"]["node"]["archivedAt"] == payload["office"]["archivedAt"]
    # Changed, retired again, or given a new office below it: no more.
    assert await _retire(api, county, top_admin) == ["OFFICE_RETIRED"]
    # Its own admins are gone by then: even the platform changes it no more.
    async with db.transaction() as session:
        for change in (
            network.update_office(session, system[1], county.id, name="改名", region_code=None),
            network.create_office(
                session,
                system[1],
                code="test.retired-child",
                name="撤销后新建",
                kind=OfficeKind.PATROL_OFFICE,
                region_code="150000",
                ruleset_id="nmg-2016",
                superior_id=county.id,
            ),
        ):
            with pytest.raises(Conflict) as refused:
                await change
            assert refused.value.code == "OFFICE_RETIRED"
    at, audited = await _state(api, county)
    assert at is not None and audited == 2


async def test_an_office_whose_subordinates_are_all_retired_may_be_retired(
    api: Api, db: Database, system: Any
) -> None:
    w = await _world(api, system)
    top_admin, idle = w["top_admin"].username, w["idle"]
    async with db.transaction() as session:
        county = await make_office(session, system[1], superior=idle)
    await api.reload_policy()
    assert await _retire(api, idle, top_admin) == ["OFFICE_HAS_SUBORDINATES"]
    assert await _state(api, idle) == (None, 0)
    assert await _retire(api, county, top_admin) == []
    assert await _retire(api, idle, top_admin) == []
    assert (await _state(api, idle))[0] is not None
