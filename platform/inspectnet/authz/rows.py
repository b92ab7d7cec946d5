"""Run-time policy rows (e.g. a deny for one user on one object), kept in the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.models import PolicyRule
from inspectnet.authz.policy import PolicyLine, parse_csv
from inspectnet.errors import Forbidden, ValidationFailed

_COLUMNS = 8


def parse_row(text: str) -> PolicyLine:
    """One Casbin row from its CSV form; VALIDATION naming what is wrong."""
    try:
        [line] = parse_csv(text)
    except ValueError as error:
        raise ValidationFailed(
            f"策略行无效：{error}", code="POLICY_ROW_INVALID", field="row"
        ) from None
    if (
        line.ptype == "p"
        and line.values[0].startswith("user:")
        and line.values[1] == "*"
        and line.values[-1] == "allow"
    ):
        # readable() walks the offices where a user holds roles; a user allow for every office
        # would have to reach offices the user has no standing in (a deny only narrows).
        raise ValidationFailed(
            "针对具体用户的策略行须指明办公室", code="POLICY_ROW_INVALID", field="row"
        )
    return line


async def add_row(session: AsyncSession, actor: Actor, line: PolicyLine, note: str) -> PolicyRule:
    """Store a row; the platform only (run from the CLI). The caller reloads the policy."""
    if not actor.is_system:
        raise Forbidden()
    values = list(line.values) + [""] * (_COLUMNS - len(line.values))
    row = PolicyRule(ptype=line.ptype, **{f"v{i}": v for i, v in enumerate(values)}, note=note)
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "policy.add",
        object_id=f"PolicyRule:{row.id}",
        detail={"row": str(line), "note": note},
    )
    await policy_changed(session, actor)
    return row


async def list_rows(session: AsyncSession) -> list[PolicyRule]:
    return list((await session.execute(select(PolicyRule).order_by(PolicyRule.id))).scalars())
