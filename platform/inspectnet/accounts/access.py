"""How the door sees accounts: each office role grant is a ``g`` row in that office's domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import RoleGrant
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.sources import OFFICE, Grants, domain_of

# Platform roles are held in the platform domain only (authz/platform.py); granted in an office
# one would read as more than it gives, so it yields no row.
PLATFORM_ONLY = frozenset({"platform_operator"})


class OfficeRoleGrants:
    """``g, user:N, role, office:M`` for every role grant."""

    async def grants(self, session: AsyncSession, now: datetime) -> Grants:
        rows = await session.execute(
            # system scope: the policy itself is loaded from every office's grants
            select(RoleGrant.user_id, RoleGrant.role, RoleGrant.office_id).order_by(RoleGrant.id)
        )
        return Grants(
            tuple(
                PolicyLine("g", (f"user:{user}", str(role.value), domain_of(OFFICE, office)))
                for user, role, office in rows
                if role.value not in PLATFORM_ONLY
            )
        )


SOURCES = (OfficeRoleGrants(),)
