"""Keyset pages: walking a list forwards and backwards gives every item once, in order."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from inspectnet.ids import MAX_PK as MAX_KEY
from inspectnet.paging import encode_cursor
from tests.conftest import Api
from tests.factories import make_region, make_user

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  offices(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code } }
  } }"""


# A top office, three liaison bodies and three offices under each: what its admin reads.
OFFICES = 1 + 3 + 3 * 3


@pytest.fixture
async def admin(api: Api, system: Any) -> str:
    session, actor = system
    region = await make_region(session, actor, subordinates=3, counties=3)
    user = await make_user(session, actor, region.top)
    await session.commit()
    await api.reload_policy()
    return user.username


async def _page(api: Api, admin: str, **args: Any) -> dict[str, Any]:
    result = await api.gql(PAGE, args, user=admin)
    assert "errors" not in result, result
    return result["data"]["offices"]  # type: ignore[no-any-return]


async def test_forward_pages_cover_the_list_once(api: Api, admin: str) -> None:
    everything = await _page(api, admin, first=100)
    codes = [edge["node"]["code"] for edge in everything["edges"]]
    assert len(codes) == everything["totalCount"] == OFFICES
    seen, after = [], None
    while True:
        page = await _page(api, admin, first=5, after=after)
        assert page["totalCount"] == OFFICES
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert page["edges"][-1]["cursor"] == after
    assert seen == codes


async def test_backward_pages_cover_the_list_once_in_the_same_order(api: Api, admin: str) -> None:
    codes = [edge["node"]["code"] for edge in (await _page(api, admin, first=100))["edges"]]
    seen: list[str] = []
    before = None
    while True:
        page = await _page(api, admin, last=4, before=before)
        seen = [edge["node"]["code"] for edge in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == codes


async def test_bad_page_arguments_are_refused_with_a_code(api: Api, admin: str) -> None:
    both = await api.gql(PAGE, {"first": 2, "last": 2}, user=admin)
    assert both["errors"][0]["extensions"]["code"] == "INVALID_PAGINATION"
    cursor = await api.gql(PAGE, {"first": 2, "after": "bm90LWEtY3Vyc29y"}, user=admin)
    assert cursor["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(f"cursor:{MAX_KEY + 1}"),  # past PostgreSQL's integer: a driver error before
        _cursor("cursor:99999999999999999999999"),  # past 64 bits: an overflow in SQLite before
        _cursor("cursor:-1"),
        _cursor("cursor:²"),  # a digit to str.isdigit(), not to int()
        _cursor("cursor:"),
        _cursor("offset:5"),
        "%%%not-base64",
        "",
    ],
)
async def test_a_cursor_naming_no_possible_key_is_invalid_not_a_server_error(
    api: Api, admin: str, direction: str, cursor: str
) -> None:
    response = await api.post(
        PAGE,
        {"first" if direction == "after" else "last": 2, direction: cursor},
        user=admin,
    )
    assert response.status_code == 200, response.text
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INVALID_CURSOR", "field": direction}
    assert error["message"] == "无效的分页游标"


async def test_the_largest_key_is_a_valid_cursor_with_nothing_after_it(
    api: Api, admin: str
) -> None:
    page = await _page(api, admin, first=5, after=encode_cursor(MAX_KEY))
    assert page["edges"] == []
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["totalCount"] == OFFICES
