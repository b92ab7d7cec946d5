"""What authz needs to know of a model: its Casbin type and the column naming its office.

Models declare ``__authz_type__`` (and ``__authz_office_column__`` when the office is not
``office_id``), so authz never imports the domains.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import InstrumentedAttribute


def type_of(model: type[Any]) -> str:
    try:
        return str(model.__authz_type__)
    except AttributeError:
        raise TypeError(f"{model.__name__} declares no __authz_type__") from None


def office_column(model: type[Any]) -> InstrumentedAttribute[int]:
    return getattr(model, getattr(model, "__authz_office_column__", "office_id"))


def office_of(obj: Any) -> int:
    return int(getattr(obj, getattr(type(obj), "__authz_office_column__", "office_id")))
