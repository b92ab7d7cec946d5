"""``node(id)``: every Node type registers how its rows are fetched and shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspectnet.audit.outbox import refused_read
from inspectnet.authz.checks import get_readable
from inspectnet.authz.scopes import readable
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.ids import parse_global_id
from inspectnet.paging import MAX_PAGE_SIZE

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


async def resolve_nodes(info: Info, global_ids: list[str]) -> list[Any | None]:
    """The objects the IDs name, in order; null where hidden or missing (one query per type)."""
    if len(global_ids) > MAX_PAGE_SIZE:
        raise ValidationFailed(
            f"一次最多查询{MAX_PAGE_SIZE}个对象", code="TOO_MANY_IDS", field="ids"
        )
    wanted: list[tuple[str, int] | None] = []
    for value in global_ids:
        try:
            wanted.append(parse_global_id(value, field="ids"))
        except NotFound:
            wanted.append(None)  # a retired key version names nothing, like a missing row
    session, actor = info.context.session, info.context.actor
    found: dict[tuple[str, int], Any] = {}
    for type_name in dict.fromkeys(w[0] for w in wanted if w is not None):
        entry = _NODES.get(type_name)
        if entry is None:
            continue
        model, convert = entry
        pks = sorted({pk for t, pk in (w for w in wanted if w is not None) if t == type_name})
        rows = (await session.execute(readable(actor, model).where(model.id.in_(pks)))).scalars()
        for row in rows:
            found[(type_name, row.id)] = convert(row)
        for pk in pks:
            if (type_name, pk) not in found:
                refused_read(session, actor, model, pk)  # audited after the response, as node()
    return [found.get(w) if w is not None else None for w in wanted]
