"""The matrix's machinery: the rows of every Node type by where they lie, and batched reads.

A row is ``world`` when it lies in the inspection's office (and, for a row of an inspection,
in the inspection itself): the table says who reads it. It is ``foreign`` when it lies in an
office none of the world's people holds a role in (hidden_rows.py's offices, the demo's): every
role is refused it. Rows of the world's other offices (superior, sibling, receiver) are
``neighbour``: their reads are the network's, checked by the network's own tests, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import RoleGrant, TargetBinding, UserAccount
from inspectnet.authz.resources import office_column, owner_column
from inspectnet.authz.sources import INSPECTION, scope_column_name
from inspectnet.graphql.nodes import _NODES
from inspectnet.ids import global_id
from tests.matrix.world import World

BATCH = 20
# Foreign rows read per type: enough to show a type's refusal, few enough to stay fast.
FOREIGN_PER_TYPE = 2


def node_types(schema: GraphQLSchema) -> list[str]:
    node = schema.get_type("Node")
    return sorted(t.name for t in schema.get_implementations(node).objects)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Row:
    type_name: str
    pk: int
    where: str  # world, foreign, neighbour
    owner: int | None = None

    @property
    def gid(self) -> str:
        return global_id(self.type_name, self.pk)


@dataclass
class Catalogue:
    """Every row of every Node type, by where it lies."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    def world(self, type_name: str) -> list[Row]:
        return [r for r in self.rows.get(type_name, []) if r.where == "world"]

    def foreign(self, type_name: str) -> list[Row]:
        return [r for r in self.rows.get(type_name, []) if r.where == "foreign"]

    def by_gid(self) -> dict[str, Row]:
        return {r.gid: r for rows in self.rows.values() for r in rows}


async def catalogue(session: AsyncSession, world: World, types: Iterable[str]) -> Catalogue:
    neighbours = {world.superior_id, world.sibling_id, world.receiver_id}
    found = Catalogue()
    for name in types:
        model, _ = _NODES[name]
        office = office_column(model)
        inspection_name = scope_column_name(model, INSPECTION)
        if inspection_name is None and hasattr(model, "inspection_id"):
            inspection_name = "inspection_id"
        inspection = getattr(model, inspection_name) if inspection_name else None
        owner = owner_column(model)
        columns: list[Any] = [model.id, office]
        columns.append(inspection if inspection is not None else office)
        columns.append(owner if owner is not None else model.id)
        rows = []
        for pk, office_id, insp, own in (await session.execute(select(*columns))).all():
            if name == "Inspection":
                insp = pk
            if office_id == world.office_id:
                in_world = (
                    inspection is None and name != "Inspection"
                ) or insp == world.inspection_id
                where = "world" if in_world else "neighbour"
            elif office_id in neighbours or office_id is None:
                where = "neighbour"
            else:
                where = "foreign"
            rows.append(Row(name, pk, where, own if owner is not None else None))
        found.rows[name] = rows
    return found


async def own_rows(session: AsyncSession, users: dict[str, str]) -> dict[str, set[str]]:
    """Each role's own account, person, role grants, bindings and home office: what its
    viewer shows it, whatever the table says of others' rows."""
    found: dict[str, set[str]] = {}
    for role, username in users.items():
        account = (
            await session.execute(select(UserAccount).where(UserAccount.username == username))
        ).scalar_one()
        grants = await session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == account.id))
        bindings = await session.scalars(
            select(TargetBinding.id).where(TargetBinding.user_id == account.id)
        )
        found[role] = {
            global_id("UserAccount", account.id),
            global_id("Person", account.person_id),
            global_id("Office", account.office_id),
            *(global_id("RoleGrant", pk) for pk in grants),
            *(global_id("TargetBinding", pk) for pk in bindings),
        }
    return found
