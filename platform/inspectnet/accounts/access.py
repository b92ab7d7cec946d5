"""How the door sees accounts: role grants, emergency grants and target bindings as ``g`` rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import BreakGlassGrant, RoleGrant, TargetBinding
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.sources import OFFICE, TARGET, Grants, domain_of

# Platform roles are held in the platform domain only (authz/platform.py); granted in an office
# one would read as more than it gives, so it yields no row.
PLATFORM_ONLY = frozenset({"platform_operator"})
# The role a target-side user holds in its target's domain (policy rows name it).
TARGET_USER = "target_user"


class OfficeRoleGrants:
    """``g, user:N, role, office:M`` for every role grant and every emergency grant valid now;
    ``g, user:N, target_user, target:T`` for every target-side account."""

    async def grants(self, session: AsyncSession, now: datetime) -> Grants:
        lines: list[PolicyLine] = []
        # system scope: the policy itself is loaded from every office's grants
        held = await session.execute(
            select(RoleGrant.user_id, RoleGrant.role, RoleGrant.office_id).order_by(RoleGrant.id)
        )
        lines.extend(
            _line(user, role.value, OFFICE, office)
            for user, role, office in held
            if role.value not in PLATFORM_ONLY
        )
        # system scope: every emergency grant not yet ended, from every office
        urgent = await session.execute(
            select(
                BreakGlassGrant.user_id,
                BreakGlassGrant.role,
                BreakGlassGrant.office_id,
                BreakGlassGrant.valid_from,
                BreakGlassGrant.valid_until,
            )
            .where(BreakGlassGrant.valid_until > now)
            .order_by(BreakGlassGrant.id)
        )
        changes: list[datetime] = []
        for user, role, office, valid_from, valid_until in urgent:
            changes.append(valid_from if valid_from > now else valid_until)
            if valid_from <= now and role.value not in PLATFORM_ONLY:
                lines.append(_line(user, role.value, OFFICE, office))
        # system scope: every target-side account, whatever office covers its target
        bound = await session.execute(
            select(TargetBinding.user_id, TargetBinding.target_id).order_by(TargetBinding.id)
        )
        lines.extend(_line(user, TARGET_USER, TARGET, target) for user, target in bound)
        return Grants(tuple(lines), min(changes, default=None))


def _line(user: int, role: str, scope: str, root: int) -> PolicyLine:
    return PolicyLine("g", (f"user:{user}", role, domain_of(scope, root)))


SOURCES = (OfficeRoleGrants(),)
