"""What a GraphQL operation costs, before it runs (requested) and after (actual).

The formula (docs/graphql.md, "Cost"), per selected field:

- a scalar or enum field, ``__typename``: 0
- an object field: 1 + the cost of its selection (1 also when it comes back null)
- a connection field (an object type with ``edges`` and ``pageInfo``):
  1 + n × (cost of one item) + the cost of its other fields, where one item is an ``edges``
  element (the edge itself is free, its ``node`` is an object) or a ``nodes`` element (an
  object), and n is ``first``, else ``last``, else the default page size (20);
  ``pageInfo`` and ``totalCount`` are free (``PageInfo`` and edges are wrappers);
- a list of objects that is not a connection: 10 × (1 + cost of its selection), 10 being an
  assumed length (node lists are connections, so plain lists are short value lists);
- each top-level mutation field: 10 + the cost of its payload's selection;
- ``__schema`` / ``__type``: 1, whatever is selected below them (development only);
- a field on an interface or union: the most expensive of the possible object types.

The requested cost applies this to the document with its variables, ``@skip``/``@include``
honoured. The actual cost applies it to the data that came back: n is the number of items
returned, absent keys (a fragment for another type, a field skipped) cost nothing, and
nothing is counted below a null. So actual ≤ requested, except when a plain list is longer
than its assumed 10.

``first``/``last`` outside 0..100 are refused here, statically, before any resolver runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
)

from inspectnet.http.ratelimit import Throttle
from inspectnet.http.refusals import Refusal
from inspectnet.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


@dataclass(frozen=True)
class CostWeights:
    object: int = 1
    mutation: int = 10
    introspection: int = 1
    plain_list_length: int = 10
    default_page_size: int = DEFAULT_PAGE_SIZE
    max_page_size: int = MAX_PAGE_SIZE


WEIGHTS = CostWeights()


@dataclass
class CostReport:
    """``extensions.cost`` of a response, in Shopify's shape."""

    requested: int | None = None  # None when refused before it could be priced
    actual: int = 0  # 0 unless the operation ran
    throttle: Throttle | None = None  # None until the caller is known

    def as_json(self) -> dict[str, Any]:
        return {
            "requestedQueryCost": self.requested,
            "actualQueryCost": self.actual,
            "throttleStatus": self.throttle.as_json() if self.throttle else None,
        }


_STATIC: Any = object()  # "not executed yet": cost the document, not data
_ABSENT: Any = object()  # a response key the data does not hold


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> int:
    """The operation's cost from the document alone; PAGE_SIZE_OUT_OF_RANGE is refused here."""
    return _Costing(schema, document, variables).operation(operation, _STATIC)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
) -> int:
    """The operation's cost counted on the data it returned (0 when it returned none)."""
    if data is None:
        return 0
    return _Costing(schema, document, variables).operation(operation, data)


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= type_.fields.keys()


def _is_wrapper(type_: GraphQLNamedType) -> bool:
    """Edges and PageInfo only package a connection's items; they cost nothing themselves."""
    if not isinstance(type_, GraphQLObjectType):
        return False
    return type_.name == "PageInfo" or {"node", "cursor"} <= type_.fields.keys()


