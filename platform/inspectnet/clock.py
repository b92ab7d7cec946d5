"""The one source of "now": injectable so that tests freeze time."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Deadlines are counted on Beijing dates whatever the server's zone is.
CHINA = ZoneInfo("Asia/Shanghai")

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return _now()


def today_in_china() -> date:
    """Today's date in Beijing, the date every deadline is counted on."""
    return now().astimezone(CHINA).date()


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze ``now()`` at ``at`` for the duration of the block (tests)."""
    global _now
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware datetime")
    previous = _now
    _now = lambda: at  # noqa: E731
    try:
        yield
    finally:
        _now = previous
