"""Static limits on a document's shape, checked before graphql-core's own validation.

They run first because some of the specification's rules are themselves expensive on hostile
documents: OverlappingFieldsCanBeMerged compares every pair of fields that share a response
key, so 300 copies of one field take about a second. Bounding depth, aliases and repeated
keys first keeps every later step cheap.

Fragments are expanded as the executor would (each distinct fragment once per selection set);
the walk is memoised on the merged selection sets, so fragment reuse cannot make it explode.
Introspection fields (``__schema``, ``__type``) do not count towards depth: introspection is
off outside development and graphql-core's MaxIntrospectionDepthRule bounds its nesting.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class ShapeLimits:
    max_depth: int
    max_aliases: int
    max_field_repeats: int


class _Exceeded(Exception):
    def __init__(self, error: GraphQLError) -> None:
        self.error = error


def check_shape(document: DocumentNode, limits: ShapeLimits) -> list[GraphQLError]:
    """Errors for a document deeper, more aliased or more repetitive than ``limits`` allow."""
    aliases = [node for node in _all_fields(document) if node.alias is not None]
    if len(aliases) > limits.max_aliases:
        return [
            _error(
                "TOO_MANY_ALIASES",
                f"查询使用了{len(aliases)}个别名，上限为{limits.max_aliases}个",
                aliases[limits.max_aliases],
            )
        ]
    walker = _ShapeWalker(document, limits)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            try:
                walker.depth((definition.selection_set,), 0)
            except _Exceeded as exceeded:
                return [exceeded.error]
    return []


def _error(code: str, message: str, node: Node) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})


def _all_fields(document: DocumentNode) -> list[FieldNode]:
    found: list[FieldNode] = []
    stack: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, (OperationDefinitionNode, FragmentDefinitionNode))
    ]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            if getattr(selection, "selection_set", None) is not None:
                stack.append(selection.selection_set)  # type: ignore[union-attr]
    return found


class _ShapeWalker:
    """Merged selection sets, level by level, as the executor would see them."""

    def __init__(self, document: DocumentNode, limits: ShapeLimits) -> None:
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[tuple[int, ...], int] = {}

    def depth(self, selection_sets: tuple[SelectionSetNode, ...], above: int) -> int:
        """The depth below these merged sets; raises when a limit is passed at ``above``."""
        if above > self.limits.max_depth:  # also ends recursion through cyclic fragments
            raise self._too_deep(above, selection_sets)
        key = tuple(id(s) for s in selection_sets)
        if key in self.memo:
            below = self.memo[key]
        else:
            below = 0
            for fields in self._merged(selection_sets).values():
                self._check_repeats(fields)
                if fields[0].name.value.startswith("__"):
                    continue
                children = tuple(f.selection_set for f in fields if f.selection_set is not None)
                below = max(below, 1 + (self.depth(children, above + 1) if children else 0))
            self.memo[key] = below
        if above + below > self.limits.max_depth:
            raise self._too_deep(above + below, selection_sets)
        return below

    def _too_deep(self, depth: int, selection_sets: tuple[SelectionSetNode, ...]) -> _Exceeded:
        message = f"查询嵌套超过{self.limits.max_depth}层（至少{depth}层）"
        return _Exceeded(_error("QUERY_TOO_DEEP", message, selection_sets[0]))

    def _check_repeats(self, fields: list[FieldNode]) -> None:
        if len(fields) > self.limits.max_field_repeats:
            name = fields[0].alias or fields[0].name
            raise _Exceeded(
                _error(
                    "TOO_MANY_REPEATED_FIELDS",
                    f"字段“{name.value}”在同一层重复{len(fields)}次，"
                    f"上限为{self.limits.max_field_repeats}次",
                    fields[self.limits.max_field_repeats],
                )
            )

    def _merged(self, selection_sets: tuple[SelectionSetNode, ...]) -> dict[str, list[FieldNode]]:
        """Fields by response key; every fragment counts whatever its type condition."""
        merged: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        stack = list(reversed(selection_sets))
        while stack:
            for selection in stack.pop().selections:
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    merged.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    stack.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is not None and name not in visited:
                        visited.add(name)
                        stack.append(fragment.selection_set)
        return merged
