"""Targets (巡视巡察对象): their class (nmg-2016 §17), one read by ID, changes, and the door."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.targets.models import Target, TargetClass
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user
from tests.targets.factories import make_leadership_post, make_target

CREATE = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id name targetClass } userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateTargetInput!) { updateTarget(input: $input) {
  target { id name regionCode targetClass } userErrors { field code message } } }"""
ONE = """query($id: ID!) { target(id: $id) { name targetClass office { name }
  roster { totalCount nodes { post target { name } } } } }"""
LABELS = """{ __type(name: "TargetClass") { enumValues { name description } } }"""


async def _two_offices(system: Any) -> tuple[Office, Office, str, str]:
    """Two unrelated offices, each with its admin (not yet committed: the caller arranges on)."""
    session, actor = system
    mine, other = await make_office(session, actor), await make_office(session, actor)
    admin = await make_user(session, actor, mine, Role.OFFICE_ADMIN)
    stranger = await make_user(session, actor, other, Role.OFFICE_ADMIN)
    return mine, other, admin.username, stranger.username


async def _row(api: Api, pk: int) -> tuple[str, TargetClass | None]:
    async with api.app.state.graphql.database.session() as session:
        target = (await session.scalars(select(Target).where(Target.id == pk))).one()
        return target.name, target.target_class


async def test_the_four_classes_of_nmg_17_are_labelled_in_chinese(api: Api, system: Any) -> None:
    _, _, admin, _ = await _two_offices(system)
    await system[0].commit()
    result = await api.gql(LABELS, user=admin)
    values = {v["name"]: v["description"] for v in result["data"]["__type"]["enumValues"]}
    assert set(values) == {
        "LOCAL_LEADERSHIP",
        "REGIONAL_DEPARTMENT",
        "ENTERPRISE_OR_INSTITUTION",
        "OTHER",
    }
    assert values["ENTERPRISE_OR_INSTITUTION"].startswith(
        "自治区管理的国有企业、金融企业、事业单位"
    )


async def test_a_target_is_created_with_its_class_and_read_back_by_id(
    api: Api, system: Any
) -> None:
    mine, _, admin, _ = await _two_offices(system)
    await system[0].commit()
    variables = {
        "input": {
            "officeId": global_id("Office", mine.id),
            "name": "某旗委领导班子",
            "regionCode": "150102",
            "targetClass": "LOCAL_LEADERSHIP",
        }
    }
    created = (await api.gql(CREATE, variables, user=admin))["data"]["createTarget"]
    assert created["userErrors"] == []
    assert created["target"]["targetClass"] == "LOCAL_LEADERSHIP"
    read = await api.gql(ONE, {"id": created["target"]["id"]}, user=admin)
    assert read["data"]["target"] == {
        "name": "某旗委领导班子",
        "targetClass": "LOCAL_LEADERSHIP",
        "office": {"name": mine.name},
        "roster": {"totalCount": 0, "nodes": []},
    }


async def test_the_roster_links_back_to_its_target(api: Api, system: Any) -> None:
    session, actor = system
    mine, _, admin, _ = await _two_offices(system)
    target = await make_target(session, actor, mine, "某市委领导班子")
    await make_leadership_post(session, actor, target, await make_person(session, actor, mine))
    await session.commit()
    read = await api.gql(ONE, {"id": global_id("Target", target.id)}, user=admin)
    assert read["data"]["target"]["roster"] == {
        "totalCount": 1,
        "nodes": [{"post": "书记", "target": {"name": "某市委领导班子"}}],
    }


async def test_an_admin_states_the_class_of_an_older_target(api: Api, system: Any) -> None:
    session, actor = system
    mine, _, admin, _ = await _two_offices(system)
    target = await make_target(session, actor, mine, "某局党组领导班子", target_class=None)
    await session.commit()
    variables = {
        "input": {"targetId": global_id("Target", target.id), "targetClass": "REGIONAL_DEPARTMENT"}
    }
    updated = (await api.gql(UPDATE, variables, user=admin))["data"]["updateTarget"]
    assert updated["userErrors"] == []
    assert updated["target"]["targetClass"] == "REGIONAL_DEPARTMENT"
    assert updated["target"]["name"] == "某局党组领导班子"  # what was not sent is unchanged
    assert await _row(api, target.id) == ("某局党组领导班子", TargetClass.REGIONAL_DEPARTMENT)


async def test_another_office_neither_reads_nor_changes_a_target(api: Api, system: Any) -> None:
    session, actor = system
    mine, _, _, stranger = await _two_offices(system)
    target = await make_target(session, actor, mine, "某旗委领导班子")
    await session.commit()
    target_id = global_id("Target", target.id)

    read = await api.gql(ONE, {"id": target_id}, user=stranger)
    variables = {"input": {"targetId": target_id, "name": "改名", "targetClass": "OTHER"}}
    updated = (await api.gql(UPDATE, variables, user=stranger))["data"]["updateTarget"]

    assert read["data"]["target"] is None
    assert [e["extensions"]["code"] for e in read["errors"]] == ["NOT_FOUND"]
    assert updated["target"] is None
    assert [e["code"] for e in updated["userErrors"]] == ["NOT_FOUND"]
    assert await _row(api, target.id) == ("某旗委领导班子", TargetClass.LOCAL_LEADERSHIP)


async def test_an_unknown_class_is_refused_before_anything_runs(api: Api, system: Any) -> None:
    mine, _, admin, _ = await _two_offices(system)
    await system[0].commit()
    variables = {
        "input": {
            "officeId": global_id("Office", mine.id),
            "name": "某单位领导班子",
            "regionCode": "150102",
            "targetClass": "CENTRAL",
        }
    }
    response = await api.post(CREATE, variables, user=admin)
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_VARIABLES"
    async with api.app.state.graphql.database.session() as session:
        names = (
            await session.scalars(select(Target.name).where(Target.office_id == mine.id))
        ).all()
    assert names == []
