"""Posting inputs as an attacker or a browser would: any text, lone surrogates included."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api


async def post_ascii(
    api: Api, document: str, variables: dict[str, Any], *, user: str
) -> dict[str, Any]:
    """``api.gql`` with the body sent as ASCII JSON (``\\ud800`` escaped): httpx cannot encode
    a lone surrogate as UTF-8, yet JSON may carry one."""
    response = await api.client.post(
        "/graphql",
        content=json.dumps({"query": document, "variables": variables}),
        headers={
            "authorization": f"Bearer {api.token(user)}",
            "content-type": "application/json",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
