"""Errors as clients see them: ``userErrors`` in payloads, ``extensions.code`` otherwise.

A refusal of several fields at once (``ValidationFailed.of``) becomes one ``userErrors`` entry,
or one GraphQL error, per field.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from inspectnet.errors import DomainError


@strawberry.type(description="A refusal of one mutation's input (输入错误)")
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field, if any")
    code: str = strawberry.field(description="Stable English code, e.g. VALIDATION, CONFLICT")
    message: str = strawberry.field(description="Chinese message for the user")

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        return cls(
            field=["input", error.field] if error.field else None,
            code=error.code,
            message=error.message,
        )

    @classmethod
    def list_from(cls, error: DomainError) -> list[UserError]:
        """One entry per refused field, in the order the checks found them."""
        return [cls.from_error(part) for part in error.errors]


def split(error: GraphQLError) -> list[GraphQLError]:
    """A GraphQL error whose original refuses several fields, as one error per field."""
    original = error.original_error
    if not isinstance(original, DomainError) or len(original.errors) == 1:
        return [error]
    return [
        GraphQLError(
            part.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=part,
        )
        for part in original.errors
    ]
