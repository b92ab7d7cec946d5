"""What authz needs to know of a model: its Casbin type and the column naming its office.

Models declare ``__authz_type__`` (and ``__authz_office_column__`` when the office is not
``office_id``), so authz never imports the domains. A model whose rows belong to one account
(a notification) also names that account's column in ``__authz_owner_column__``: the door
then shows a row to its owner only, on top of what the policy allows.
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


def owner_column(model: type[Any]) -> InstrumentedAttribute[int] | None:
    name = getattr(model, "__authz_owner_column__", None)
    return None if name is None else getattr(model, name)


def owner_of(obj: Any) -> int | None:
    name = getattr(type(obj), "__authz_owner_column__", None)
    return None if name is None else int(getattr(obj, name))
