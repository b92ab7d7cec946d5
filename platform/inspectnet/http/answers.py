"""A request's answer: its body, its status for the negotiated media type, its headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import Response
from strawberry.types.execution import ExecutionResult, PreExecutionError

from inspectnet.graphql.encoding import JSONBody
from inspectnet.graphql.errors import split
from inspectnet.http.cost import CostReport
from inspectnet.http.execute import Replayed, format_error
from inspectnet.http.refusals import Refusal
from inspectnet.http.request import GRAPHQL_RESPONSE


@dataclass
class Attempt:
    """What is known about one request as it goes: who asks, and what it costs."""

    request_id: str
    username: str | None = None
    operation: str | None = None  # the operation's name, once the document is parsed
    cost: CostReport = field(default_factory=CostReport)


@dataclass
class Answer:
    body: dict[str, Any]
    status: int
    headers: dict[str, str] = field(default_factory=dict)


def answer(
    result: ExecutionResult | Replayed,
    attempt: Attempt,
    media_type: str,
    *,
    hide_suggestions: bool,
) -> Answer:
    body: dict[str, Any] = {}
    if isinstance(result, Replayed):
        if result.errors:
            body["errors"] = result.errors
        body["data"] = result.data
        body["extensions"] = {"cost": attempt.cost.as_json(), "idempotentReplay": True}
        return Answer(body, 200)
    if result.errors:
        body["errors"] = [
            format_error(part, attempt.request_id, hide_suggestions=hide_suggestions)
            for e in result.errors
            for part in split(e)
        ]
    # Execution began, so ``data`` is present even if null, unless strawberry stopped first.
    if not isinstance(result, PreExecutionError):
        body["data"] = result.data
    body["extensions"] = {"cost": attempt.cost.as_json()}
    status = 400 if media_type == GRAPHQL_RESPONSE and "data" not in body else 200
    return Answer(body, status)


def refused(refusal: Refusal, attempt: Attempt, media_type: str) -> Answer:
    body = {"errors": refusal.errors, "extensions": {"cost": attempt.cost.as_json()}}
    return Answer(body, refusal.status_for(media_type == GRAPHQL_RESPONSE), refusal.headers)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def respond(answer: Answer, media_type: str, headers: dict[str, str]) -> Response:
    return JSONBody(
        answer.body,
        status_code=answer.status,
        media_type=content_type(media_type),
        headers=headers | answer.headers,
    )
