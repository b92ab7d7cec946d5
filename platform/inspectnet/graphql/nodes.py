"""``node(id)``: every Node type registers how its rows are fetched and shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspectnet.authz.checks import get_readable
from inspectnet.errors import NotFound
from inspectnet.graphql.context import Info
from inspectnet.ids import parse_global_id

_NODES: dict[str, tuple[type[Any], Callable[[Any], Any]]] = {}


def register_node(type_name: str, model: type[Any], convert: Callable[[Any], Any]) -> None:
    """Make ``node(id)`` resolve ``type_name`` IDs through ``model``'s readable scope."""
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
