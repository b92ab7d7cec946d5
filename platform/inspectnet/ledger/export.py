"""The ledger as XLSX (openpyxl), through the workbook writer filings' inbox export uses:
Chinese headers, a frozen header row, every user text a string, quote-prefixed when it starts
like a formula (= + - @ tab CR)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.filings.export import workbook
from inspectnet.ids import global_id_of
from inspectnet.ledger import repository
from inspectnet.ledger.models import LedgerEntry
from inspectnet.ledger.sources import SOURCE_OF
from inspectnet.network.models import Office

COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 8),
    ("类别", 12),
    ("巡视巡察对象", 32),
    ("事项", 48),
    ("问题类别或移交渠道", 30),
    ("状态", 14),
    ("登记日期", 14),
    ("标识", 28),
)


async def export_ledger(session: AsyncSession, actor: Actor, *, office_id: int) -> bytes:
    """The office's readable ledger, one row per entry, as an XLSX workbook."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "export", LedgerEntry, office.id)
    found = await repository.entries_for_export(session, actor, office.id)
    rows = [
        (
            number,
            SOURCE_OF[e.kind].label if e.kind in SOURCE_OF else e.kind,
            target or "",
            e.title,
            e.category or "",
            e.state,
            e.recorded_at.date().isoformat(),
            global_id_of(e),
        )
        for number, (e, target) in enumerate(found, start=1)
    ]
    await record(session, actor, "ledger.export", office_id=office.id, detail={"rows": len(rows)})
    return workbook("巡视巡察成果台账", COLUMNS, rows)
