"""A mutation retried with the same Idempotency-Key is answered again, and writes once."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.targets.models import Target
from tests.conftest import Api
from tests.http.apps import ADMIN, MEMBER

CREATE = """
mutation Create($input: CreateTargetInput!) {
  createTarget(input: $input) { target { id name } userErrors { code field message } }
}"""


async def _send(api: Api, variables: dict[str, Any], key: str | None, user: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {api.token(user)}"}
    if key is not None:
        headers["idempotency-key"] = key
    return await api.client.post(
        "/graphql", json={"query": CREATE, "variables": variables}, headers=headers
    )


async def _counts(api: Api, name: str) -> tuple[int, int]:
    async with api.app.state.graphql.database.session() as session:
        targets = await session.scalar(select(func.count()).where(Target.name == name))
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(targets or 0), int(audit or 0)


def _input(office: Office, name: str) -> dict[str, Any]:
    return {
        "input": {"officeId": global_id("Office", office.id), "name": name, "regionCode": "150200"}
    }


async def test_a_retry_with_the_same_key_returns_the_first_answer_and_writes_nothing(
    api: Api, home: Office
) -> None:
    variables = _input(home, "包头市测试局党组")
    first = await _send(api, variables, "create-1", ADMIN)
    assert first.status_code == 200, first.text
    created = first.json()["data"]["createTarget"]
    assert created["userErrors"] == [] and created["target"]["name"] == "包头市测试局党组"
    after_first = await _counts(api, "包头市测试局党组")
    assert after_first[0] == 1

    retry = await _send(api, variables, "create-1", ADMIN)
    assert retry.status_code == 200
    assert retry.json()["data"] == first.json()["data"]
    assert retry.json()["extensions"]["idempotentReplay"] is True
    assert await _counts(api, "包头市测试局党组") == after_first


async def test_the_same_key_with_another_body_is_refused_and_writes_nothing(
    api: Api, home: Office
) -> None:
    await _send(api, _input(home, "包头市甲局党组"), "create-2", ADMIN)
    before = await _counts(api, "包头市乙局党组")
    other = await _send(api, _input(home, "包头市乙局党组"), "create-2", ADMIN)
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _counts(api, "包头市乙局党组") == before


async def test_keys_belong_to_one_account(api: Api, home: Office) -> None:
    variables = _input(home, "包头市丙局党组")
    await _send(api, variables, "shared-key", ADMIN)
    # Another account using the same key string is not a retry of the first one's request.
    other = await _send(api, variables, "shared-key", MEMBER)
    assert other.json().get("extensions", {}).get("idempotentReplay") is None


async def test_a_refused_mutation_is_replayed_as_refused(api: Api, home: Office) -> None:
    variables = _input(home, "")
    first = await _send(api, variables, "create-3", ADMIN)
    errors = first.json()["data"]["createTarget"]["userErrors"]
    assert errors and errors[0]["code"] == "REQUIRED"
    retry = await _send(api, variables, "create-3", ADMIN)
    assert retry.json()["data"] == first.json()["data"]


async def test_a_malformed_key_is_refused_before_anything_runs(api: Api, home: Office) -> None:
    before = await _counts(api, "包头市丁局党组")
    response = await _send(api, _input(home, "包头市丁局党组"), "bad key with spaces", ADMIN)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert await _counts(api, "包头市丁局党组") == before


async def test_queries_ignore_the_key(api: Api) -> None:
    headers = {"authorization": f"Bearer {api.token(ADMIN)}", "idempotency-key": "q"}
    response = await api.client.post(
        "/graphql", json={"query": "{ viewer { username } }"}, headers=headers
    )
    assert response.status_code == 200
    assert "idempotentReplay" not in response.json()["extensions"]
