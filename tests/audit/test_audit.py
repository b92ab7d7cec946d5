"""Every mutation and every denied access leaves an audit row; a failed mutation leaves nothing else.

Refusals are written by the audit outbox after the response; the tests flush it explicitly
(the ASGI test client runs no lifespan, so no background writer).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.ids import global_id
from inspectnet.people.models import Person
from tests.conftest import Api
from tests.factories import StaffedRegion

CREATE_PERSON = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id name } userErrors { field code message } } }"""


def _person_input(office: int, **overrides: object) -> dict[str, object]:
    return {
        "input": {
            "officeId": global_id("Office", office),
            "name": "高娃",
            "unit": "包头市纪委监委",
            "rank": "正科级",
            "homeRegionCode": "150200",
            "expertise": ["expertise.party_affairs"],
            **overrides,
        }
    }


async def _count(api: Api, model: type, *where: object) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _entries(api: Api, action: str) -> list[AuditEntry]:
    await api.app.state.graphql.outbox.flush()
    async with api.app.state.graphql.database.session() as session:
        rows = await session.execute(
            select(AuditEntry)
            # Leave out what the demo and the test's own arranging (the system, as "test") wrote.
            .where(AuditEntry.action == action, AuditEntry.actor_name.not_in(("demo", "test")))
            .order_by(AuditEntry.id)
        )
        return list(rows.scalars())


async def test_a_mutation_leaves_its_change_and_one_audit_row(api: Api, net: StaffedRegion) -> None:
    mine = net.mine.id
    result = await api.gql(CREATE_PERSON, _person_input(mine), user=net.staff.admin)
    payload = result["data"]["createPerson"]
    assert payload["userErrors"] == []
    [entry] = await _entries(api, "person.create")
    assert entry.outcome is Outcome.SUCCESS
    assert entry.actor_name == net.staff.admin
    assert entry.office_id == mine
    assert entry.object_id == payload["person"]["id"]
    assert entry.request_id


async def test_a_refused_mutation_changes_nothing_and_is_audited(
    api: Api, net: StaffedRegion
) -> None:
    sibling = net.sibling.id
    before = await _count(api, Person)
    result = await api.gql(CREATE_PERSON, _person_input(sibling), user=net.staff.admin)
    payload = result["data"]["createPerson"]
    assert payload == {
        "person": None,
        "userErrors": [{"field": None, "code": "NOT_FOUND", "message": "对象不存在或无权查看"}],
    }
    assert await _count(api, Person) == before
    [refusal] = await _entries(api, "person.create")
    assert (refusal.outcome, refusal.office_id) == (Outcome.DENIED, sibling)
    [denial] = await _entries(api, "office.read")
    assert denial.outcome is Outcome.DENIED and denial.object_id == global_id("Office", sibling)
    assert denial.office_id == sibling


async def test_invalid_input_is_refused_with_field_and_code_and_leaves_no_partial_rows(
    api: Api,
    net: StaffedRegion,
) -> None:
    mine = net.mine.id
    before = await _count(api, Person)
    result = await api.gql(
        CREATE_PERSON, _person_input(mine, homeRegionCode="包头"), user=net.staff.admin
    )
    assert result["data"]["createPerson"]["userErrors"] == [
        {
            "field": ["input", "homeRegionCode"],
            "code": "INVALID_REGION_CODE",
            "message": "行政区划代码应为6位半角数字",
        }
    ]
    assert await _count(api, Person) == before
    [entry] = await _entries(api, "person.create")
    assert entry.outcome is Outcome.FAILED and entry.detail["code"] == "INVALID_REGION_CODE"
    assert entry.office_id == mine


async def test_a_later_failure_rolls_back_earlier_writes_of_the_same_mutation(
    api: Api, net: StaffedRegion
) -> None:
    # createOffice writes the office, then its link; a duplicate code fails after validation.
    region = net.top.id
    query = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
      office { id } userErrors { code field } } }"""
    variables = {
        "input": {
            "superiorId": global_id("Office", region),
            "code": net.mine.code,
            "name": "重复",
            "kind": "PATROL_OFFICE",
            "regionCode": "150200",
            "rulesetId": "nmg-2016",
        }
    }
    offices_before = await _count(api, AuditEntry.__table__.metadata.tables["offices"])
    result = await api.gql(query, variables, user=net.top_admin)
    assert result["data"]["createOffice"] == {
        "office": None,
        "userErrors": [{"code": "CODE_TAKEN", "field": ["input", "code"]}],
    }
    assert await _count(api, AuditEntry.__table__.metadata.tables["offices"]) == offices_before


async def test_a_denied_single_read_is_audited(api: Api, net: StaffedRegion) -> None:
    sibling = net.sibling.id
    result = await api.gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": global_id("Office", sibling)},
        user=net.staff.member,
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    [denial] = await _entries(api, "office.read")
    assert (denial.outcome, denial.actor_name, denial.object_id, denial.office_id) == (
        Outcome.DENIED,
        net.staff.member,
        global_id("Office", sibling),
        sibling,
    )


async def test_the_auditor_reads_its_own_offices_log_and_nobody_else_does(
    api: Api, net: StaffedRegion
) -> None:
    region = global_id("Office", net.top.id)
    query = "query($id: ID!) { auditLog(officeId: $id, last: 5) { totalCount nodes { action outcome actorName } } }"
    as_auditor = (await api.gql(query, {"id": region}, user=net.top_auditor))["data"]["auditLog"]
    assert as_auditor["totalCount"] > 0
    as_admin = (await api.gql(query, {"id": region}, user=net.top_admin))["data"]["auditLog"]
    assert as_admin == {"totalCount": 0, "nodes": []}


async def test_the_log_refuses_updates_and_deletes(api: Api) -> None:
    async with api.app.state.graphql.database.session() as session:
        for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
            nested = await session.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(text(statement))
            await nested.rollback()
