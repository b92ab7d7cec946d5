"""``extensions.cost`` on every response, equal to the formula documented in docs/graphql.md.

scalar 0 · object 1 + selection · connection 1 + n × item + other fields (n = first, last or
20; edges and pageInfo are free wrappers) · plain object list 10 × (1 + selection) · mutation
field 10 + payload selection · ``__schema``/``__type`` 1 · interface: the dearest type.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from graphql import get_operation_ast, parse

from inspectnet import clock
from inspectnet.db import Database
from inspectnet.http.cost import actual_cost, requested_cost
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.schema import build_schema
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import ADMIN, COST_KEYS, MEMBER, post, refused, serve, sql

SCHEMA = build_schema(development=True)._schema


def cost_of(query: str, variables: dict[str, Any] | None = None, data: Any = ...) -> int:
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    if data is ...:
        return requested_cost(SCHEMA, document, operation, variables or {})
    return actual_cost(SCHEMA, document, operation, variables or {}, data)


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("{ __typename }", None, 0),
        ("{ viewer { username } }", None, 1),
        # a plain list of objects is assumed to hold 10: 10 × (1 + warning 1)
        ("{ rulesets { title warning { redDays } } }", None, 20),
        # 1 + roles (1 + 20 × (1 + office 1))
        ("{ viewer { roles { nodes { role office { name } } } } }", None, 42),
        # default page 20; pageInfo, totalCount and cursors are free
        ("{ offices { totalCount pageInfo { hasNextPage } edges { cursor } } }", None, 1),
        ("{ offices { edges { node { name } } } }", None, 21),
        ("{ offices(first: 5) { nodes { name } } }", None, 6),
        ("{ offices(last: 7) { edges { node { id } } nodes { id } } }", None, 15),
        ("query($n: Int) { offices(first: $n) { nodes { name } } }", {"n": 3}, 4),
        # 1 + 10 × (1 + superiors (1 + 20 × 1) + targets (1 + 3 × (1 + office 1)))
        (
            "{ offices(first: 10) { nodes { name superiors { nodes { name } }"
            " targets(last: 3) { edges { node { name office { code } } } } } } }",
            None,
            291,
        ),
        # the dearest possible type: Office's 1 + (1 + 4 × 1) against Person's 1 + 1
        (
            'query { node(id: "x") { id ... on Office { subordinates(first: 4) { nodes { name } } }'
            " ... on Person { office { name } } } }",
            None,
            6,
        ),
        # fragments are priced where they are spread
        (
            "query { offices(first: 2) { nodes { ...O } } } fragment O on Office { people(first: 3)"
            " { nodes { name } } }",
            None,
            1 + 2 * (1 + 1 + 3),
        ),
        (
            "query($x: Boolean!) { viewer { username } offices @include(if: $x) { nodes { name } } }",
            {"x": False},
            1,
        ),
        (
            "query($x: Boolean!) { viewer { username } offices @include(if: $x) { nodes { name } } }",
            {"x": True},
            22,
        ),
        ("{ offices @skip(if: true) { nodes { name } } }", None, 0),
        ("{ __schema { types { name fields { name } } } }", None, 1),
        # 10 + target (1 + office 1) + userErrors (10 × 1)
        (
            'mutation { createTarget(input: {officeId: "x", name: "n", regionCode: "150200"})'
            " { target { name office { name } } userErrors { code } } }",
            None,
            22,
        ),
        ('mutation { revokeRole(input: {grantId: "x"}) { revokedGrantId } }', None, 10),
    ],
)
def test_requested_cost_follows_the_formula(
    query: str, variables: dict[str, Any] | None, expected: int
) -> None:
    assert cost_of(query, variables) == expected


def test_actual_cost_counts_what_came_back() -> None:
    query = "{ offices(first: 50) { nodes { name superiors { nodes { name } } } } }"
    data = {
        "offices": {
            "nodes": [
                {"name": "a", "superiors": {"nodes": []}},
                {"name": "b", "superiors": {"nodes": [{"name": "a"}]}},
            ]
        }
    }
    assert cost_of(query) == 1 + 50 * (1 + 1 + 20)
    # 1 + (1 + 1 + 0) + (1 + 1 + 1)
    assert cost_of(query, data=data) == 6


def test_actual_cost_of_nulls_and_abstract_types() -> None:
    assert cost_of('{ office(id: "x") { name people { totalCount } } }', data={"office": None}) == 1
    query = (
        'query { node(id: "x") { id ... on Office { subordinates(first: 4) { nodes { name } } }'
        " ... on Person { office { name } } } }"
    )
    person = {"node": {"id": "p", "office": {"name": "o"}}}
    office = {"node": {"id": "o", "subordinates": {"nodes": [{"name": "s"}]}}}
    assert cost_of(query, data=person) == 2
    assert cost_of(query, data=office) == 3
    assert cost_of(query, data=None) == 0


async def test_a_successful_response_reports_requested_actual_and_budget(api: Api) -> None:
    query = "{ offices(first: 50) { totalCount nodes { name superiors { nodes { name } } } } }"
    response = await post(api, {"query": query})
    assert response.status_code == 200
    body = response.json()
    offices = body["data"]["offices"]["nodes"]
    superiors = sum(len(o["superiors"]["nodes"]) for o in offices)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 50 * (1 + 1 + 20 * 1) == 1101
    assert cost["actualQueryCost"] == 1 + sum(1 + 1 for _ in offices) + superiors
    assert cost["throttleStatus"] == {
        "maximumAvailable": 20_000,
        # the clock is frozen: the bucket lost exactly the actual cost
        "currentlyAvailable": 20_000 - cost["actualQueryCost"],
        "restoreRate": 1000.0,
    }


async def test_the_budget_is_per_user_and_spent_by_actual_cost(api: Api) -> None:
    first = (await post(api, {"query": "{ viewer { username } }"})).json()["extensions"]["cost"]
    second = (await post(api, {"query": "{ viewer { username } }"})).json()["extensions"]["cost"]
    other = (await post(api, {"query": "{ viewer { username } }"}, user=MEMBER)).json()[
        "extensions"
    ]["cost"]
    assert first["throttleStatus"]["currentlyAvailable"] == 19_999
    assert second["throttleStatus"]["currentlyAvailable"] == 19_998
    assert other["throttleStatus"]["currentlyAvailable"] == 19_999


@pytest.mark.parametrize(
    ("body", "status", "code", "user"),
    [
        ({"query": "{ viewer { usernme } }"}, 200, "GRAPHQL_VALIDATION_FAILED", ADMIN),
        ({"query": "{ viewer { "}, 200, "GRAPHQL_PARSE_FAILED", ADMIN),
        ({"query": "{ viewer { username } }"}, 401, "UNAUTHENTICATED", None),
        ({"qeury": "{ viewer { username } }"}, 400, "BAD_REQUEST", ADMIN),
        ([{"query": "{ viewer { username } }"}], 400, "BATCHING_DISABLED", ADMIN),
        (
            {
                "query": "query($n: Int!) { offices(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            },
            200,
            "INVALID_VARIABLES",
            ADMIN,
        ),
    ],
)
async def test_every_refusal_carries_extensions_cost(
    api: Api, body: Any, status: int, code: str, user: str | None
) -> None:
    response = await post(api, body, user=user)
    cost = refused(response, status, code)["extensions"]["cost"]
    assert cost["requestedQueryCost"] is None and cost["actualQueryCost"] == 0
    if user is None:
        assert cost["throttleStatus"] is None  # nobody to charge
    elif code in ("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "INVALID_VARIABLES"):
        assert cost["throttleStatus"]["currentlyAvailable"] == 20_000


async def test_a_field_error_still_reports_cost(api: Api) -> None:
    response = await post(api, {"query": '{ office(id: "bad") { name } }'})
    body = response.json()
    assert response.status_code == 200 and body["data"] == {"office": None}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1
    assert body["extensions"]["cost"]["actualQueryCost"] == 1


async def test_over_budget_is_429_with_retry_after_and_no_sql(
    db: Database, settings: Settings
) -> None:
    query = "{ offices(first: 29) { nodes { name } } }"  # requested 30
    async with serve(
        db,
        settings,
        graphql_cost_budget=30,
        graphql_max_query_cost=30,
        graphql_cost_restore_rate=2.0,
    ) as api:
        first = await post(api, {"query": query})
        assert first.status_code == 200, first.text
        cost = first.json()["extensions"]["cost"]
        actual = cost["actualQueryCost"]
        assert cost["throttleStatus"]["currentlyAvailable"] == 30 - actual
        with sql(api) as statements:
            second = await post(api, {"query": query})
        body = refused(second, 429, "RATE_LIMITED")
        assert statements.count == 0
        # 30 wanted, 30 − actual held, 2 points a second
        assert second.headers["retry-after"] == str(-(-actual // 2))
        assert body["extensions"]["cost"]["requestedQueryCost"] == 30
        assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 30 - actual
        with clock.frozen(clock.now() + timedelta(seconds=int(second.headers["retry-after"]))):
            third = await post(api, {"query": query})
        assert third.status_code == 200, third.text


async def test_a_request_dearer_than_the_maximum_is_200_or_400_by_media_type(api: Api) -> None:
    query = "{ offices(first: 100) { nodes { subordinates(first: 100) { nodes { name } } } } }"
    refused(await post(api, {"query": query}), 200, "QUERY_TOO_COSTLY")
    refused(
        await post(api, {"query": query}, accept="application/graphql-response+json"),
        400,
        "QUERY_TOO_COSTLY",
    )


async def test_a_mutation_costs_10_plus_its_payload(api: Api, home: Office) -> None:
    office = global_id("Office", home.id)
    query = (
        "mutation($input: CreateTargetInput!) { createTarget(input: $input)"
        " { target { name office { name } } userErrors { code } } }"
    )
    variables = {"input": {"officeId": office, "name": "包头市测试局", "regionCode": "150200"}}
    response = await post(api, {"query": query, "variables": variables})
    body = response.json()
    assert body["data"]["createTarget"]["userErrors"] == [], body
    assert body["extensions"]["cost"]["requestedQueryCost"] == 22
    assert body["extensions"]["cost"]["actualQueryCost"] == 12  # 10 + target 1 + office 1


def test_cost_keys_are_shopifys() -> None:
    assert {"requestedQueryCost", "actualQueryCost", "throttleStatus"} == COST_KEYS
