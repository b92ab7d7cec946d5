"""GraphQL over HTTP (graphql.github.io/graphql-over-http), through the real FastAPI app."""

from __future__ import annotations

import json

import pytest

from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import ADMIN, COST_KEYS, PREFLIGHT, auth, post, refused, serve, sql

GRAPHQL_RESPONSE = "application/graphql-response+json"
VIEWER = "{ viewer { username } }"
MUTATION = 'mutation { revokeRole(input: {grantId: "x"}) { revokedGrantId } }'


def media(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers["content-type"].split(";")[0]


# --- media types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE}, application/json", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", "application/json"),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE};q=0.9", GRAPHQL_RESPONSE),
        ("*/*", "application/json"),
        ("text/html, */*;q=0.8", "application/json"),
        # no Accept at all: graphql-response+json, as the spec says after 1 January 2025
        (None, GRAPHQL_RESPONSE),
    ],
)
async def test_the_response_media_type_follows_accept(
    api: Api, accept: str | None, expected: str
) -> None:
    response = await post(api, {"query": VIEWER}, accept=accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert response.headers["content-type"].endswith("charset=utf-8")
    assert response.json()["data"] == {"viewer": {"username": ADMIN}}


@pytest.mark.parametrize("accept", ["text/html", "application/xml", f"{GRAPHQL_RESPONSE};q=0"])
async def test_an_unacceptable_accept_is_406_without_sql(api: Api, accept: str) -> None:
    with sql(api) as statements:
        response = await post(api, {"query": VIEWER}, accept=accept)
    refused(response, 406, "NOT_ACCEPTABLE")
    assert media(response) == "application/json"
    assert statements.count == 0


# --- status codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer { ", "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        (
            "query A { viewer { username } } query B { viewer { account { id } } }",
            "OPERATION_RESOLUTION_FAILURE",
        ),
    ],
)
async def test_request_errors_are_200_as_json_and_400_as_graphql_response(
    api: Api, query: str, code: str
) -> None:
    with sql(api) as statements:
        as_json = await post(api, {"query": query})
        as_graphql = await post(api, {"query": query}, accept=GRAPHQL_RESPONSE)
    refused(as_json, 200, code)
    refused(as_graphql, 400, code)
    assert media(as_graphql) == GRAPHQL_RESPONSE
    assert statements.count == 0


async def test_invalid_variables_are_a_request_error_without_sql(api: Api) -> None:
    body = {"query": "query($n: Int!) { offices(first: $n) { totalCount } }", "variables": {}}
    with sql(api) as statements:
        refused(await post(api, body), 200, "INVALID_VARIABLES")
        refused(await post(api, body, accept=GRAPHQL_RESPONSE), 400, "INVALID_VARIABLES")
    assert statements.count == 0


async def test_a_field_error_is_200_with_data_for_both_media_types(api: Api) -> None:
    for accept in ("application/json", GRAPHQL_RESPONSE):
        response = await post(api, {"query": '{ office(id: "bad") { name } }'}, accept=accept)
        body = response.json()
        assert response.status_code == 200
        assert body["data"] == {"office": None}
        assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_an_unknown_operation_name_is_a_request_error(api: Api) -> None:
    body = {"query": "query A { viewer { username } }", "operationName": "B"}
    refused(await post(api, body, accept=GRAPHQL_RESPONSE), 400, "OPERATION_RESOLUTION_FAILURE")


async def test_the_named_operation_runs(api: Api) -> None:
    body = {
        "query": "query A { viewer { username } } query B { viewer { person { id } } }",
        "operationName": "A",
    }
    response = await post(api, body)
    assert response.json()["data"] == {"viewer": {"username": ADMIN}}


async def test_a_missing_token_is_401_with_a_challenge(api: Api) -> None:
    response = await post(api, {"query": VIEWER}, user=None)
    refused(response, 401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_request_verifies_its_token_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspectnet.accounts import signin, tokens
    from inspectnet.http import operation

    verified: list[str] = []

    def counting(settings: Settings, token: str) -> str:
        verified.append(token)
        return tokens.verify_token(settings, token)

    monkeypatch.setattr(operation, "verify_token", counting)
    monkeypatch.setattr(signin, "verify_token", counting)
    response = await post(api, {"query": VIEWER})
    assert response.json()["data"]["viewer"]["username"] == ADMIN
    assert len(verified) == 1


async def test_every_response_carries_a_request_id(api: Api) -> None:
    mine = await post(api, {"query": VIEWER}, **{"x-request-id": "req-123"})
    assert mine.headers["x-request-id"] == "req-123"
    assert (await post(api, {"query": "{"})).headers["x-request-id"]


# --- GET ----------------------------------------------------------------------------------


async def test_get_runs_a_query(api: Api) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": '{"id": "x"}'},
        headers=auth(api, **PREFLIGHT),
    )
    body = response.json()
    assert response.status_code == 200 and body["data"] == {"node": None}
    assert set(body["extensions"]["cost"]) == COST_KEYS


