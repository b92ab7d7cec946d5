"""``filter`` and ``orderBy`` on connections: keyset pages under every order, typed filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from inspectnet.clock import CHINA
from inspectnet.network.models import Office, OfficeKind
from tests.conftest import FROZEN_AT, Api
from tests.factories import make_office, make_user

OFFICES = """query($first: Int, $after: String, $last: Int, $before: String,
                   $filter: OfficeFilter, $orderBy: OfficeOrder) {
  offices(first: $first, after: $after, last: $last, before: $before,
          filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id code name kind } }
  } }"""

BY_NAME = {"field": "NAME", "direction": "ASC"}
BY_NAME_DESC = {"field": "NAME", "direction": "DESC"}


LIAISON_BODIES = (
    "包头联络组",
    "赤峰联络组",
    "呼和浩特联络组",
    "鄂尔多斯联络组",
    "乌海联络组",
    "通辽联络组",
)
COUNTIES = {
    "包头联络组": ("包头青山区巡察办", "包头昆区巡察办"),
    "赤峰联络组": ("赤峰红山区巡察办",),
}
DEPARTMENTS = ("自然资源厅巡察办", "交通运输厅巡察办", "水利厅巡察办")
# The top office, its liaison bodies, their counties and the departments: what its admin reads.
OFFICE_COUNT = 1 + len(LIAISON_BODIES) + 3 + len(DEPARTMENTS)


@dataclass(frozen=True)
class Net:
    top: Office
    baotou: Office
    counties: tuple[Office, ...]
    admin: str


@pytest.fixture
async def net(api: Api, system: Any) -> Net:
    """A region shaped like the demo's, named so that name order differs from id order."""
    session, actor = system
    top = await make_office(
        session, actor, kind=OfficeKind.REGIONAL_OFFICE, name="测试自治区巡视办"
    )
    bodies = {}
    for name in LIAISON_BODIES:
        bodies[name] = await make_office(
            session, actor, superior=top, kind=OfficeKind.LIAISON_BODY, name=name
        )
    counties = {
        name: await make_office(session, actor, superior=bodies[body], name=name)
        for body, names in COUNTIES.items()
        for name in names
    }
    for name in DEPARTMENTS:
        await make_office(
            session, actor, superior=top, kind=OfficeKind.DEPARTMENTAL_PATROL_OFFICE, name=name
        )
    admin = await make_user(session, actor, top)
    await session.commit()
    await api.reload_policy()
    baotou_counties = tuple(counties[name] for name in COUNTIES["包头联络组"])
    return Net(top, bodies["包头联络组"], baotou_counties, admin.username)


async def _offices(api: Api, net: Net, **args: Any) -> dict[str, Any]:
    result = await api.gql(OFFICES, args, user=net.admin)
    assert "errors" not in result, result
    return result["data"]["offices"]  # type: ignore[no-any-return]


def _names(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in page["edges"]]


