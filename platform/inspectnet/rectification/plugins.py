"""What rectification plugs into other domains' registries (domains.extensions).

- ``STATISTICS``: rectification items per office in the filings roll-ups (closed, due,
  overdue), counted through the door's ``count`` action;
- ``SWEEP_STEPS``: the escalating warnings, run by the duties sweep (filings/duties.py).
"""

from __future__ import annotations

from sqlalchemy import and_, or_

from inspectnet.filings.rollups import Statistic
from inspectnet.rectification.models import ItemState, RectificationItem
from inspectnet.rectification.warnings import escalate

_ITEM = RectificationItem

STATISTICS = (
    Statistic(
        "rectification_done",
        "整改已销号",
        _ITEM,
        _ITEM.office_id,
        lambda _today: _ITEM.state == ItemState.CLOSED,
    ),
    Statistic(
        "rectification_due",
        "整改未到期",
        _ITEM,
        _ITEM.office_id,
        # Done and awaiting the office's check counts as due, not overdue: the target did its part.
        lambda today: or_(
            _ITEM.state == ItemState.DONE,
            and_(_ITEM.state == ItemState.OPEN, _ITEM.due_on >= today),
        ),
    ),
    Statistic(
        "rectification_overdue",
        "整改逾期",
        _ITEM,
        _ITEM.office_id,
        lambda today: and_(_ITEM.state == ItemState.OPEN, _ITEM.due_on < today),
    ),
)

SWEEP_STEPS = (escalate,)
