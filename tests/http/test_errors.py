"""Unexpected errors masked and logged with the request id; introspection, GraphiQL and field
suggestions only in development."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from inspectnet import schema as schema_module
from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import post, refused, serve, sql


@pytest.fixture
async def production(db: Database, settings: Settings) -> AsyncIterator[Api]:
    async with serve(db, settings, development=False) as api:
        yield api


async def test_an_unexpected_exception_is_masked_and_logged_with_the_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(_info: object, _id: str) -> None:
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(schema_module, "resolve_node", broken)
    with caplog.at_level(logging.ERROR, logger="inspectnet.graphql"):
        response = await post(
            api, {"query": '{ node(id: "x") { id } }'}, **{"x-request-id": "req-42"}
        )
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"node": None}
    assert body["errors"] == [
        {
            "message": "Unexpected error.",
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
            "path": ["node"],
        }
    ]
    assert "secret" not in response.text
    logged = [r for r in caplog.records if "req-42" in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "secret" in str(logged[0].exc_info[1])


async def test_domain_errors_are_shown_as_they_are(api: Api) -> None:
    body = (await post(api, {"query": '{ office(id: "bad") { name } }'})).json()
    assert body["errors"][0]["extensions"] == {"code": "INVALID_ID", "field": "id"}
    assert body["errors"][0]["message"] == "无效的对象标识"


async def test_introspection_is_refused_in_production_without_sql(production: Api) -> None:
    with sql(production) as statements:
        response = await post(production, {"query": "{ __schema { types { name } } }"})
        by_type = await post(production, {"query": '{ __type(name: "Office") { name } }'})
    refused(response, 200, "GRAPHQL_VALIDATION_FAILED")
    refused(by_type, 200, "GRAPHQL_VALIDATION_FAILED")
    assert statements.count == 0
    typename = await post(production, {"query": "{ __typename viewer { __typename } }"})
    assert typename.json()["data"] == {"__typename": "Query", "viewer": {"__typename": "Viewer"}}


async def test_introspection_works_in_development(api: Api) -> None:
    from graphql import get_introspection_query

    response = await post(api, {"query": get_introspection_query(descriptions=True)})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ viewer { usernme } }", None),
        ("{ offices { nodes { superiors(kind: LEADERSHP) { totalCount } } } }", None),
        (
            "query($k: LinkKind!) { offices { nodes { superiors(kind: $k) { totalCount } } } }",
            {"k": "LEADERSHP"},
        ),
        (
            "mutation($i: CreateTargetInput!) { createTarget(input: $i) { userErrors { code } } }",
            {"i": {"officeID": "x", "name": "n", "regionCode": "150200"}},
        ),
    ],
)
async def test_no_did_you_mean_in_production(
    api: Api, production: Api, query: str, variables: dict[str, object] | None
) -> None:
    development = (await post(api, {"query": query, "variables": variables})).json()
    assert any("Did you mean" in e["message"] for e in development["errors"]), development
    hidden = (await post(production, {"query": query, "variables": variables})).json()
    assert hidden["errors"], hidden
    assert all("Did you mean" not in e["message"] for e in hidden["errors"]), hidden


async def test_graphiql_only_in_development(api: Api, production: Api) -> None:
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    refused(
        await production.client.get("/graphql", headers={"accept": "text/html"}),
        406,
        "NOT_ACCEPTABLE",
    )


async def test_a_failure_outside_resolvers_is_a_masked_500(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from inspectnet.http import execute

    async def broken(*_args: object) -> None:
        # a bug, not an outage (a lost database is 503: tests/reliability/test_crash_safety.py)
        raise RuntimeError("bad state talking to postgres://secret@db")

    monkeypatch.setattr(execute, "actor_for_subject", broken)
    with caplog.at_level(logging.ERROR, logger="inspectnet.graphql"):
        response = await post(
            api, {"query": "{ viewer { username } }"}, **{"x-request-id": "req-7"}
        )
    body = refused(response, 500, "INTERNAL_SERVER_ERROR")
    assert body["errors"][0] == {
        "message": "Unexpected error.",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-7"},
    }
    assert "secret" not in response.text
    assert any("req-7" in r.getMessage() and r.exc_info for r in caplog.records)
