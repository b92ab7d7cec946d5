"""What the results ledger is compiled from: one line per source (a registry).

Each source names the kind of its entries, the model of its records (a model with office,
inspection and target columns) and what the register shows of a record. Adding a source
is one line in ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspectnet.casework.models import Clue, Finding
from inspectnet.rectification.models import RectificationItem
from inspectnet.transfers.models import Transfer


@dataclass(frozen=True)
class Line:
    """What the register shows of one record: no clue's person or content (team only)."""

    title: str
    category: str | None
    state: str


@dataclass(frozen=True)
class LedgerSource:
    kind: str  # the entry's kind, e.g. "finding"
    label: str  # its Chinese name in the register and its export
    model: type[Any]
    line: Callable[[Any], Line]


def _finding(row: Finding) -> Line:
    state = "withdrawn" if row.archived_at else ("ready" if row.ready_at else "draft")
    return Line(row.title, row.category, state)


def _clue(row: Clue) -> Line:
    return Line("问题线索", row.category, row.state.value)


def _transfer(row: Transfer) -> Line:
    # A §38(3) failure is what the register must show first (不受理、办理不及时).
    state = row.failure.value if row.failure is not None else row.state.value
    return Line(f"移交{row.receiver_name}", row.route, state)


def _rectification_item(row: RectificationItem) -> Line:
    # the measure is the target's own commitment, shown to the office that checks it
    return Line(row.measure[:200], None, row.state.value)


SOURCES: tuple[LedgerSource, ...] = (
    LedgerSource("finding", "问题", Finding, _finding),
    LedgerSource("clue", "问题线索", Clue, _clue),
    LedgerSource("transfer", "移交", Transfer, _transfer),
    LedgerSource("rectification_item", "整改事项", RectificationItem, _rectification_item),
)
SOURCE_OF: dict[str, LedgerSource] = {s.kind: s for s in SOURCES}
