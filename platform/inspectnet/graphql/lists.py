"""What every connection takes besides paging: a typed ``filter`` and an ``orderBy``.

A node type declares its offered orders once, ``TargetOrder = order_input("Target",
Sort("NAME", "名称", ("name",)))``, and its filter as an input class with a ``conditions()``
method returning SQL conditions on its model. ``connection_field`` (and a hand-written
connection, through ``list_args``) adds both arguments; every offered order is a keyset
(``inspectnet.paging.Order``: its columns, then the id), so a page costs what the page costs
on an index ``(parent, columns…, id)``, declared in the model beside the order.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.errors import ValidationFailed
from inspectnet.graphql.labels import labelled_enum
from inspectnet.paging import BY_ID, Order
from inspectnet.validation import date_problem


class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


labelled_enum(
    OrderDirection,
    {OrderDirection.ASC: "升序", OrderDirection.DESC: "降序"},
    name="OrderDirection",
    description="Which way an order runs (排序方向)",
)


@dataclass(frozen=True)
class Sort:
    """An order a type offers: its GraphQL name, Chinese label and model columns (before id)."""

    name: str
    label: str
    columns: tuple[str, ...]


ID_SORT = Sort("ID", "登记顺序", ())


def order_input(type_name: str, *sorts: Sort, default: OrderDirection = OrderDirection.ASC) -> Any:
    """The ``<type_name>Order`` input (field and direction) offering ``ID`` and ``sorts``."""
    offered = {s.name: s for s in (ID_SORT, *sorts)}
    field_enum = enum.Enum(f"{type_name}OrderField", {n: n for n in offered})  # type: ignore[misc]
    labelled_enum(
        field_enum,
        {field_enum[n]: s.label for n, s in offered.items()},
        name=f"{type_name}OrderField",
        description=f"What a list of {type_name} can be ordered by (排序字段)",
    )

    def order(self: Any) -> Order:
        sort = offered[self.field.value]
        descending = self.direction is OrderDirection.DESC
        return Order(f"{sort.name}_{self.direction.value}", sort.columns, descending)

    namespace: dict[str, Any] = {
        "__annotations__": {"field": field_enum, "direction": OrderDirection},
        "field": strawberry.field(description="What to order by (排序字段)"),
        "direction": strawberry.field(default=default, description="Which way (排序方向)"),
        "order": order,
        "__module__": __name__,
    }
    cls = type(f"{type_name}Order", (), namespace)
    return strawberry.input(
        cls,
        name=f"{type_name}Order",
        description=f"Order of a list of {type_name}; ties broken by registration (排序)",
    )


class ListFilter(Protocol):
    def conditions(self) -> list[ColumnElement[bool]]: ...


def frozen(value: Any) -> Hashable:
    """A filter's values as a hashable key: equal filters share one loader."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, frozen(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value if isinstance(value, Hashable) else repr(value)


def list_args(
    filter: ListFilter | None, order_by: Any | None, default: Order = BY_ID
) -> dict[str, Any]:
    """``connection(…)``'s order and filter arguments from a field's ``filter``/``orderBy``."""
    order = order_by.order() if order_by is not None else default
    where = filter.conditions() if filter is not None else []
    return {"order": order, "where": where, "where_key": frozen(filter)}


def _range(column: Any, start: Any, end: Any, field: str) -> list[ColumnElement[bool]]:
    # A bound no column can hold (year 1 at +14:00 is before year 1 in UTC) is refused here,
    # as an input would be, instead of failing in the database driver.
    for bound, name in ((start, "from"), (end, "to")):
        problem = date_problem(bound, field=f"filter.{field}.{name}") if bound else None
        if problem is not None:
            raise problem
    if start is not None and end is not None and start > end:
        raise ValidationFailed("范围的起点晚于终点", code="INVALID_RANGE", field=f"filter.{field}")
    found: list[ColumnElement[bool]] = []
    if start is not None:
        found.append(column >= start)
    if end is not None:
        found.append(column <= end)
    return found


@strawberry.input(description="Dates from one day to another, both included (日期范围)")
class DateRange:
    start: date | None = strawberry.field(
        default=None, name="from", description="First day, included; none: no lower bound (起)"
    )
    end: date | None = strawberry.field(
        default=None, name="to", description="Last day, included; none: no upper bound (止)"
    )

    def on(self, column: Any, field: str) -> list[ColumnElement[bool]]:
        return _range(column, self.start, self.end, field)


@strawberry.input(description="Instants from one to another, both included (时间范围)")
class DateTimeRange:
    start: datetime | None = strawberry.field(
        default=None, name="from", description="Earliest instant, included (起)"
    )
    end: datetime | None = strawberry.field(
        default=None, name="to", description="Latest instant, included (止)"
    )

    def on(self, column: Any, field: str) -> list[ColumnElement[bool]]:
        return _range(column, self.start, self.end, field)


def created_in(value: DateTimeRange | None, column: Any) -> list[ColumnElement[bool]]:
    """The common ``createdAt`` filter of every node list."""
    return value.on(column, "createdAt") if value is not None else []


def archived(value: bool | None, column: Any) -> list[ColumnElement[bool]]:
    """The ``archived`` filter of an archivable list: false (the default) hides archived rows."""
    if value is None:
        return []
    return [column.is_not(None) if value else column.is_(None)]


ARCHIVED_DESCRIPTION = (
    "Only archived ones (true), only current ones (false, the default), or both (null) (归档)"
)


def each(*parts: Sequence[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """Every condition of ``parts``, in order (a filter's fields are ANDed)."""
    return [c for part in parts for c in part]


@strawberry.input(description="What every node list's filter takes (创建时间筛选)")
class CreatedFilter:
    """The base of a list's filter: the ``createdAt`` range on ``created_model.created_at``,
    ANDed after the filter's own fields (``own``), so each filter writes only those.

    A filter describing the range in its own words ("Granted within") redeclares
    ``created_at`` with that description; its place and meaning stay the same.
    """

    created_model: ClassVar[Any]
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (创建时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        """The conditions of the filter's own fields."""
        return []

    def conditions(self) -> list[ColumnElement[bool]]:
        return each(self.own(), created_in(self.created_at, self.created_model.created_at))
