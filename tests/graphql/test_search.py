"""``search``: names found in Chinese, full pinyin and initials, ranked, paged, readable only."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.network import service as network
from inspectnet.search import search_key_of
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user
from tests.sqlcount import count_statements

SEARCH = """query($q: String!, $types: [SearchType!], $first: Int!, $after: String) {
  search(query: $q, types: $types, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    hits { rank cursor node { __typename ... on Office { name } ... on Person { name }
                              ... on Target { name } } }
  } }"""


def test_the_key_holds_the_name_its_pinyin_and_its_initials() -> None:
    assert search_key_of("包头市 巡察办") == "包头市巡察办\x1ebaotoushixunchaban\x1fbtsxcb"
    assert search_key_of("ＡＢ局") == "ab局\x1eabju\x1fabj"  # full width folded, Latin kept


async def _world(system: Any) -> dict[str, Any]:
    session, actor = system
    root = await make_office(session, actor, name="搜索测试办")
    other = await make_office(session, actor, name="搜索测试另办")
    for name in ("张伟", "张伟民", "王张伟", "李四"):
        await make_person(session, actor, root, name=name)
    hidden = await make_person(session, actor, other, name="张伟")
    world = {"reader": (await make_user(session, actor, root)).username, "hidden": hidden}
    await session.commit()
    return world


async def _search(api: Api, user: str, **variables: Any) -> dict[str, Any]:
    result = await api.gql(SEARCH, {"first": 10, **variables}, user=user)
    assert "errors" not in result, result
    return result["data"]["search"]  # type: ignore[no-any-return]


def _names(found: dict[str, Any]) -> list[tuple[str, int]]:
    return [(h["node"]["name"], h["rank"]) for h in found["hits"]]


async def test_chinese_pinyin_and_initials_find_the_readable_persons_best_first(
    api: Api, system: Any
) -> None:
    world = await _world(system)
    await api.reload_policy()
    user, persons = world["reader"], ["PERSON"]
    chinese = _names(await _search(api, user, q="张伟", types=persons))
    # the other office's 张伟 is not readable: it is not found
    assert chinese == [("张伟", 0), ("张伟民", 1), ("王张伟", 4)]
    assert _names(await _search(api, user, q="zhangwei", types=persons)) == [
        ("张伟", 2),
        ("张伟民", 2),
        ("王张伟", 4),
    ]
    assert _names(await _search(api, user, q="ZW", types=persons)) == [
        ("张伟", 3),
        ("张伟民", 3),
        ("王张伟", 4),
    ]
    assert _names(await _search(api, user, q="zhang wei", types=persons))[0] == ("张伟", 2)


async def test_renaming_rewrites_the_key(system: Any) -> None:
    session, actor = system
    office = await make_office(session, actor, name="赵六办")
    assert office.search_key == search_key_of("赵六办")
    await network.update_office(session, actor, office.id, name="钱七办", region_code=None)
    await session.flush()
    assert office.search_key == search_key_of("钱七办")


async def test_pages_follow_the_ranking_across_types(api: Api, system: Any) -> None:
    world = await _world(system)
    await api.reload_policy()
    user = world["reader"]
    everything = _names(await _search(api, user, q="s", first=100))
    seen, after = [], None
    while True:
        page = await _search(api, user, q="s", first=1, after=after)
        seen += _names(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # an office (sousuo…: the pinyin's start) before a person (lisi: inside the pinyin)
    assert seen == everything == [("搜索测试办", 2), ("李四", 4)]


async def test_a_cursor_of_another_query_and_a_bad_query_are_refused(api: Api, system: Any) -> None:
    world = await _world(system)
    await api.reload_policy()
    user = world["reader"]
    page = await _search(api, user, q="z", first=1)
    other = await api.gql(
        SEARCH, {"q": "w", "first": 1, "after": page["pageInfo"]["endCursor"]}, user=user
    )
    assert other["errors"][0]["extensions"]["code"] == "CURSOR_ORDER_MISMATCH"
    for q in ("  ", "字" * 51):
        bad = await api.gql(SEARCH, {"q": q, "first": 1}, user=user)
        assert (
            bad["errors"][0]["extensions"]["code"],
            bad["errors"][0]["extensions"]["field"],
        ) == (
            "INVALID_QUERY",
            "query",
        )


@pytest.mark.parametrize("first", [2, 50])
async def test_a_search_costs_one_statement_per_type(api: Api, system: Any, first: int) -> None:
    world = await _world(system)
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        await _search(api, world["reader"], q="zw", first=first)
    assert statements.count == 1 + 3  # sign-in · offices, targets, persons


async def test_a_refused_search_or_nodes_beside_a_reading_field_is_an_error_not_a_500(
    api: Api, system: Any
) -> None:
    world = await _world(system)
    await api.reload_policy()
    # A refusal nulling the whole answer would end the request while a sibling still ran its
    # statement on the session (the fuzz test found it): both fields are nullable, as node is.
    for field in ('search(query: "") { hits { rank } }', 'nodes(ids: ["x"]) { id }'):
        response = await api.post(
            '{ offices(first: 1) { totalCount } node(id: "T2ZmaWNl") { id } ' + field + " }",
            user=world["reader"],
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["offices"]["totalCount"] == 1
        codes = [e["extensions"]["code"] for e in response.json()["errors"]]
        assert codes[-1] in ("INVALID_QUERY", "INVALID_ID"), codes
