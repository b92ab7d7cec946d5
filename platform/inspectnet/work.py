"""One unit of work per GraphQL request or CLI command: the same path for both adapters.

The adapter names who acts (``sign_in``, run inside the transaction so a token's account is
read with the rest) and where refusals go (``refusals``: the API's background outbox, or a
command's outbox flushed before it exits). Everything else is here, once:

- one session and one transaction, committed when the block ends, rolled back if it raises;
- the actor's envelope set for the transaction (``authz.wall``: PostgreSQL's row-level
  security behind ``readable``);
- a savepoint per mutation (``attempt``): a refused or failed mutation changes nothing and
  leaves a refusal entry saying what was refused and why, in the chain of the office it concerned;
- every refusal of the unit (reads the door refused, refused mutations) handed to ``refusals``
  when the unit ends, committed or not: writing them can neither fail nor change the answer;
- after a commit that changed grants or policy rows, the policy reloaded (and announced to the
  other replicas when a watcher listens), so the next request or command decides under it.

The kit owns this, so it imports neither a domain nor the HTTP gateway: the audit outbox and the
door are infrastructure every domain shares.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.models import Outcome
from inspectnet.audit.refusals import Pending, refused_action, take, take_concern
from inspectnet.authz import wall
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, act_as
from inspectnet.errors import Conflict, DomainError, Forbidden, NotFound

T = TypeVar("T")
SignIn = Callable[[AsyncSession], Awaitable[Actor]]
Refusals = Callable[[list[Pending]], None]


@dataclass
class Work:
    """The open unit: its session and who acts in it."""

    session: AsyncSession
    actor: Actor

    async def attempt(self, action: str, call: Callable[[], Awaitable[T]]) -> T:
        """``call`` in its own savepoint; a refusal is recorded as ``action`` and raised again."""
        return await attempt(self.session, self.actor, action, call)


@asynccontextmanager
async def unit_of_work(
    database: Database,
    policy: PolicyStore,
    sign_in: SignIn,
    refusals: Refusals,
    *,
    write: bool = True,
) -> AsyncIterator[Work]:
    """Open the transaction, sign in, yield; then hand over refusals and reload a changed policy."""
    async with database.session(write=write) as session:
        actor: Actor | None = None
        try:
            async with session.begin():
                actor = await sign_in(session)
                act_as(session, actor.user_id)
                # The second wall: the actor's envelope, for PostgreSQL's row-level security.
                await wall.enter(session, actor)
                yield Work(session, actor)
        finally:
            if actor is not None:
                refusals(take(session, actor))
        if actor.policy_changed:
            # After the commit, never before: a rolled-back grant must not reach the policy.
            await policy.changed_here(session)


async def attempt(
    session: AsyncSession, actor: Actor, action: str, call: Callable[[], Awaitable[T]]
) -> T:
    """Run one mutation in a savepoint; on refusal roll it back, record it, raise it."""
    take_concern(session)
    savepoint = await session.begin_nested()
    try:
        result = await call()
        await session.flush()
    except DomainError as error:
        await savepoint.rollback()
        _record_refusal(session, actor, action, error)
        raise
    except IntegrityError:
        # A race the service's own checks could not see (e.g. two creates of one code).
        await savepoint.rollback()
        conflict = Conflict("与现有数据冲突，请刷新后重试", code="CONFLICT")
        _record_refusal(session, actor, action, conflict)
        raise conflict from None
    except BaseException:
        await savepoint.rollback()
        refused_action(
            session, actor, action, Outcome.FAILED, take_concern(session), {"code": "INTERNAL"}
        )
        raise
    await savepoint.commit()
    return result


def _record_refusal(session: AsyncSession, actor: Actor, action: str, error: DomainError) -> None:
    denied = error.code in (Forbidden.default_code, NotFound.default_code)
    refused_action(
        session,
        actor,
        action,
        Outcome.DENIED if denied else Outcome.FAILED,
        take_concern(session),
        {"code": error.code, "field": error.field},
    )
