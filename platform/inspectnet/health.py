"""Readiness: the database answers, its schema is at the migrations' head, the policy is loaded."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy import text

from inspectnet import migrate
from inspectnet.db import is_unavailable

if TYPE_CHECKING:
    from inspectnet.http.gateway import GraphQLService


# A probe must answer sooner than the pool's own wait for a connection (30 s by default).
READINESS_TIMEOUT_SECONDS = 5.0


async def _current_revisions(service: GraphQLService) -> set[str]:
    async with service.database.session() as session:
        await session.execute(text("SELECT 1"))
        connection = await session.connection()
        return set(await connection.run_sync(lambda sync: migrate.current_revisions(sync)))


async def readiness(service: GraphQLService) -> tuple[bool, dict[str, str]]:
    """``(ready, {check: "ok" | reason})``; not ready while the database cannot be reached."""
    checks: dict[str, str] = {}
    try:
        current = await asyncio.wait_for(_current_revisions(service), READINESS_TIMEOUT_SECONDS)
        checks["database"] = "ok"
        heads = migrate.head_revisions(service.settings)
        checks["migrations"] = (
            "ok" if current == heads else f"at {sorted(current)}, head {sorted(heads)}"
        )
    except Exception as error:  # readiness reports, it never raises
        reason = "unavailable" if is_unavailable(error) else "unreachable"
        checks["database"] = f"{reason}: {type(error).__name__}"
        checks["migrations"] = "unknown"
    checks["policy"] = "ok" if service.policy.loaded else "not loaded"
    return all(v == "ok" for v in checks.values()), checks
