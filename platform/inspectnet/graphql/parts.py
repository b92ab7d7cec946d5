"""What a domain contributes to the schema, declared once in its ``graphql.py`` as ``SCHEMA``.

The assembly (``inspectnet.schema``) merges every registered domain's part: its root fields,
the types only reachable through ``node``, and the fields it adds to other domains' types
(``Office.targets`` is declared by targets, not written into network), so no type is a hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TypeField:
    """A field a domain adds to a type another domain owns, named by its GraphQL type name."""

    on: str
    name: str
    field: Any  # a StrawberryField, e.g. from strawberry.field(resolver=…) or connection_field


@dataclass(frozen=True)
class SchemaPart:
    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: tuple[type, ...] = ()
    fields: tuple[TypeField, ...] = field(default_factory=tuple)
