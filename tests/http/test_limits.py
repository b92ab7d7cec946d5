"""Hostile documents are refused after parsing and before any resolver runs: no SQL at all."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.http.apps import post, refused, sql


def nested(levels: int, page: str = "") -> str:
    """A query exactly ``levels`` fields deep: offices, nodes, superiors, nodes, …, a leaf."""
    names = [f"offices{page}"]
    names += [("nodes" if i % 2 else f"superiors{page}") for i in range(1, levels - 1)]
    leaf = "name" if names[-1] == "nodes" else "totalCount"
    return "{ " + " { ".join(names) + f" {{ {leaf}" + " }" * (levels - 1) + " }"


async def test_a_20_level_deep_query_is_refused_without_sql(api: Api) -> None:
    with sql(api) as statements:
        response = await post(api, {"query": nested(20)})
    body = refused(response, 200, "QUERY_TOO_DEEP")
    assert "12" in body["errors"][0]["message"]
    assert statements.count == 0


async def test_the_depth_limit_is_inclusive(api: Api) -> None:
    at_limit = await post(api, {"query": nested(12, page="(first: 1)")})
    assert at_limit.status_code == 200 and "errors" not in at_limit.json(), at_limit.text
    refused(await post(api, {"query": nested(13, page="(first: 1)")}), 200, "QUERY_TOO_DEEP")


async def test_depth_counts_through_fragments_and_stops_on_cycles(api: Api) -> None:
    spread = (
        "query { offices(first: 1) { nodes { ...Up } } }"
        " fragment Up on Office { superiors(first: 1) { nodes { name ...Up } } }"
    )
    with sql(api) as statements:
        response = await post(api, {"query": spread})
    refused(response, 200, "QUERY_TOO_DEEP")
    assert statements.count == 0


async def test_a_thousand_aliases_are_refused_without_sql(api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    with sql(api) as statements:
        response = await post(api, {"query": query})
    refused(response, 200, "TOO_MANY_ALIASES")
    assert statements.count == 0


async def test_a_100k_token_document_is_refused_without_sql(api: Api) -> None:
    # The lexer stops at the limit; how fast that is belongs in bench/, not here.
    query = "{ viewer { " + "username " * 100_000 + "} }"
    with sql(api) as statements:
        response = await post(api, {"query": query})
    refused(response, 200, "TOO_MANY_TOKENS")
    assert statements.count == 0


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ offices(first: 10000) { totalCount } }", None),
        ("query($n: Int) { offices(first: $n) { totalCount } }", {"n": 10000}),
        ("{ offices(last: 101) { totalCount } }", None),
        ("{ offices(first: -1) { totalCount } }", None),
        ("{ offices(first: 1) { nodes { people(first: 10000) { totalCount } } } }", None),
        ('{ node(id: "x") { ... on Target { roster(first: 10000) { totalCount } } } }', None),
    ],
)
async def test_a_page_size_over_100_is_refused_without_sql(
    api: Api,
    query: str,
    variables: dict | None,  # type: ignore[type-arg]
) -> None:
    with sql(api) as statements:
        response = await post(api, {"query": query, "variables": variables})
    body = refused(response, 200, "PAGE_SIZE_OUT_OF_RANGE")
    assert body["errors"][0]["extensions"]["field"] in ("first", "last")
    assert body["extensions"]["cost"]["requestedQueryCost"] is None
    assert statements.count == 0


async def test_a_field_repeated_at_one_level_is_refused_before_validation(api: Api) -> None:
    # graphql-core compares every pair of same-named fields: 300 copies take about a second.
    # The code shows the shape check answered, not validation (speed belongs in bench/).
    query = "{ " + " ".join(["offices { nodes { name } }"] * 300) + " }"
    with sql(api) as statements:
        response = await post(api, {"query": query})
    refused(response, 200, "TOO_MANY_REPEATED_FIELDS")
    assert statements.count == 0


async def test_a_query_over_the_cost_maximum_is_refused_without_sql(api: Api) -> None:
    # 1 + 100 × (1 + 1 + 100 × 1) = 10,201 > 10,000
    query = "{ offices(first: 100) { nodes { subordinates(first: 100) { nodes { name } } } } }"
    with sql(api) as statements:
        response = await post(api, {"query": query})
    body = refused(response, 200, "QUERY_TOO_COSTLY")
    assert body["errors"][0]["extensions"]["cost"] == 10_201
    assert body["errors"][0]["extensions"]["maximumCost"] == 10_000
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10_201
    assert body["extensions"]["cost"]["actualQueryCost"] == 0
    assert statements.count == 0
