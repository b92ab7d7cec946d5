"""Running one mutation from a resolver: the unit of work's savepoint, refusals as ``userErrors``.

A refused or failed mutation changes nothing and still leaves an audit entry (``work.attempt``);
here the refusal becomes the payload's ``userErrors`` instead of an exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from inspectnet.errors import DomainError
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.work import attempt

T = TypeVar("T")


async def run_mutation(
    info: Info, action: str, call: Callable[[], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """``(result, [])`` when ``call`` succeeds, ``(None, userErrors)`` when it is refused."""
    ctx = info.context
    try:
        return await attempt(ctx.session, ctx.actor, action, call), []
    except DomainError as error:
        return None, UserError.list_from(error)
