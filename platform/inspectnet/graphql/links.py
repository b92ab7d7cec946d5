"""Linked objects instead of raw ids: a field that names another node resolves to that node.

``await linked(info, "Person", row.person_id)`` loads the person through the viewer's readable
scope, batched with every other link to a person in the request (one statement per linked type
and tick, however many rows link to it). A link to an object the viewer cannot read, or to one
that no longer exists, is null: the link never says more than the viewer could read directly.
"""

from __future__ import annotations

from typing import Any

from inspectnet.authz.scopes import readable
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.nodes import node_entry
from inspectnet.graphql.relay import by_id_loader
from inspectnet.ids import parse_global_id


async def linked(info: Info, type_name: str, pk: int | None) -> Any | None:
    """The ``type_name`` node with primary key ``pk`` if the viewer can read it, else None."""
    if pk is None:
        return None
    entry = node_entry(type_name)
    if entry is None:
        raise LookupError(f"no node type registered as {type_name!r}")
    model, convert = entry
    actor = info.context.actor
    load = by_id_loader(
        info,
        f"link.{type_name}",
        lambda ids: readable(actor, model).where(model.id.in_(ids)),
    )
    row = await load(pk)
    return convert(row) if row is not None else None


async def linked_by_global_id(info: Info, value: str | None) -> Any | None:
    """The node a stored global ID names if the viewer can read it; None otherwise."""
    if not value:
        return None
    try:
        type_name, pk = parse_global_id(value)
    except (NotFound, ValidationFailed):
        return None  # an id of a retired key or a malformed record names nothing to show
    if node_entry(type_name) is None:
        return None
    return await linked(info, type_name, pk)


async def need_to_know(info: Info, model: type[Any], key: str, owner_pk: int) -> Any | None:
    """A need-to-know field's row for its owner (``model.<key> == owner_pk``), or None.

    The field lives in its own table with its own ``__authz_type__`` (and the owner as its
    ``__authz_parent__``), so it is read through ``readable`` like any row: every reader the
    policy does not give that type gets null, by construction, never by a resolver's ``if``.
    """
    actor = info.context.actor
    column = getattr(model, key)
    ctx = info.context

    async def batch(owners: list[int]) -> list[Any]:
        rows = (
            await ctx.session.execute(readable(actor, model).where(column.in_(owners)))
        ).scalars()
        found = {getattr(row, key): row for row in rows}
        return [found.get(o) for o in owners]

    return await ctx.loader((f"need_to_know.{model.__name__}", key), batch).load(owner_pk)