class _Costing:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]):
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        # Static costs of merged selection sets: fragment reuse is priced once, not re-walked.
        self.memo: dict[tuple[str, tuple[int, ...]], int] = {}
        # The fields of a merged selection set that can cost anything (not scalars, enums or
        # ``__typename``), collected once: the actual cost walks them for every returned item.
        self.priced: dict[tuple[str, tuple[int, ...]], list[tuple[str, list[FieldNode]]]] = {}

    def operation(self, operation: OperationDefinitionNode, data: Any) -> int:
        root = self.schema.get_root_type(operation.operation)
        assert root is not None  # validation guarantees the operation type exists
        mutation = operation.operation is OperationType.MUTATION
        total = 0
        for key, nodes in self.collect(root, (operation.selection_set,)).items():
            value = self.child(data, key)
            if value is _ABSENT:
                continue
            introspection = nodes[0].name.value.startswith("__")
            weight = WEIGHTS.mutation if mutation and not introspection else None
            total += self.field(root, nodes, value, weight)
        return total

    def field(
        self,
        parent: GraphQLObjectType,
        nodes: list[FieldNode],
        value: Any,
        weight: int | None = None,
    ) -> int:
        name = nodes[0].name.value
        if name == "__typename":
            return 0
        if name.startswith("__"):
            return WEIGHTS.introspection
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        subs = tuple(n.selection_set for n in nodes if n.selection_set is not None)
        if _is_connection(named):
            return self.connection(named, nodes, subs, value)  # type: ignore[arg-type]
        own = weight if weight is not None else (0 if _is_wrapper(named) else WEIGHTS.object)
        if is_list_type(get_nullable_type(definition.type)):
            return self.plain_list(named, subs, value, own)
        if value is None:
            return own
        return own + self.selection(named, subs, value)

    def plain_list(
        self, named: GraphQLNamedType, subs: tuple[SelectionSetNode, ...], value: Any, own: int
    ) -> int:
        if value is _STATIC:
            return WEIGHTS.plain_list_length * (own + self.selection(named, subs, _STATIC))
        return sum(
            own + (self.selection(named, subs, item) if item is not None else 0)
            for item in _flatten(value)
        )

    def connection(
        self,
        connection: GraphQLObjectType,
        nodes: list[FieldNode],
        subs: tuple[SelectionSetNode, ...],
        value: Any,
    ) -> int:
        size = self.page_size(nodes[0])
        total = WEIGHTS.object
        if value is None:
            return total
        for key, field_nodes in self.collect(connection, subs).items():
            child = self.child(value, key)
            if child is _ABSENT:
                continue
            name = field_nodes[0].name.value
            if name not in ("edges", "nodes"):
                total += self.field(connection, field_nodes, child)
                continue
            item_type = get_named_type(connection.fields[name].type)
            item_subs = tuple(n.selection_set for n in field_nodes if n.selection_set is not None)
            own = 0 if name == "edges" else WEIGHTS.object
            if child is _STATIC:
                total += size * (own + self.selection(item_type, item_subs, _STATIC))
            elif child is not None:
                total += sum(
                    own + self.selection(item_type, item_subs, item)
                    for item in child
                    if item is not None
                )
        return total

    def selection(
        self, type_: GraphQLNamedType, subs: tuple[SelectionSetNode, ...], value: Any
    ) -> int:
        if not subs:
            return 0
        if is_abstract_type(type_):
            candidates = self.schema.get_possible_types(type_)  # type: ignore[arg-type]
            return max((self.object_selection(t, subs, value) for t in candidates), default=0)
        return self.object_selection(type_, subs, value)  # type: ignore[arg-type]

    def object_selection(
        self, type_: GraphQLObjectType, subs: tuple[SelectionSetNode, ...], value: Any
    ) -> int:
        memo_key = (type_.name, tuple(id(s) for s in subs))
        if value is _STATIC and memo_key in self.memo:
            return self.memo[memo_key]
        priced = self.priced.get(memo_key)
        if priced is None:
            priced = self.priced[memo_key] = [
                (key, nodes)
                for key, nodes in self.collect(type_, subs).items()
                if not _free(type_, nodes[0].name.value)
            ]
        total = 0
        for key, nodes in priced:
            child = self.child(value, key)
            if child is not _ABSENT:
                total += self.field(type_, nodes, child)
        if value is _STATIC:
            self.memo[memo_key] = total
        return total

    @staticmethod
    def child(value: Any, key: str) -> Any:
        if value is _STATIC:
            return _STATIC
        if isinstance(value, dict):
            return value.get(key, _ABSENT)
        return _ABSENT

    def collect(
        self, type_: GraphQLObjectType, subs: tuple[SelectionSetNode, ...]
    ) -> dict[str, list[FieldNode]]:
        """Fields by response key for one object type (the specification's CollectFields)."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        stack = list(reversed(subs))
        while stack:
            for selection in stack.pop().selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    fields.setdefault((selection.alias or selection.name).value, []).append(
                        selection
                    )
                elif isinstance(selection, InlineFragmentNode):
                    if self.applies(selection.type_condition, type_):
                        stack.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if name in visited or fragment is None:
                        continue
                    visited.add(name)
                    if self.applies(fragment.type_condition, type_):
                        stack.append(fragment.selection_set)
        return fields

    def applies(self, condition: NamedTypeNode | None, type_: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is type_:
            return True
        return is_abstract_type(named) and self.schema.is_sub_type(named, type_)  # type: ignore[arg-type]

    def included(self, selection: SelectionNode) -> bool:
        for directive in selection.directives or ():
            flag = self.boolean_argument(directive.arguments)
            if directive.name.value == "skip" and flag is True:
                return False
            if directive.name.value == "include" and flag is False:
                return False
        return True

    def boolean_argument(self, arguments: Any) -> bool | None:
        for argument in arguments or ():
            if argument.name.value != "if":
                continue
            if isinstance(argument.value, BooleanValueNode):
                return argument.value.value
            if isinstance(argument.value, VariableNode):
                return bool(self.variables.get(argument.value.name.value))
        return None

    def int_argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, IntValueNode):
                return int(argument.value.value)
            if isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
                return value if isinstance(value, int) else None
        return None

    def page_size(self, node: FieldNode) -> int:
        """``first`` else ``last`` else the default; outside 0..100 the request is refused."""
        first, last = self.int_argument(node, "first"), self.int_argument(node, "last")
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= WEIGHTS.max_page_size:
                error = GraphQLError(
                    f"{name} 应在0到{WEIGHTS.max_page_size}之间",
                    node,
                    extensions={"code": "PAGE_SIZE_OUT_OF_RANGE", "field": name},
                )
                raise Refusal.from_graphql_errors([error], "PAGE_SIZE_OUT_OF_RANGE")
        if first is not None:
            return first
        if last is not None:
            return last
        return WEIGHTS.default_page_size


def _free(parent: GraphQLObjectType, name: str) -> bool:
    """A field that costs 0 whatever it holds: ``__typename``, a scalar or an enum."""
    if name == "__typename":
        return True
    if name.startswith("__"):
        return False
    return is_leaf_type(get_named_type(parent.fields[name].type))


def _flatten(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    items: list[Any] = []
    for item in value:
        items.extend(_flatten(item))
    return items
