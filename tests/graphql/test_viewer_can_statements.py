"""``viewerCan`` costs statements per page, never per row: counted at two page sizes."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_office, make_person_with_record, make_target_with_posts, make_user
from tests.sqlcount import count_statements

PAGE = """query($id: ID!) { office(id: $id) {
  viewerCan { update }
  people(first: 100) { nodes {
    viewerCan { update archive }
    employment(first: 5) { nodes { viewerCan { update remove } } }
  } }
  targets(first: 100) { nodes { viewerCan { update } roster(first: 5) {
    nodes { viewerCan { update remove } }
  } } }
  roleGrants(first: 100) { nodes { viewerCan { revoke } } }
} }"""


async def _measure(api: Api, system: Any, rows: int) -> tuple[int, dict[str, Any]]:
    session, root = system
    office = await make_office(session, root)
    for _ in range(rows):
        await make_person_with_record(session, root, office)
        await make_target_with_posts(session, root, office)
    admin = await make_user(session, root, office)
    await session.commit()
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(PAGE, {"id": global_id("Office", office.id)}, user=admin.username)
    assert "errors" not in result, result
    return statements.count, result["data"]["office"]


@pytest.mark.parametrize("rows", [2, 40])
async def test_viewer_can_on_every_row_of_a_page_costs_the_same_statements(
    api: Api, system: Any, rows: int
) -> None:
    count, office = await _measure(api, system, rows)
    people, targets = office["people"]["nodes"], office["targets"]["nodes"]
    # the records' people, the posts' holders and the admin are people of the office
    assert len(people) == 2 * rows + 1 and len(targets) == rows
    assert all(p["viewerCan"] == {"update": True, "archive": True} for p in people)
    posts = [post for t in targets for post in t["roster"]["nodes"]]
    assert len(posts) == rows
    assert all(p["viewerCan"] == {"update": True, "remove": True} for p in posts)
    assert [g["viewerCan"] for g in office["roleGrants"]["nodes"]] == [{"revoke": True}]
    # sign-in 1 · office 1 · people, targets and grants pages 3 · employment and roster pages 2
    # · viewerCan: the rows through the door's scope, one statement per type a page holds
    # (office, persons, records, targets, posts, grants) 6; the records' persons and the posts'
    # targets come from the same loaders, so no statement per row and none per parent
    assert count == 13
