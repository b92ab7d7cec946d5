"""A request's SQL statements do not grow with the data: counted at two network sizes."""

from __future__ import annotations

import pytest

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_network, make_person, make_target, make_user
from tests.sqlcount import count_statements

NETWORK = """query($id: ID!) { office(id: $id) {
  name
  subordinates(depth: 3, first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name kind
      superiors { totalCount nodes { name } }
      targets(first: 5) { totalCount nodes { name office { name } } }
      people(first: 5) { totalCount nodes { name office { code } } }
    } }
  }
} }"""


async def _measure(api: Api, system, size: int) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    session, actor = system
    offices = await make_network(session, actor, size)
    for office in offices[:: max(1, size // 10)]:
        await make_target(session, actor, office)
        await make_person(session, actor, office)
    admin = await make_user(session, actor, offices[0])
    await session.commit()
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(
            NETWORK, {"id": global_id("Office", offices[0].id)}, user=admin.username
        )
    assert "errors" not in result, result
    return statements.count, result["data"]["office"]


@pytest.mark.parametrize("size", [13, 200])
async def test_whole_network_in_a_constant_number_of_statements(
    api: Api, system, size: int
) -> None:  # type: ignore[no-untyped-def]
    count, office = await _measure(api, system, size)
    subordinates = office["subordinates"]
    assert subordinates["totalCount"] == size - 1
    assert len(subordinates["edges"]) == min(size - 1, 100)
    assert subordinates["pageInfo"]["hasNextPage"] is (size - 1 > 100)
    # sign-in 1 · office 1 · subordinates page + count 2 · superiors page + count 2 ·
    # targets page + count 2 · people page + count 2 · the offices of targets and people,
    # batched together 1
    assert count == 11
