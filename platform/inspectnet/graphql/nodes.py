"""``node(id)``: every Node type registers how its rows are fetched and shown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from inspectnet.audit.refusals import refused_read
from inspectnet.authz.checks import get_readable
from inspectnet.authz.scopes import readable
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.relay import by_id_loader
from inspectnet.ids import parse_global_id

MAX_NODES = 100

_NODES: dict[str, tuple[type[Any], Callable[[Any], Any]]] = {}


def register_node(type_name: str, model: type[Any], convert: Callable[[Any], Any]) -> None:
    """Make ``node(id)`` resolve ``type_name`` IDs through ``model``'s readable scope.

    The type is named as its model: IDs made from a row (``ids.global_id_of``: audit entries,
    refusals, notifications) must be the IDs ``node`` answers to.
    """
    if model.__name__ != type_name:
        raise TypeError(f"node type {type_name} must be named as its model {model.__name__}")
    _NODES[type_name] = (model, convert)


def node_entry(type_name: str) -> tuple[type[Any], Callable[[Any], Any]] | None:
    """The model and converter registered for ``type_name``, if any."""
    return _NODES.get(type_name)


async def resolve_node(info: Info, global_id: str) -> Any:
    """The object a global ID names, if the actor may read it; NOT_FOUND otherwise."""
    type_name, pk = parse_global_id(global_id)
    entry = _NODES.get(type_name)
    if entry is None:
        raise NotFound()
    model, convert = entry
    row = await get_readable(info.context.session, info.context.actor, model, pk)
    return convert(row)


def resolve_nodes(info: Info, global_ids: list[str]) -> Awaitable[list[Any]]:
    """``nodes(ids)``: each readable object in place, None for the others.

    One statement per type named, whatever the number of ids. A hidden object and a missing
    one are both None and both leave the refused read ``node(id)`` leaves, so the answer and
    its cost say nothing about which it was. A malformed id is the client's mistake: refused,
    before anything is awaited (refused later, the error would end the request while sibling
    fields still run statements on its session).
    """
    if len(global_ids) > MAX_NODES:
        raise ValidationFailed(f"一次最多读取{MAX_NODES}个对象", code="TOO_MANY_IDS", field="ids")
    wanted: list[tuple[str, int] | None] = []
    for index, value in enumerate(global_ids):
        try:
            type_name, pk = parse_global_id(value, field=f"ids.{index}")
        except NotFound:
            wanted.append(None)  # a retired key or an impossible row id names nothing
            continue
        wanted.append((type_name, pk) if type_name in _NODES else None)
    return _gather(info, wanted)


async def _gather(info: Info, wanted: list[tuple[str, int] | None]) -> list[Any]:
    return list(await asyncio.gather(*(_one(info, w) for w in wanted)))


async def _one(info: Info, wanted: tuple[str, int] | None) -> Any:
    if wanted is None:
        return None
    type_name, pk = wanted
    model, convert = _NODES[type_name]
    ctx = info.context
    load = by_id_loader(
        info, f"link.{type_name}", lambda ids: readable(ctx.actor, model).where(model.id.in_(ids))
    )
    row = await load(pk)
    if row is None:
        refused_read(ctx.session, ctx.actor, model, pk)
        return None
    return convert(row)
