"""`subordinates` edges carry depth and parent, so a tree renders from one query."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_network, make_user
from tests.sqlcount import count_statements

TREE = """query($id: ID!) { office(id: $id) { subordinates(depth: 3, first: 100) {
  totalCount edges { depth node { code } parent { code } } } } }"""


async def _tree(api: Api, system: Any, size: int) -> tuple[int, list[dict[str, Any]], list[Any]]:
    session, actor = system
    offices = await make_network(session, actor, size, fanout=3)
    admin = await make_user(session, actor, offices[0])
    await session.commit()
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(
            TREE, {"id": global_id("Office", offices[0].id)}, user=admin.username
        )
    assert "errors" not in result, result
    return statements.count, result["data"]["office"]["subordinates"]["edges"], offices


async def test_each_edge_names_its_depth_and_parent(api: Api, system: Any) -> None:
    _, edges, offices = await _tree(api, system, 13)
    # make_network fills breadth first, 3 per office: 1..3 under the root, 4..12 under them.
    parent_of = {offices[i].code: offices[(i - 1) // 3].code for i in range(1, 13)}
    depth_of = {offices[i].code: 1 if i <= 3 else 2 for i in range(1, 13)}
    assert sorted((e["node"]["code"], e["depth"], e["parent"]["code"]) for e in edges) == sorted(
        (code, depth_of[code], parent_of[code]) for code in parent_of
    )


@pytest.mark.parametrize("size", [5, 40])
async def test_a_tree_costs_the_same_statements_at_any_size(
    api: Api, system: Any, size: int
) -> None:
    count, edges, _ = await _tree(api, system, size)
    assert len(edges) == size - 1
    # sign-in 1 · office 1 · page + count 2 · places 1 · parents 1
    assert count == 6
