"""How the door sees decision bodies: every seat is its body's role held in the office."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.sources import OFFICE, Grants, domain_of
from inspectnet.bodies.models import BodyMember


class BodySeats:
    """``g, user:N, <body role>, office:M`` for every seat (nmg-2016 §5, qh-zrzyt §3, §5)."""

    async def grants(self, session: AsyncSession, now: datetime) -> Grants:
        # system scope: the policy itself is loaded from every office's seats
        seats = await session.execute(
            select(BodyMember.user_id, BodyMember.role, BodyMember.office_id).order_by(
                BodyMember.id
            )
        )
        return Grants(
            tuple(
                PolicyLine("g", (f"user:{user}", role, domain_of(OFFICE, office)))
                for user, role, office in seats
            )
        )


SOURCES = (BodySeats(),)
