"""What authz needs to know of a model: its Casbin type, its office column, its parent.

Models declare ``__authz_type__`` (and ``__authz_office_column__`` when the office is not
``office_id``), so authz never imports the domains. Every protected model has a type of its
own, so a policy row's ``(type, id)`` names exactly one row. A row that is part of another's
record (a person's career, a target's roster) also declares ``__authz_parent__ =
("person_id", Person)``: it is then readable only where its parent is, and changed only where
its parent may be changed, so a deny on a person hides the person's whole record.
A model whose rows belong to one account (a notification) also names that account's column in
``__authz_owner_column__``: the door then shows a row to its owner only, on top of what the policy
allows.
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


def parent_of(model: type[Any]) -> tuple[str, type[Any]] | None:
    """``(column naming the parent's id, parent model)``, or None for a row that stands alone."""
    declared = getattr(model, "__authz_parent__", None)
    if declared is None:
        return None
    column, parent = declared
    return str(column), parent


def parent_action(action: str) -> str:
    """What the parent must allow for ``action`` on a child: to read it, reading the parent;
    to change it, changing the parent (a child is part of the parent's record)."""
    return "read" if action == "read" else "update"


def owner_column(model: type[Any]) -> InstrumentedAttribute[int] | None:
    name = getattr(model, "__authz_owner_column__", None)
    return None if name is None else getattr(model, name)


def owner_of(obj: Any) -> int | None:
    name = getattr(type(obj), "__authz_owner_column__", None)
    return None if name is None else int(getattr(obj, name))
