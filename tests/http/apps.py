"""Helpers for the endpoint's tests: an app with other settings, and raw HTTP requests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from weakref import WeakKeyDictionary

import httpx

from inspectnet import domains
from inspectnet.accounts.models import Role
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.network.models import Office
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.keys import keyring_restored, production_keys_dir
from tests.sqlcount import Statements, count_statements

# Who the requests sign in as: the admin and a member of an office each test makes (sign_up).
ADMIN, MEMBER = "http_admin", "http_member"
# ``post``/``auth`` without a user sign in as the app's signed-up ``ADMIN``; a test that
# signed nobody up names its user.
SIGNED_IN = ""
_signed_up: WeakKeyDictionary[Api, str] = WeakKeyDictionary()


def signed_up(api: Api) -> Api:
    """Mark ``api``'s app as one whose test signed ``ADMIN`` up (``sign_up``)."""
    _signed_up[api] = ADMIN
    return api


def _user(api: Api, user: str) -> str:
    if user != SIGNED_IN:
        return user
    assert api in _signed_up, "sign ADMIN up (sign_up, signed_up) or name the user"
    return _signed_up[api]


COST_KEYS = {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
PREFLIGHT = {"graphql-require-preflight": "1"}


async def sign_up(db: Database, settings: Settings) -> Office:
    """An office of the test's own with its ``ADMIN`` and ``MEMBER``, committed."""
    async with db.transaction() as session:
        store = domains.policy_store(settings.policy_dir)
        await store.reload(session)
        actor = Actor.system(store.compiled, name="test")
        office = await make_office(session, actor)
        await make_user(session, actor, office, Role.OFFICE_ADMIN, ADMIN)
        await make_user(session, actor, office, Role.OFFICE_MEMBER, MEMBER)
    return office


@asynccontextmanager
async def serve(db: Database, settings: Settings, **overrides: Any) -> AsyncIterator[Api]:
    """The real app on ``db`` with some settings changed (e.g. ``development=False``), and
    ``ADMIN`` and ``MEMBER`` of an office of its own to sign in as."""
    await sign_up(db, settings)
    changed = settings.model_copy(update=overrides)
    if not changed.development and "keys_dir" not in overrides:
        # Production refuses the development keyring (and its secrets mounted as files).
        changed = changed.model_copy(update={"keys_dir": production_keys_dir()})
    with keyring_restored():
        app = create_app(changed, database=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            api = signed_up(Api(client, settings, app))
            await api.reload_policy()
            yield api


@contextmanager
def sql(api: Api) -> Iterator[Statements]:
    """The statements the app issues inside the block."""
    with count_statements(api.app.state.graphql.database.sync_engine) as seen:
        yield seen


def auth(api: Api, user: str = SIGNED_IN, **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(_user(api, user))}", **headers}


async def post(
    api: Api,
    body: Any,
    *,
    user: str | None = SIGNED_IN,
    accept: str | None = "application/json",
    **headers: str,
) -> httpx.Response:
    """POST ``body`` as JSON, with a token and an Accept header unless told otherwise."""
    sent = dict(headers)
    if user is not None:
        sent["authorization"] = f"Bearer {api.token(_user(api, user))}"
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
