"""Linked objects: a field naming another node resolves to it, null when the viewer cannot read
it, in a number of statements that does not grow with the rows that link."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from inspectnet.ids import global_id
from inspectnet.targets import service as targets
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user
from tests.sqlcount import count_statements

ROSTER = """query($id: ID!) { node(id: $id) { ... on Target {
  createdAt updatedAt
  roster(first: 50) { totalCount nodes { post createdAt person { name office { code } } } }
} } }"""


async def _world(system: Any, posts: int) -> dict[str, Any]:
    """A root office over two siblings; a target of one lists persons kept by the other."""
    session, actor = system
    root = await make_office(session, actor)
    left = await make_office(session, actor, superior=root)
    right = await make_office(session, actor, superior=root)
    target = await targets.create_target(
        session, actor, office_id=left.id, name="某局党组", region_code="150000"
    )
    for n in range(posts):
        person = await make_person(session, actor, right if n % 2 else left, name=f"干部甲{n}")
        await targets.add_leadership_post(
            session,
            actor,
            target_id=target.id,
            person_id=person.id,
            post=f"职务{n}",
            started_on=date(2024, 1, 1),
            ended_on=None,
        )
    world = {
        "target": global_id("Target", target.id),
        "left_admin": (await make_user(session, actor, left)).username,
        "left": left.code,
        "right": right.code,
    }
    await session.commit()
    return world


async def test_a_link_the_viewer_cannot_read_is_null_and_a_readable_one_is_the_object(
    api: Api, system: Any
) -> None:
    world = await _world(system, posts=2)
    await api.reload_policy()
    # The sibling's admin reads the roster but not the person kept by the other sibling.
    left = await api.gql(ROSTER, {"id": world["target"]}, user=world["left_admin"])
    nodes = left["data"]["node"]["roster"]["nodes"]
    assert [(n["post"], n["person"]) for n in nodes] == [
        ("职务0", {"name": "干部甲0", "office": {"code": world["left"]}}),
        ("职务1", None),
    ]
    assert left["data"]["node"]["createdAt"].endswith("+00:00")
    assert left["data"]["node"]["updatedAt"] == left["data"]["node"]["createdAt"]
    assert all(n["createdAt"] for n in left["data"]["node"]["roster"]["nodes"])


@pytest.mark.parametrize("posts", [2, 20])
async def test_links_cost_the_same_statements_however_many_rows_link(
    api: Api, system: Any, posts: int
) -> None:
    world = await _world(system, posts=posts)
    await api.reload_policy()
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        result = await api.gql(ROSTER, {"id": world["target"]}, user=world["left_admin"])
    nodes = result["data"]["node"]["roster"]["nodes"]
    assert len(nodes) == posts and sum(n["person"] is None for n in nodes) == posts // 2
    # sign-in 1 · node 1 · roster page + count 2 · persons 1 · their offices 1
    assert statements.count == 6
