"""``nodes(ids:)``: many objects at once, null in place of any the viewer may not read."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.ids import MAX_PK, global_id
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user
from tests.sqlcount import count_statements

NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  __typename id ... on Person { name } ... on Office { code } } }"""


async def _world(system: Any, persons: int) -> dict[str, Any]:
    """Two sibling offices; the left admin reads the left's persons, not the right's."""
    session, actor = system
    root = await make_office(session, actor)
    left = await make_office(session, actor, superior=root)
    right = await make_office(session, actor, superior=root)
    mine = [await make_person(session, actor, left, name=f"左{n}") for n in range(persons)]
    theirs = await make_person(session, actor, right, name="右0")
    world = {
        "admin": (await make_user(session, actor, left)).username,
        "left": global_id("Office", left.id),
        "mine": [global_id("Person", p.id) for p in mine],
        "theirs": global_id("Person", theirs.id),
        "missing": global_id("Person", MAX_PK),
    }
    await session.commit()
    return world


async def test_each_id_answers_in_place_and_hidden_looks_like_missing(
    api: Api, system: Any
) -> None:
    world = await _world(system, persons=1)
    await api.reload_policy()
    ids = [world["mine"][0], world["theirs"], world["left"], world["missing"], world["mine"][0]]
    result = await api.gql(NODES, {"ids": ids}, user=world["admin"])
    assert "errors" not in result, result
    nodes = result["data"]["nodes"]
    assert [n and n["__typename"] for n in nodes] == ["Person", None, "Office", None, "Person"]
    assert nodes[0] == {"__typename": "Person", "id": world["mine"][0], "name": "左0"}
    assert nodes[1] is None and nodes[3] is None  # hidden and missing: the same answer


@pytest.mark.parametrize("persons", [2, 30])
async def test_statements_grow_with_the_types_asked_not_the_ids(
    api: Api, system: Any, persons: int
) -> None:
    world = await _world(system, persons=persons)
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(
            NODES, {"ids": [world["left"], *world["mine"], world["theirs"]]}, user=world["admin"]
        )
    assert len(result["data"]["nodes"]) == persons + 2
    # sign-in 1 · offices 1 · persons 1
    assert statements.count == 3


async def test_more_than_100_ids_or_a_malformed_one_is_refused(api: Api, system: Any) -> None:
    session, actor = system
    admin = (await make_user(session, actor, await make_office(session, actor))).username
    await session.commit()
    await api.reload_policy()
    too_many = await api.gql(NODES, {"ids": ["x"] * 101}, user=admin)
    assert too_many["data"] == {"nodes": None}
    assert too_many["errors"][0]["extensions"]["code"] == "TOO_MANY_IDS"
    bad = await api.gql(NODES, {"ids": ["not an id"]}, user=admin)
    assert bad["data"] == {"nodes": None}
    extensions = bad["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("INVALID_ID", "ids.0")
