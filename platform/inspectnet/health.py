"""Readiness: the database answers, its schema is at the migrations' head, the policy is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from inspectnet import migrate

if TYPE_CHECKING:
    from inspectnet.http.endpoint import GraphQLService


async def readiness(service: GraphQLService) -> tuple[bool, dict[str, str]]:
    """``(ready, {check: "ok" | reason})``."""
    checks: dict[str, str] = {}
    try:
        async with service.database.session() as session:
            await session.execute(text("SELECT 1"))
            connection = await session.connection()
            current = await connection.run_sync(lambda sync: migrate.current_revisions(sync))
        checks["database"] = "ok"
        heads = migrate.head_revisions(service.settings)
        checks["migrations"] = (
            "ok" if current == heads else f"at {sorted(current)}, head {sorted(heads)}"
        )
    except Exception as error:  # readiness reports, it never raises
        checks["database"] = f"unreachable: {type(error).__name__}"
        checks["migrations"] = "unknown"
    checks["policy"] = "ok" if service.policy.loaded else "not loaded"
    return all(v == "ok" for v in checks.values()), checks
