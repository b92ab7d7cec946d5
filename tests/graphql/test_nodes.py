"""`nodes(ids:)`: many objects by global ID, in order, null where hidden or missing."""

from __future__ import annotations

from typing import Any

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user
from tests.sqlcount import count_statements

NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  __typename id ... on Office { code } ... on Person { name } } }"""


async def test_nodes_keep_order_and_are_null_where_hidden_or_missing(api: Api, system: Any) -> None:
    session, actor = system
    mine, other = await make_office(session, actor), await make_office(session, actor)
    person = await make_person(session, actor, mine, name="张三")
    hidden = await make_person(session, actor, other, name="李四")
    admin = await make_user(session, actor, mine)
    await session.commit()
    await api.reload_policy()
    ids = [
        global_id("Person", person.id),
        global_id("Office", mine.id),
        global_id("Person", hidden.id),
        global_id("Office", other.id),
        global_id("Person", 987654),
    ]
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(NODES, {"ids": ids}, user=admin.username)
    assert result["data"]["nodes"] == [
        {"__typename": "Person", "id": ids[0], "name": "张三"},
        {"__typename": "Office", "id": ids[1], "code": mine.code},
        None,
        None,
        None,
    ]
    # sign-in 1 · persons 1 · offices 1, however many ids of each type
    assert statements.count == 3


async def test_more_than_100_ids_are_refused(api: Api) -> None:
    result = await api.gql(NODES, {"ids": [global_id("Office", 1)] * 101}, user="baotou_admin")
    assert result["errors"][0]["extensions"]["code"] == "TOO_MANY_IDS"
    assert result["data"] is None
