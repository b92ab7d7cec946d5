"""The schema walked by introspection: every field reaching an object, and what to select.

``paths(schema)`` lists every object-reaching field of every type reachable from the root
query (lists, connections, nested objects, abstract ``Node`` fields). ``selection`` asks of the
object a field returns every argument-free scalar, its ``id`` and ``__typename`` and, for a
connection, ``totalCount`` and its ``nodes``: so an answer shows each object it reaches, and
each confidential text it lets out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)

PAGE = 100  # paging.MAX_PAGE_SIZE: one page holds every row of the world


@dataclass(frozen=True)
class Path:
    """``parent.field``, returning objects of ``target`` (an object or abstract type)."""

    parent: str
    field: str
    target: str

    @property
    def name(self) -> str:
        return f"{self.parent}.{self.field}"


def _required(field: GraphQLField) -> bool:
    return any(
        is_non_null_type(arg.type) and arg.default_value is Undefined for arg in field.args.values()
    )


def _reaches_object(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return is_object_type(named) or is_abstract_type(named)


def reachable(schema: GraphQLSchema) -> dict[str, GraphQLObjectType]:
    """Every object type reachable from the root query, by name."""
    assert schema.query_type is not None
    seen: dict[str, GraphQLObjectType] = {}
    todo: list[GraphQLNamedType] = [schema.query_type]
    while todo:
        typ = todo.pop()
        if typ.name in seen or not is_object_type(typ):
            continue
        seen[typ.name] = typ  # type: ignore[assignment]
        for field in typ.fields.values():  # type: ignore[attr-defined]
            named = get_named_type(field.type)
            if is_abstract_type(named):
                todo.extend(schema.get_possible_types(named))  # type: ignore[arg-type]
            elif is_object_type(named):
                todo.append(named)
    return seen


def paths(schema: GraphQLSchema) -> list[Path]:
    """Every object-reaching field of every reachable type."""
    found = []
    for name, typ in sorted(reachable(schema).items()):
        for field_name, field in typ.fields.items():
            if _reaches_object(field):
                found.append(Path(name, field_name, get_named_type(field.type).name))
    return found


# Values for required arguments that name no object: a search for every marker (they share
# the prefix ``MK``), a year for a date range, a rule with a deadline.
DATES = {"startsOn": '"2026-01-01"', "endsOn": '"2026-12-31"'}
RULE = '"deadline.rectification_report"'


def arguments(field: GraphQLField, ids: dict[str, str] | None = None) -> str:
    """A whole page, where the field pages; a value for each required argument (``ids``
    gives those naming an object)."""
    given = {"first": str(PAGE)} if "first" in field.args else {}
    for name, arg in field.args.items():
        if not is_non_null_type(arg.type) or arg.default_value is not Undefined:
            continue
        kind = get_named_type(arg.type).name
        if ids is not None and name in ids:
            given[name] = ids[name]
        elif name == "ruleId":
            given[name] = RULE
        elif kind == "Date":
            given[name] = DATES[name]
        elif kind == "String":
            given[name] = '"MK"'
        else:
            raise AssertionError(f"no value for the required argument {name}: {kind}")
    return "(" + ", ".join(f"{k}: {v}" for k, v in given.items()) + ")" if given else ""


def _scalars(typ: GraphQLObjectType) -> list[str]:
    return [
        name
        for name, field in typ.fields.items()
        if is_leaf_type(get_named_type(field.type)) and not _required(field)
    ]


def selection(schema: GraphQLSchema, type_name: str, depth: int = 2) -> str:
    """What to ask of an object of ``type_name``: see the module's docstring."""
    typ: Any = schema.get_type(type_name)
    if is_abstract_type(typ):
        node = schema.get_type("Node")
        if typ is node or any(node in t.interfaces for t in schema.get_possible_types(typ)):
            return "__typename ... on Node { id }"
        return "__typename"
    parts = ["__typename", *_scalars(typ)]
    if depth <= 0 or schema.get_type("Node") in typ.interfaces:
        return " ".join(parts)  # a Node's own object fields are paths of their own
    for name, field in typ.fields.items():
        if not _reaches_object(field):
            continue
        inner = selection(schema, get_named_type(field.type).name, depth - 1)
        parts.append(f"{name}{arguments(field)} {{ {inner} }}")
    return " ".join(parts)


def objects(answer: Any) -> list[dict[str, Any]]:
    """Every object in an answer (dicts with a ``__typename``), depth first."""
    found: list[dict[str, Any]] = []
    stack = [answer]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__typename" in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
