"""Helpers for the endpoint's tests: an app with other settings, and raw HTTP requests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx

from inspectnet.app import create_app
from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.keys import keyring_restored, production_keys_dir
from tests.sqlcount import Statements, count_statements

COST_KEYS = {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
PREFLIGHT = {"graphql-require-preflight": "1"}


@asynccontextmanager
async def serve(db: Database, settings: Settings, **overrides: Any) -> AsyncIterator[Api]:
    """The real app on ``db`` with some settings changed (e.g. ``development=False``)."""
    changed = settings.model_copy(update=overrides)
    if not changed.development and "keys_dir" not in overrides:
        # Production refuses the development keyring (and its secrets mounted as files).
        changed = changed.model_copy(update={"keys_dir": production_keys_dir()})
    with keyring_restored():
        app = create_app(changed, database=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            api = Api(client, settings, app)
            await api.reload_policy()
            yield api


@contextmanager
def sql(api: Api) -> Iterator[Statements]:
    """The statements the app issues inside the block."""
    with count_statements(api.app.state.graphql.database.sync_engine) as seen:
        yield seen


def auth(api: Api, user: str = "baotou_admin", **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(user)}", **headers}


async def post(
    api: Api,
    body: Any,
    *,
    user: str | None = "baotou_admin",
    accept: str | None = "application/json",
    **headers: str,
) -> httpx.Response:
    """POST ``body`` as JSON, with a token and an Accept header unless told otherwise."""
    sent = dict(headers)
    if user is not None:
        sent["authorization"] = f"Bearer {api.token(user)}"
    request = api.client.build_request("POST", "/graphql", json=body, headers=sent)
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    return await api.client.send(request)


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The body of a response refused with ``status`` and ``code``, never with data."""
    assert response.status_code == status, response.text
    body = response.json()
    assert "data" not in body, body
    assert body["errors"][0]["extensions"]["code"] == code, body
    assert set(body["extensions"]["cost"]) == COST_KEYS, body
    return body  # type: ignore[no-any-return]
