"""What authz needs to know of a model: its Casbin type, its office column, its parent.

Models declare ``__authz_type__`` (and ``__authz_office_column__`` when the office is not
``office_id``, ``__authz_target_column__`` when the object is part of a target's record), so
authz never imports the domains. Every protected model has a type of its
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


# A request's target names the inspected organisation (巡视巡察对象) an object is part of, so a
# deny keyed to it (a recusal) reaches every object of the target whatever its type.
TARGET_PREFIX = "target:"
NO_TARGET = ""


def target_name(target_id: int) -> str:
    """The Casbin target naming one target organisation."""
    return f"{TARGET_PREFIX}{target_id}"


def target_id_of_name(tgt: str) -> int | None:
    """The target id a Casbin target names, or None for anything else."""
    rest = tgt[len(TARGET_PREFIX) :] if tgt.startswith(TARGET_PREFIX) else ""
    if rest.isascii() and rest.isdigit() and len(rest) <= 10 and str(int(rest)) == rest:
        return int(rest)
    return None


def target_column(model: type[Any]) -> InstrumentedAttribute[int] | None:
    """The column naming the target an object is part of (``__authz_target_column__``)."""
    name = getattr(model, "__authz_target_column__", None)
    return None if name is None else getattr(model, name)


def target_of(obj: Any) -> str:
    """The request's target for ``obj``: ``target:N``, or "" when it is part of none."""
    name = getattr(type(obj), "__authz_target_column__", None)
    value = None if name is None else getattr(obj, name)
    return NO_TARGET if value is None else target_name(int(value))


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


def model_of_type(typ: str) -> type[Any]:
    """The mapped model declaring ``__authz_type__ = typ``: the door names a domain's model by
    its type, never by importing it."""
    from inspectnet.db import Base

    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__authz_type__", None) == typ:
            return mapper.class_  # type: ignore[no-any-return]
    raise LookupError(f"no mapped model declares __authz_type__ = {typ!r}")