async def test_get_with_a_mutation_is_405_and_nothing_runs(api: Api) -> None:
    with sql(api) as statements:
        response = await api.client.get(
            "/graphql", params={"query": MUTATION}, headers=auth(api, **PREFLIGHT)
        )
    refused(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"
    assert statements.count == 0


async def test_get_picks_the_operation_by_name_before_refusing(api: Api) -> None:
    query = f"query Q {{ viewer {{ username }} }} mutation M {MUTATION.removeprefix('mutation ')}"
    ok = await api.client.get(
        "/graphql", params={"query": query, "operationName": "Q"}, headers=auth(api, **PREFLIGHT)
    )
    assert ok.status_code == 200 and ok.json()["data"]["viewer"]["username"] == ADMIN
    mutation = await api.client.get(
        "/graphql", params={"query": query, "operationName": "M"}, headers=auth(api, **PREFLIGHT)
    )
    refused(mutation, 405, "METHOD_NOT_ALLOWED")


async def test_get_without_a_preflight_header_is_refused_as_csrf(api: Api) -> None:
    with sql(api) as statements:
        response = await api.client.get("/graphql", params={"query": VIEWER}, headers=auth(api))
    refused(response, 400, "CSRF_PREFLIGHT_REQUIRED")
    assert statements.count == 0


@pytest.mark.parametrize(
    "header",
    [
        {"graphql-require-preflight": "1"},
        {"apollo-require-preflight": "true"},
        {"x-apollo-operation-name": "Viewer"},
        {"content-type": "application/json"},
    ],
)
async def test_get_with_a_non_simple_header_passes_the_csrf_check(
    api: Api, header: dict[str, str]
) -> None:
    response = await api.client.get(
        "/graphql", params={"query": VIEWER}, headers=auth(api, **header)
    )
    assert response.status_code == 200, response.text


async def test_get_with_bad_json_variables_is_400(api: Api) -> None:
    response = await api.client.get(
        "/graphql", params={"query": VIEWER, "variables": "{"}, headers=auth(api, **PREFLIGHT)
    )
    refused(response, 400, "BAD_REQUEST")


# --- POST bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "status", "code"),
    [
        ("text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("multipart/form-data; boundary=x", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("application/json; charset=latin-1", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("application/json; charset=utf-8", 200, None),
    ],
)
async def test_post_bodies_must_be_utf8_json(
    api: Api, content_type: str, status: int, code: str | None
) -> None:
    with sql(api) as statements:
        response = await api.client.post(
            "/graphql",
            content=json.dumps({"query": VIEWER}).encode(),
            headers=auth(api, **{"content-type": content_type}),
        )
    if code is None:
        assert response.status_code == status, response.text
        return
    refused(response, status, code)
    assert statements.count == 0


async def test_a_post_without_content_type_is_415(api: Api) -> None:
    request = api.client.build_request(
        "POST", "/graphql", content=json.dumps({"query": VIEWER}).encode(), headers=auth(api)
    )
    request.headers.pop("content-type", None)
    refused(await api.client.send(request), 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "raw",
    [
        b"NONSENSE",
        b'{"query":',
        b'"a string"',
        b'{"qeury": "{ viewer { username } }"}',
        b'{"query": 7}',
        b'{"query": "{ viewer { username } }", "variables": [7]}',
        b'{"query": "{ viewer { username } }", "operationName": 7}',
        b'{"query": "{ viewer { username } }", "extensions": "x"}',
    ],
)
async def test_malformed_requests_are_400_for_both_media_types(api: Api, raw: bytes) -> None:
    for accept in ("application/json", GRAPHQL_RESPONSE):
        with sql(api) as statements:
            response = await api.client.post(
                "/graphql",
                content=raw,
                headers=auth(api, **{"content-type": "application/json", "accept": accept}),
            )
        refused(response, 400, "BAD_REQUEST")
        assert statements.count == 0


async def test_a_body_over_the_limit_is_413(api: Api) -> None:
    query = "{ viewer { username } }" + " " * 1_000_001
    refused(await post(api, {"query": query}), 413, "PAYLOAD_TOO_LARGE")


async def test_other_methods_are_405(api: Api) -> None:
    response = await api.client.put("/graphql", json={"query": VIEWER}, headers=auth(api))
    assert response.status_code == 405


# --- batching -----------------------------------------------------------------------------


async def test_batches_are_refused_unless_enabled(api: Api) -> None:
    with sql(api) as statements:
        response = await post(api, [{"query": VIEWER}, {"query": VIEWER}])
    refused(response, 400, "BATCHING_DISABLED")
    assert statements.count == 0


async def test_an_enabled_batch_answers_each_request(db: Database, settings: Settings) -> None:
    async with serve(db, settings, graphql_batching=True, graphql_batch_max=3) as api:
        response = await post(api, [{"query": VIEWER}, {"query": "{ nope }"}])
        assert response.status_code == 200
        first, second = response.json()
        assert first["data"] == {"viewer": {"username": ADMIN}}
        assert second["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert set(first["extensions"]["cost"]) == set(second["extensions"]["cost"]) == COST_KEYS
        refused(await post(api, [{"query": VIEWER}] * 4), 400, "BAD_REQUEST")
        refused(await post(api, []), 400, "BAD_REQUEST")
