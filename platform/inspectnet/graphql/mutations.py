"""Running one mutation: its own savepoint, its refusals as ``userErrors`` and audit rows.

A refused or failed mutation changes nothing (the savepoint is rolled back) and still leaves
an audit row saying what was refused and why, in the chain of the office it concerned. That
row goes through the audit outbox, written after the response: writing it can neither fail
nor delay the answer, and the office of an object the actor could not see is looked up there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from inspectnet.audit.models import Outcome
from inspectnet.audit.outbox import refused_action, take_concern
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
    take_concern(ctx.session)
    savepoint = await ctx.session.begin_nested()
    try:
        result = await call()
        await ctx.session.flush()
    except DomainError as error:
        await savepoint.rollback()
        _record_refusal(info, action, error)
        return None, UserError.list_from(error)
    except IntegrityError:
        # A race the service's own checks could not see (e.g. two creates of one code).
        await savepoint.rollback()
        error = Conflict("与现有数据冲突，请刷新后重试", code="CONFLICT")
        _record_refusal(info, action, error)
        return None, [UserError.from_error(error)]
    except BaseException:
        await savepoint.rollback()
        refused_action(
            ctx.session,
            ctx.actor,
            action,
            Outcome.FAILED,
            take_concern(ctx.session),
            {"code": "INTERNAL"},
        )
        raise
    await savepoint.commit()
    return result, []


def _record_refusal(info: Info, action: str, error: DomainError) -> None:
    ctx = info.context
    denied = error.code in (Forbidden.default_code, NotFound.default_code)
    refused_action(
        ctx.session,
        ctx.actor,
        action,
        Outcome.DENIED if denied else Outcome.FAILED,
        take_concern(ctx.session),
        {"code": error.code, "field": error.field},
    )
