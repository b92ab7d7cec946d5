"""``viewerCan``: what the viewer may do with an object, asked of the same door as ``require``.

A node type declares what its mutations check, once, as ``Ability`` rows, and adds
``viewer_can: ViewerCan = viewer_can_field("Target")`` (update and delete) or
``viewer_can_field("Filing", FILING_ABILITIES)`` (a ``FilingViewerCan`` with one field per
ability). Each answer is ``authz.checks.can`` (or, for an action taken in another office,
``allowed_in``) on the row read through ``readable`` (a hidden row: all false), so a frontend
shows exactly the buttons whose mutations would pass the check. The rows, their related rows
and their parents come through per-request loaders: a page of 100 costs a few statements per
page, none per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy import Select

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import ANY_OBJECT, allowed_in, can
from inspectnet.authz.resources import parent_of, type_of
from inspectnet.authz.scopes import readable
from inspectnet.graphql.context import Info
from inspectnet.graphql.nodes import node_entry
from inspectnet.graphql.relay import by_id_loader
from inspectnet.ids import parse_global_id


@dataclass(frozen=True)
class Ability:
    """One thing a mutation does to a row, and the check that mutation runs for it.

    ``action`` is the door's action (or how the row names it, e.g. a role grant's);
    ``on`` moves the check to a related row the mutation checks instead (a post is changed
    where its target may be updated): ``(column holding its id, model)``;
    ``in_office`` checks ``action`` on a new row of a model in an office the row names
    (``require_in``: a filing is decided in the recipient office).
    """

    name: str
    description: str
    action: str | Callable[[Any], str]
    on: tuple[str, type[Any]] | None = None
    in_office: tuple[type[Any], Callable[[Any], int]] | None = None

    def action_for(self, row: Any) -> str:
        return self.action if isinstance(self.action, str) else self.action(row)


UPDATE = Ability("update", "May change it (可修改)", "update")
DELETE = Ability("delete", "May delete it (可删除)", "delete")
DEFAULT = (UPDATE, DELETE)


@strawberry.type(name="ViewerCan", description="What the viewer may do with it (当前用户权限)")
class ViewerCan:
    update: bool = strawberry.field(description="May change it (可修改)")
    delete: bool = strawberry.field(description="May delete it (可删除)")


Rows = Callable[[Actor], Select[Any]]
_TYPES: dict[str, type] = {}
ABILITIES: dict[str, tuple[Ability, ...]] = {}


def _answer_type(type_name: str, abilities: tuple[Ability, ...]) -> type:
    """``ViewerCan`` for the default pair, else ``<Type>ViewerCan`` with a field per ability."""
    if abilities == DEFAULT:
        return ViewerCan
    name = f"{type_name}ViewerCan"
    if name not in _TYPES:
        namespace: dict[str, Any] = {
            "__annotations__": {a.name: bool for a in abilities},
            **{a.name: strawberry.field(description=a.description) for a in abilities},
        }
        _TYPES[name] = strawberry.type(
            type(name, (), namespace),
            name=name,
            description=f"What the viewer may do with this {type_name} (当前用户权限)",
        )
    return _TYPES[name]


def _loader(info: Info, model: type[Any]) -> Callable[[int], Any]:
    """The request's one by-id loader of ``model`` through ``readable``."""
    actor = info.context.actor
    return by_id_loader(
        info,
        f"link.{model.__name__}",
        lambda ids: readable(actor, model).where(model.id.in_(ids)),
    )


async def _with_parents(info: Info, row: Any) -> None:
    """Load the row's parents (batched) so the door finds them in the session, not by a query."""
    while row is not None and (parent := parent_of(type(row))) is not None:
        column, model = parent
        row = await _loader(info, model)(getattr(row, column))


async def _allows(info: Info, ability: Ability, row: Any) -> bool:
    ctx = info.context
    action = ability.action_for(row)
    if ability.in_office is not None:
        model, office_of = ability.in_office
        return await allowed_in(
            ctx.session, ctx.actor, action, type_of(model), office_of(row), ANY_OBJECT
        )
    subject = row
    if ability.on is not None:
        column, model = ability.on
        subject = await _loader(info, model)(getattr(row, column))
        if subject is None:
            return False
    await _with_parents(info, subject)
    return await can(ctx.session, ctx.actor, action, subject)


async def viewer_can(
    info: Info,
    type_name: str,
    pk: int,
    abilities: tuple[Ability, ...] = DEFAULT,
    rows: Rows | None = None,
) -> Any:
    """The door's answers for the row ``pk`` of node type ``type_name``."""
    entry = node_entry(type_name)
    if entry is None:
        raise LookupError(f"no node type registered as {type_name!r}")
    model, _convert = entry
    answer = _answer_type(type_name, abilities)
    if rows is None:
        load = _loader(info, model)
    else:
        actor = info.context.actor
        load = by_id_loader(
            info, f"can.{type_name}", lambda ids: rows(actor).where(model.id.in_(ids))
        )
    row = await load(pk)
    if row is None:
        return answer(**{a.name: False for a in abilities})
    return answer(**{a.name: await _allows(info, a, row) for a in abilities})


def viewer_can_field(
    type_name: str,
    abilities: tuple[Ability, ...] = DEFAULT,
    *,
    key: str = "pk",
    rows: Rows | None = None,
) -> Any:
    """A ``viewerCan`` field for a node type whose private ``key`` holds the row's id.

    ``rows`` is the query its mutations find the row by, when that is not ``readable``
    (a link proposal is found from either end).
    """
    ABILITIES[type_name] = abilities
    answer = _answer_type(type_name, abilities)

    async def resolve(root: Any, info: Info) -> Any:
        pk = getattr(root, key, None)
        if pk is None:
            # A type that keeps no private pk: its global ID names the row.
            pk = parse_global_id(str(root.id))[1]
        return await viewer_can(info, type_name, pk, abilities, rows)

    resolve.__annotations__["return"] = answer
    return strawberry.field(
        resolver=resolve,
        graphql_type=answer,
        description="What the viewer may do with it (当前用户权限)",
    )
