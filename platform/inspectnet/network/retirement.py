"""What keeps an office from being retired: its open work, as each domain declares it.

An office is retired (``retireOffice``: the undo of ``createOffice`` for an office made by
mistake, or the end of an office) only when nothing of it is still going on. The network knows
its own part (offices still in service below it, on either line); every other domain plugs its
part in as ``OPEN_WORK`` in its ``plugins.py`` (``domains.extensions``): accounts the accounts
that still sign in there, inspections the inspections not yet archived. Each is one counting
statement over the office's rows, so a domain added tomorrow adds its own without touching
this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from inspectnet import domains
from inspectnet.errors import Conflict
from inspectnet.network.models import Office, OfficeLink


@dataclass(frozen=True)
class OpenWork:
    """One kind of work that keeps an office in service: the refusal's stable code, its
    Chinese message, and a statement counting the office's rows of it."""

    code: str
    message: str
    count: Callable[[int], Select[tuple[int]]]


def _subordinates_in_service(office_id: int) -> Select[tuple[int]]:
    below = aliased(Office)
    # system scope: an office's subordinates are counted whatever the actor reads of them
    return (
        select(func.count())
        .select_from(OfficeLink)
        .join(below, below.id == OfficeLink.subordinate_id)
        .where(OfficeLink.superior_id == office_id, below.archived_at.is_(None))
    )


NETWORK_OPEN_WORK = (
    OpenWork(
        code="OFFICE_HAS_SUBORDINATES",
        message="该机构下仍有在用的下级机构，请先撤销或调整其联系",
        count=_subordinates_in_service,
    ),
)


def open_work() -> tuple[OpenWork, ...]:
    """The network's own kinds of open work and every registered domain's."""
    return (*NETWORK_OPEN_WORK, *domains.extensions("OPEN_WORK"))


async def refuse_if_open(session: AsyncSession, office_id: int) -> None:
    """CONFLICT naming the first kind of open work the office still has (none: it may go)."""
    for work in open_work():
        if int(await session.scalar(work.count(office_id)) or 0) > 0:
            raise Conflict(work.message, code=work.code, field="officeId")


def expect_in_service(office: Office, field: str = "officeId") -> None:
    """A retired office is changed, linked and given new offices no more."""
    if office.archived_at is not None:
        raise Conflict("该机构已撤销", code="OFFICE_RETIRED", field=field)


__all__ = ["OpenWork", "expect_in_service", "open_work", "refuse_if_open"]
