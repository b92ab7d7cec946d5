"""Idempotency keys: a mutation retried with the same key and body is answered, not redone.

A client that lost the answer to "approve this filing" (a dropped connection, a timeout) sends
the same request again with the same ``Idempotency-Key``. The first answer is stored in the same
transaction as the change it made, so either both exist or neither does: a retry gets the
stored answer and writes nothing; a retry after a failure that rolled back runs afresh. The same
key with a different body is refused, since it is the client's mistake, not a retry.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.http.models import IdempotencyRecord
from inspectnet.http.refusals import Refusal

HEADER = "idempotency-key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as the IETF draft's examples use


@dataclass(frozen=True)
class Claim:
    """A key this request now holds, or the stored answer to replay."""

    key: str
    request_hash: str
    replay: dict[str, Any] | None = None
    replay_status: int = 200


def key_from(header: str | None) -> str | None:
    """The request's key; a malformed one is refused before anything runs."""
    if header is None:
        return None
    if not _KEY.match(header):
        raise Refusal(
            "INVALID_IDEMPOTENCY_KEY",
            "Idempotency-Key 须为1到200个可见 ASCII 字符",
            status=400,
        )
    return header


def request_hash(query: str | None, variables: dict[str, Any] | None, operation: str | None) -> str:
    """What makes two requests "the same body"."""
    canonical = json.dumps(
        {"query": query, "variables": variables, "operationName": operation},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    session: AsyncSession, user_id: int, key: str, digest: str, ttl: timedelta
) -> Claim:
    """Take ``key`` for this request, or find the answer a previous request stored under it.

    On PostgreSQL a concurrent request with the same key waits on the unique index until the
    first commits, then replays its answer; on SQLite write requests are serialised anyway.
    """
    stored = await _stored(session, user_id, key)
    if stored is not None and stored.created_at < clock.now() - ttl:
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == stored.id))
        stored = None
    if stored is None:
        try:
            async with session.begin_nested():
                session.add(
                    IdempotencyRecord(
                        user_id=user_id, key=key, request_hash=digest, status=0, response={}
                    )
                )
        except IntegrityError:
            stored = await _stored(session, user_id, key)
    if stored is None:
        return Claim(key, digest)
    if stored.request_hash != digest:
        raise Refusal(
            "IDEMPOTENCY_KEY_REUSED",
            "该 Idempotency-Key 已用于另一个请求，请换一个新键",
            status=422,
        )
    return Claim(key, digest, replay=stored.response, replay_status=stored.status)


async def remember(
    session: AsyncSession, user_id: int, claimed: Claim, status: int, response: dict[str, Any]
) -> None:
    """Store the answer under the claimed key, in the transaction that made the change."""
    record = await _stored(session, user_id, claimed.key)
    if record is not None:
        record.status, record.response = status, response
        await session.flush()


async def _stored(session: AsyncSession, user_id: int, key: str) -> IdempotencyRecord | None:
    # system scope: the caller's own key, found by its account before any domain object is read
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )
