"""Keyset pages: walking a list forwards and backwards gives every item once, in order."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  offices(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code } }
  } }"""


async def _page(api: Api, **args: Any) -> dict[str, Any]:
    result = await api.gql(PAGE, args, user="region_admin")
    assert "errors" not in result, result
    return result["data"]["offices"]  # type: ignore[no-any-return]


async def test_forward_pages_cover_the_list_once(api: Api) -> None:
    everything = await _page(api, first=100)
    codes = [edge["node"]["code"] for edge in everything["edges"]]
    assert (
        len(codes) == everything["totalCount"] == 23
    )  # region + 12 leagues + 7 counties + 3 departments
    seen, after = [], None
    while True:
        page = await _page(api, first=5, after=after)
        assert page["totalCount"] == 23
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert page["edges"][-1]["cursor"] == after
    assert seen == codes


async def test_backward_pages_cover_the_list_once_in_the_same_order(api: Api) -> None:
    codes = [edge["node"]["code"] for edge in (await _page(api, first=100))["edges"]]
    seen: list[str] = []
    before = None
    while True:
        page = await _page(api, last=4, before=before)
        seen = [edge["node"]["code"] for edge in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == codes


async def test_bad_page_arguments_are_refused_with_a_code(api: Api) -> None:
    both = await api.gql(PAGE, {"first": 2, "last": 2}, user="region_admin")
    assert both["errors"][0]["extensions"]["code"] == "INVALID_PAGINATION"
    cursor = await api.gql(PAGE, {"first": 2, "after": "bm90LWEtY3Vyc29y"}, user="region_admin")
    assert cursor["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
