"""XLSX of the inbox (openpyxl): Chinese headers, widths, a frozen header row, no formulas.

Cells that hold user text are written as strings whatever they begin with: a title such as
``=HYPERLINK(…)`` stays the text it is (type ``s``, quote-prefixed), never a formula a
spreadsheet would evaluate (CSV/formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

# Characters a spreadsheet reads as the start of a formula (OWASP: = + - @, tab, CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

INBOX_COLUMNS: tuple[tuple[str, int], ...] = (
    ("报送机构", 36),
    ("报备报批事项", 26),
    ("标题", 48),
    ("版本", 8),
    ("状态", 12),
    ("预警", 12),
    ("报送期限", 14),
    ("报送日期", 14),
)


def workbook(
    title: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]
) -> bytes:
    """One sheet: a bold frozen header, the columns' widths, every text cell a string."""
    # Imported here: openpyxl costs every process about 0.2 s at start, and only exports use it.
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([name for name, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # assigned "=…" would have made it a formula
                if value.startswith(FORMULA_START):
                    cell.alignment = Alignment(horizontal="left")
                    cell.quotePrefix = True  # type: ignore[attr-defined]
    out = BytesIO()
    book.save(out)
    return out.getvalue()
