"""Queries over discipline records; every one starts from the readable scope."""

from __future__ import annotations

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.discipline.models import DisciplineRecord
from inspectnet.paging import Children, children


def records_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable discipline records of each office: rows of (record, office id)."""
    return children(
        readable(actor, DisciplineRecord).where(DisciplineRecord.office_id.in_(office_ids)),
        DisciplineRecord,
        DisciplineRecord.office_id,
    )
