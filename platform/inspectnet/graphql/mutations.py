"""Running one mutation: its own savepoint, its audit row, its refusals as ``userErrors``.

A refused or failed mutation changes nothing (the savepoint is rolled back) and still leaves
an audit row saying what was refused and why.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from inspectnet.audit.models import Outcome
from inspectnet.audit.service import forget_chain_position, record
from inspectnet.errors import Conflict, DomainError, Forbidden, NotFound
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError

T = TypeVar("T")
log = logging.getLogger("inspectnet.graphql")


async def run_mutation(
    info: Info, action: str, call: Callable[[], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """``(result, [])`` when ``call`` succeeds, ``(None, userErrors)`` when it is refused."""
    ctx = info.context
    savepoint = await ctx.session.begin_nested()
    try:
        result = await call()
        await ctx.session.flush()
    except DomainError as error:
        await savepoint.rollback()
        await _record_refusal(info, action, error)
        return None, UserError.list_from(error)
    except IntegrityError:
        # A race the service's own checks could not see (e.g. two creates of one code).
        await savepoint.rollback()
        error = Conflict("与现有数据冲突，请刷新后重试", code="CONFLICT")
        await _record_refusal(info, action, error)
        return None, [UserError.from_error(error)]
    except BaseException:
        await savepoint.rollback()
        forget_chain_position(ctx.session)
        await record(
            ctx.session, ctx.actor, action, outcome=Outcome.FAILED, detail={"code": "INTERNAL"}
        )
        raise
    await savepoint.commit()
    return result, []


async def _record_refusal(info: Info, action: str, error: DomainError) -> None:
    ctx = info.context
    forget_chain_position(ctx.session)
    denied = error.code in (Forbidden.default_code, NotFound.default_code)
    await record(
        ctx.session,
        ctx.actor,
        action,
        outcome=Outcome.DENIED if denied else Outcome.FAILED,
        detail={"code": error.code, "field": error.field},
    )
