"""Executing a checked request in the unit of work, and its errors as the client sees them.

The first SQL of a request is its sign-in, inside the transaction ``work.unit_of_work`` opens
(the same one a CLI command opens); an ``Idempotency-Key`` replays the first answer instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from graphql import (
    GraphQLError,
    OperationType,
)
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.execution import ExecutionResult

from inspectnet.accounts.signin import actor_for_subject
from inspectnet.authz.actor import Actor
from inspectnet.db import is_unavailable
from inspectnet.errors import DomainError
from inspectnet.graphql.context import Context
from inspectnet.http import idempotency
from inspectnet.http.documents import Prepared, done_executing, executing
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.request import GraphQLRequest
from inspectnet.work import unit_of_work

log = logging.getLogger("inspectnet.graphql")
MASKED_MESSAGE = "Unexpected error."
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


async def execute(
    service: GraphQLService,
    prepared: Prepared,
    params: GraphQLRequest,
    request_id: str,
    subject: str,
    idempotency_key: str | None = None,
) -> ExecutionResult | Replayed:
    """Sign in as ``subject`` (the token's, verified by the endpoint) and execute, in one unit
    of work (the sign-in is the first SQL the request issues)."""

    async def sign_in(session: AsyncSession) -> Actor:
        return await actor_for_subject(session, service.policy, subject, request_id)

    is_mutation = any(
        getattr(d, "operation", None) is OperationType.MUTATION
        for d in prepared.document.definitions
    )
    # Refusals are written after the response, in their own transactions (audit/outbox.py, audit/refusals.py).
    async with unit_of_work(
        service.database, service.policy, sign_in, service.outbox.put, write=is_mutation
    ) as work:
        session, actor = work.session, work.actor
        claimed = None
        if idempotency_key is not None and actor.user_id is not None:
            digest = idempotency.request_hash(
                prepared.query, params.variables, params.operation_name
            )
            ttl = timedelta(hours=service.settings.graphql_idempotency_ttl_hours)
            claimed = await idempotency.claim(session, actor.user_id, idempotency_key, digest, ttl)
            if claimed.replay is not None:
                return Replayed(claimed.replay.get("data"), claimed.replay.get("errors", []))
        context = Context(
            session=session, actor=actor, settings=service.settings, request_id=request_id
        )
        token = executing(prepared)
        try:
            result = await service.schema.execute(
                prepared.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
            )
        finally:
            done_executing(token)
        raise_if_unavailable(result)
        if claimed is not None and actor.user_id is not None:
            first = {"data": result.data, "errors": formatted_errors(result, request_id)}
            await idempotency.remember(session, actor.user_id, claimed, 200, first)
    return result


def raise_if_unavailable(result: ExecutionResult) -> None:
    """A resolver that lost the database fails the whole request (503), not just its field."""
    for error in result.errors or ():
        original = error.original_error
        if original is not None and is_unavailable(original):
            raise original


def format_error(
    error: GraphQLError, request_id: str, *, hide_suggestions: bool = False
) -> dict[str, Any]:
    """A public DomainError as it is; GraphQL's own errors as they are; anything else masked."""
    original = error.original_error
    formatted = error.formatted
    if original is None:
        formatted.setdefault("extensions", {}).setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        if hide_suggestions:
            formatted["message"] = _SUGGESTION.sub("", formatted["message"])
        return formatted
    if isinstance(original, DomainError):
        formatted["message"] = original.message
        formatted["extensions"] = original.extensions()
        return formatted
    log.error(
        "unexpected error in %s (request %s)",
        ".".join(map(str, error.path or [])),
        request_id,
        exc_info=(type(original), original, original.__traceback__),
    )
    masked = {
        "message": MASKED_MESSAGE,
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }
    if error.path:
        masked["path"] = error.path
    return masked


@dataclass
class Replayed:
    """The first answer to an idempotency key, given again instead of executing."""

    data: Any
    errors: list[dict[str, Any]]


def formatted_errors(result: ExecutionResult, request_id: str) -> list[dict[str, Any]]:
    return [format_error(e, request_id) for e in result.errors or ()]
