"""Tenant isolation as a 包头市 user sees it: own office, superior and subordinates, nothing of a sibling's."""

from __future__ import annotations

import pytest

from inspectnet.ids import global_id
from tests.conftest import Api, office_id

NODE = "query($id: ID!) { node(id: $id) { id ... on Office { name } ... on Target { name } ... on Person { name } } }"


async def _gid(api: Api, code: str) -> str:
    return global_id("Office", await office_id(api.app.state.graphql.database, code))


async def _first_of(api: Api, code: str, table: str) -> str:
    from sqlalchemy import text

    database = api.app.state.graphql.database
    async with database.session() as session:
        pk = (
            await session.execute(
                text(
                    f"SELECT t.id FROM {table} t JOIN offices o ON o.id = t.office_id WHERE o.code = :c ORDER BY t.id LIMIT 1"
                ),
                {"c": code},
            )
        ).scalar_one()
    return global_id("Target" if table == "targets" else "Person", pk)


@pytest.mark.parametrize(
    "code", ["nmg.baotou", "nmg.region", "nmg.baotou.donghe", "nmg.baotou.guyang"]
)
async def test_own_superior_and_subordinate_offices_are_readable(api: Api, code: str) -> None:
    result = await api.gql(NODE, {"id": await _gid(api, code)}, user="baotou_member")
    assert result.get("errors") is None
    assert result["data"]["node"]["id"] == await _gid(api, code)


@pytest.mark.parametrize(
    ("code", "table"),
    [
        ("nmg.chifeng", "targets"),
        ("nmg.chifeng", "persons"),
        ("nmg.chifeng", None),
        ("nmg.chifeng.hongshan", None),
    ],
)
async def test_sibling_objects_look_like_they_do_not_exist(
    api: Api, code: str, table: str | None
) -> None:
    gid = await _first_of(api, code, table) if table else await _gid(api, code)
    result = await api.gql(NODE, {"id": gid}, user="baotou_member")
    assert result["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


async def test_a_hidden_object_and_a_missing_one_answer_the_same(api: Api) -> None:
    hidden = await api.gql(
        NODE, {"id": await _first_of(api, "nmg.chifeng", "persons")}, user="baotou_member"
    )
    missing = await api.gql(NODE, {"id": global_id("Person", 999_999)}, user="baotou_member")
    assert hidden["errors"][0]["message"] == missing["errors"][0]["message"]
    assert hidden["errors"][0]["extensions"] == missing["errors"][0]["extensions"]


async def test_lists_and_counts_hold_only_what_is_readable(api: Api) -> None:
    result = await api.gql(
        "{ offices(first: 100) { totalCount nodes { code } } }", user="baotou_member"
    )
    offices = result["data"]["offices"]
    codes = {node["code"] for node in offices["nodes"]}
    assert codes == {
        "nmg.region",
        "nmg.baotou",
        "nmg.baotou.donghe",
        "nmg.baotou.kundulun",
        "nmg.baotou.tumedyouqi",
        "nmg.baotou.guyang",
    }
    assert offices["totalCount"] == len(codes)


async def test_nested_fields_do_not_leak_a_siblings_people_or_targets(api: Api) -> None:
    query = """query($id: ID!) { office(id: $id) {
        targets { totalCount nodes { name } }
        people { totalCount }
        subordinates(depth: 3, first: 100) { totalCount nodes { code targets { totalCount } people { totalCount } } }
    } }"""
    region = (await api.gql(query, {"id": await _gid(api, "nmg.region")}, user="baotou_member"))[
        "data"
    ]["office"]
    # The region's own targets and people are its own business, not a subordinate's.
    assert region["targets"] == {"totalCount": 0, "nodes": []}
    assert region["people"] == {"totalCount": 0}
    codes = {node["code"] for node in region["subordinates"]["nodes"]}
    assert "nmg.chifeng" not in codes and "nmg.chifeng.hongshan" not in codes
    assert region["subordinates"]["totalCount"] == 5  # 包头 and its four counties
    baotou = next(n for n in region["subordinates"]["nodes"] if n["code"] == "nmg.baotou")
    assert baotou["targets"]["totalCount"] == 5  # four county committees and the education bureau
    assert baotou["people"]["totalCount"] == 3  # office staff, its admin and a liaison-group member


async def test_a_superior_sees_subordinates_targets_but_not_their_people(api: Api) -> None:
    query = "query($id: ID!) { office(id: $id) { targets { totalCount } people { totalCount } } }"
    chifeng = (await api.gql(query, {"id": await _gid(api, "nmg.chifeng")}, user="region_admin"))[
        "data"
    ]["office"]
    assert chifeng == {"targets": {"totalCount": 4}, "people": {"totalCount": 0}}
