"""The real app over ASGI, bound to an engine of its own (not the savepoint fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

import inspectnet.models  # noqa: F401 - every mapper on the metadata
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.db import Base, Database, make_engine
from inspectnet.settings import Settings
from tests.factories import sign_in_name_of

CREATE_OFFICE = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
  office { id code superiors { nodes { code } } } userErrors { field code message } } }"""


@dataclass
class LiveClient:
    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings

    @property
    def database(self) -> Database:
        return self.app.state.graphql.database  # type: ignore[no-any-return]

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        token = issue_token(self.settings, sign_in_name_of(user), timedelta(hours=1))
        return await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"} | (headers or {}),
        )

    async def office_gid(self, code: str, *, user: str) -> str:
        response = await self.post("{ offices(first: 100) { nodes { id code } } }", user=user)
        nodes = response.json()["data"]["offices"]["nodes"]
        return next(n["id"] for n in nodes if n["code"] == code)


@asynccontextmanager
async def live_client(settings: Settings) -> AsyncIterator[LiveClient]:
    """The app on its own engine; the policy loaded as start-up would."""
    database = Database(make_engine(settings))
    app = create_app(settings, database=database, watch_policy=False)
    service = app.state.graphql
    async with database.session() as session:
        await service.policy.reload(session)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield LiveClient(app, client, settings)
    finally:
        await database.dispose()


async def row_counts(settings: Settings) -> dict[str, int]:
    """Rows in every table the models know, read on a fresh engine."""
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            return {
                table.name: int(
                    (
                        await session.execute(text(f'SELECT count(*) FROM "{table.name}"'))
                    ).scalar_one()
                )
                for table in Base.metadata.sorted_tables
            }
    finally:
        await database.dispose()


def office_input(superior: str, code: str) -> dict[str, Any]:
    return {
        "input": {
            "superiorId": superior,
            "code": code,
            "name": "新设巡察办",
            "kind": "PATROL_OFFICE",
            "regionCode": "150204",
            "rulesetId": "nmg-2016",
        }
    }
