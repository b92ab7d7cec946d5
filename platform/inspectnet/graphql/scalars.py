"""Scalars as officials type them: a DateTime without an offset is Beijing time.

A browser's ``<input type="datetime-local">`` sends ``2026-11-30T20:00:00``, with no offset.
Officials mean Beijing time (every deadline is counted on Beijing dates), so the DateTime scalar
reads such a value as Asia/Shanghai instead of refusing it; a value with an offset or ``Z`` is
taken as given. Whether a parsed instant is in range is the business of what uses it (the
deadline engine and the flush guard refuse years outside 1900-2200 with a userError).
"""

from __future__ import annotations

from datetime import date, datetime

import dateutil.parser
import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from inspectnet import clock

DATETIME_DESCRIPTION = (
    "Date with time, ISO 8601 (日期时间). Output always carries its offset. Input with an "
    "offset (2026-11-30T20:00:00+08:00 or …Z) is taken as given; input without one "
    "(2026-11-30T20:00:00) is read as Beijing time (北京时间, Asia/Shanghai, UTC+08:00), the "
    "time officials mean, never as UTC or the server's zone. Anything else is refused with "
    "the rule in the error"
)
NAIVE_RULE = "不带时区偏移的按北京时间（UTC+08:00）理解"
DATE_DESCRIPTION = (
    "Calendar date, ISO 8601 YYYY-MM-DD (日期), without a time or offset; a date is always a "
    "Beijing date (Asia/Shanghai): deadlines and working days are counted on Beijing dates"
)


def parse_datetime(value: object) -> datetime:
    """An aware datetime from ISO 8601 text; naive text is Beijing time."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(f"日期时间应为 ISO 8601 字符串；{NAIVE_RULE}")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        # The value itself is not repeated: it may hold anything, a lone surrogate included.
        raise StrawberryInputCoercionError(
            "日期时间格式无效：应为 ISO 8601，如 2026-11-30T20:00:00+08:00；" + NAIVE_RULE
        ) from None
    return parsed.replace(tzinfo=clock.CHINA) if parsed.tzinfo is None else parsed


def parse_date(value: object) -> date:
    """A date from ISO 8601 ``YYYY-MM-DD`` text."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError("日期应为 ISO 8601 字符串（如 2026-11-30）")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StrawberryInputCoercionError(
            "日期格式无效（应为 YYYY-MM-DD，如 2026-11-30）"
        ) from None


BeijingDate: ScalarDefinition = strawberry.scalar(
    name="Date",
    description=DATE_DESCRIPTION,
    serialize=date.isoformat,
    parse_value=parse_date,
)

BeijingDateTime: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description=DATETIME_DESCRIPTION,
    serialize=datetime.isoformat,
    parse_value=parse_datetime,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {datetime: BeijingDateTime, date: BeijingDate}
