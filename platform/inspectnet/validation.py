"""Input checks shared by the services; each failure names its field and a stable code."""

from __future__ import annotations

import re
from datetime import date

from inspectnet.errors import ValidationFailed

_REGION_CODE = re.compile(r"^\d{6}$")  # GB/T 2260 administrative division code


def required(value: str, field: str) -> str:
    """``value`` stripped; REQUIRED when nothing is left."""
    if not value.strip():
        raise ValidationFailed("此项不能为空", code="REQUIRED", field=field)
    return value.strip()


def region_code(value: str, field: str) -> str:
    """A six-digit administrative region code (行政区划代码)."""
    if not _REGION_CODE.match(value):
        raise ValidationFailed("行政区划代码应为6位数字", code="INVALID_REGION_CODE", field=field)
    return value


def period(started_on: date, ended_on: date | None, field: str = "endedOn") -> None:
    """A period may be open, but may not end before it starts."""
    if ended_on is not None and ended_on < started_on:
        raise ValidationFailed("结束日期不能早于开始日期", code="INVALID_PERIOD", field=field)
