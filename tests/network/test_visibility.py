"""Tenant isolation as a liaison body's member sees it: own office, superior and subordinates,
nothing of a sibling's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from inspectnet.ids import global_id
from inspectnet.network.models import Office
from tests.conftest import Api
from tests.factories import Region, make_region, make_staff, make_target, make_user

NODE = "query($id: ID!) { node(id: $id) { id ... on Office { name } ... on Target { name } ... on Person { name } } }"


@dataclass(frozen=True)
class Net:
    """A region shaped like the demo's 包头 and 赤峰: ``mine`` and its ``sibling``, four
    counties under each, targets and people in each; a member of ``mine``, the top's admin."""

    region: Region
    member: str
    region_admin: str

    @property
    def mine(self) -> Office:
        return self.region.subordinates[0]

    @property
    def sibling(self) -> Office:
        return self.region.subordinates[1]

    def office(self, name: str) -> Office:
        """``top``, ``mine``, ``sibling``, or ``mine/N`` and ``sibling/N`` for a county."""
        where, _, n = name.partition("/")
        office = {"top": self.region.top, "mine": self.mine, "sibling": self.sibling}[where]
        return self.region.counties(office)[int(n)] if n else office


@pytest.fixture
async def net(api: Api, system: Any) -> Net:
    session, actor = system
    region = await make_region(session, actor, subordinates=2, counties=4)
    mine, sibling = region.subordinates
    # As the demo has them: the top's own, four of the sibling's, five of mine.
    for office, count in ((region.top, 12), (mine, 5), (sibling, 4)):
        for _ in range(count):
            await make_target(session, actor, office)
    region_admin = await make_user(session, actor, region.top)
    staff = await make_staff(session, actor, mine)  # mine's two people
    await make_staff(session, actor, sibling)  # the sibling's two
    await session.commit()
    await api.reload_policy()
    return Net(region, staff.member, region_admin.username)


def _gid(office: Office) -> str:
    return global_id("Office", office.id)


async def _first_of(api: Api, office: Office, table: str) -> str:
    database = api.app.state.graphql.database
    async with database.session() as session:
        pk = (
            await session.execute(
                text(f"SELECT id FROM {table} WHERE office_id = :o ORDER BY id LIMIT 1"),
                {"o": office.id},
            )
        ).scalar_one()
    return global_id("Target" if table == "targets" else "Person", pk)


@pytest.mark.parametrize("name", ["mine", "top", "mine/0", "mine/3"])
async def test_own_superior_and_subordinate_offices_are_readable(
    api: Api, net: Net, name: str
) -> None:
    office = net.office(name)
    result = await api.gql(NODE, {"id": _gid(office)}, user=net.member)
    assert result.get("errors") is None
    assert result["data"]["node"]["id"] == _gid(office)


@pytest.mark.parametrize(
    ("name", "table"),
    [("sibling", "targets"), ("sibling", "persons"), ("sibling", None), ("sibling/0", None)],
)
async def test_sibling_objects_look_like_they_do_not_exist(
    api: Api, net: Net, name: str, table: str | None
) -> None:
    office = net.office(name)
    gid = await _first_of(api, office, table) if table else _gid(office)
    result = await api.gql(NODE, {"id": gid}, user=net.member)
    assert result["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


async def test_a_hidden_object_and_a_missing_one_answer_the_same(api: Api, net: Net) -> None:
    hidden = await api.gql(
        NODE, {"id": await _first_of(api, net.sibling, "persons")}, user=net.member
    )
    missing = await api.gql(NODE, {"id": global_id("Person", 999_999)}, user=net.member)
    assert hidden["errors"][0]["message"] == missing["errors"][0]["message"]
    assert hidden["errors"][0]["extensions"] == missing["errors"][0]["extensions"]


async def test_lists_and_counts_hold_only_what_is_readable(api: Api, net: Net) -> None:
    result = await api.gql("{ offices(first: 100) { totalCount nodes { code } } }", user=net.member)
    offices = result["data"]["offices"]
    codes = {node["code"] for node in offices["nodes"]}
    assert codes == {
        net.region.top.code,
        net.mine.code,
        *(county.code for county in net.region.counties(net.mine)),
    }
    assert offices["totalCount"] == len(codes) == 6


async def test_nested_fields_do_not_leak_a_siblings_people_or_targets(api: Api, net: Net) -> None:
    query = """query($id: ID!) { office(id: $id) {
        targets { totalCount nodes { name } }
        people { totalCount }
        subordinates(depth: 3, first: 100) { totalCount nodes { code targets { totalCount } people { totalCount } } }
    } }"""
    region = (await api.gql(query, {"id": _gid(net.region.top)}, user=net.member))["data"]["office"]
    # The region's own targets and people are its own business, not a subordinate's.
    assert region["targets"] == {"totalCount": 0, "nodes": []}
    assert region["people"] == {"totalCount": 0}
    codes = {node["code"] for node in region["subordinates"]["nodes"]}
    assert net.sibling.code not in codes
    assert not codes & {county.code for county in net.region.counties(net.sibling)}
    assert region["subordinates"]["totalCount"] == 5  # mine and its four counties
    mine = next(n for n in region["subordinates"]["nodes"] if n["code"] == net.mine.code)
    assert mine["targets"]["totalCount"] == 5
    assert mine["people"]["totalCount"] == 2


async def test_a_superior_sees_subordinates_targets_but_not_their_people(
    api: Api, net: Net
) -> None:
    query = "query($id: ID!) { office(id: $id) { targets { totalCount } people { totalCount } } }"
    sibling = (await api.gql(query, {"id": _gid(net.sibling)}, user=net.region_admin))["data"][
        "office"
    ]
    assert sibling == {"targets": {"totalCount": 4}, "people": {"totalCount": 0}}