async def test_a_list_in_name_order_is_sorted_and_its_pages_cover_it_once(
    api: Api, net: Net
) -> None:
    everything = await _offices(api, net, first=100, orderBy=BY_NAME)
    names = _names(everything)
    assert len(names) == everything["totalCount"] == OFFICE_COUNT
    assert names == sorted(names)  # the test databases collate by code point (C.UTF-8, SQLite)

    seen, after = [], None
    while True:
        page = await _offices(api, net, first=4, after=after, orderBy=BY_NAME)
        seen += _names(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == names

    backwards: list[str] = []
    before = None
    while True:
        page = await _offices(api, net, last=5, before=before, orderBy=BY_NAME)
        backwards = _names(page) + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backwards == names


async def test_descending_order_is_the_ascending_one_reversed_page_by_page(
    api: Api, net: Net
) -> None:
    names = _names(await _offices(api, net, first=100, orderBy=BY_NAME))
    first = await _offices(api, net, first=6, orderBy=BY_NAME_DESC)
    second = await _offices(
        api, net, first=6, after=first["pageInfo"]["endCursor"], orderBy=BY_NAME_DESC
    )
    assert _names(first) + _names(second) == list(reversed(names))[:12]


async def test_a_cursor_made_under_another_order_is_refused_with_a_clear_error(
    api: Api, net: Net
) -> None:
    by_name = await _offices(api, net, first=3, orderBy=BY_NAME)
    by_id = await _offices(api, net, first=3)
    for cursor, order in (
        (by_name["pageInfo"]["endCursor"], None),
        (by_id["pageInfo"]["endCursor"], BY_NAME),
        (by_name["pageInfo"]["endCursor"], BY_NAME_DESC),
    ):
        result = await api.gql(
            OFFICES, {"first": 3, "after": cursor, "orderBy": order}, user=net.admin
        )
        assert result["data"] is None
        [error] = result["errors"]
        assert error["extensions"]["code"] == "CURSOR_ORDER_MISMATCH"
        assert error["extensions"]["field"] == "after"
        assert "排序" in error["message"]


async def test_filters_narrow_the_list_and_its_total(api: Api, net: Net) -> None:
    everything = (await _offices(api, net, first=100))["edges"]
    baotou = next(e["node"] for e in everything if e["node"]["code"] == net.baotou.code)

    departments = await _offices(api, net, first=100, filter={"kind": "DEPARTMENTAL_PATROL_OFFICE"})
    assert departments["totalCount"] == len(departments["edges"]) == len(DEPARTMENTS)
    assert {e["node"]["kind"] for e in departments["edges"]} == {"DEPARTMENTAL_PATROL_OFFICE"}

    subtree = await _offices(api, net, first=100, filter={"within": baotou["id"]})
    codes = [e["node"]["code"] for e in subtree["edges"]]
    assert codes[0] == net.baotou.code and len(codes) == subtree["totalCount"] > 1
    assert set(codes) == {net.baotou.code, *(county.code for county in net.counties)}, codes

    named = await _offices(api, net, first=100, filter={"nameContains": "包头"})
    assert named["totalCount"] == 3  # 包头's liaison body and its two counties
    assert all("包头" in name for name in _names(named))

    nothing = await _offices(api, net, first=100, filter={"nameContains": "%"})
    assert nothing["totalCount"] == 0  # a LIKE wildcard is matched as itself


async def test_a_filter_and_an_order_page_together(api: Api, net: Net) -> None:
    only = {"kind": "LIAISON_BODY"}
    names = _names(await _offices(api, net, first=100, filter=only, orderBy=BY_NAME_DESC))
    assert names == sorted(names, reverse=True) and len(names) == len(LIAISON_BODIES)
    first = await _offices(api, net, first=5, filter=only, orderBy=BY_NAME_DESC)
    rest = await _offices(
        api, net, first=100, after=first["pageInfo"]["endCursor"], filter=only, orderBy=BY_NAME_DESC
    )
    assert _names(first) + _names(rest) == names
    assert rest["totalCount"] == len(LIAISON_BODIES)


async def test_a_bad_filter_is_refused_on_its_field_and_nothing_is_listed(
    api: Api, net: Net
) -> None:
    reversed_range = {
        "createdAt": {"from": "2026-12-01T00:00:00+08:00", "to": "2026-01-01T00:00:00+08:00"}
    }
    result = await api.gql(OFFICES, {"first": 5, "filter": reversed_range}, user=net.admin)
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "INVALID_RANGE"
    assert error["extensions"]["field"] == "filter.createdAt"

    bad_id = await api.gql(OFFICES, {"first": 5, "filter": {"within": "nope"}}, user=net.admin)
    assert bad_id["data"] is None
    assert bad_id["errors"][0]["extensions"]["field"] == "filter.within"


SIBLINGS = """query($filter: OfficeFilter, $orderBy: OfficeOrder) {
  offices(first: 100, filter: {kind: REGIONAL_OFFICE}) { nodes {
    code
    subordinates(first: 3, filter: $filter, orderBy: $orderBy) {
      totalCount nodes { name kind }
    }
  } } }"""


async def test_sibling_lists_are_ordered_and_filtered_each_in_one_batch(api: Api, net: Net) -> None:
    result = await api.gql(
        SIBLINGS,
        {"filter": {"kind": "LIAISON_BODY"}, "orderBy": BY_NAME_DESC},
        user=net.admin,
    )
    assert "errors" not in result, result
    for office in result["data"]["offices"]["nodes"]:
        page = office["subordinates"]
        names = [n["name"] for n in page["nodes"]]
        assert names == sorted(names, reverse=True)
        assert {n["kind"] for n in page["nodes"]} <= {"LIAISON_BODY"}
    region = next(o for o in result["data"]["offices"]["nodes"] if o["code"] == net.top.code)
    # the departments below the top are filtered out
    assert region["subordinates"]["totalCount"] == len(LIAISON_BODIES)


async def test_a_datetime_without_an_offset_is_beijing_time_and_a_bad_one_says_the_rule(
    api: Api, net: Net
) -> None:
    everything = await _offices(api, net, first=100)
    # The offices are recorded at the frozen clock. Its Beijing wall time, sent without an offset,
    # is that instant: a second before it selects nothing (read as UTC it would select all).
    wall = FROZEN_AT.astimezone(CHINA).replace(tzinfo=None)
    before = (wall - timedelta(seconds=1)).isoformat()
    naive = await _offices(api, net, first=100, filter={"createdAt": {"to": before}})
    assert naive["totalCount"] == 0
    since = await _offices(api, net, first=100, filter={"createdAt": {"from": wall.isoformat()}})
    assert since["totalCount"] == len(everything["edges"])
    bad = await api.gql(
        OFFICES, {"first": 1, "filter": {"createdAt": {"from": "yesterday"}}}, user=net.admin
    )
    assert bad.get("data") is None
    assert "北京时间" in bad["errors"][0]["message"]
    assert "ISO 8601" in bad["errors"][0]["message"]
