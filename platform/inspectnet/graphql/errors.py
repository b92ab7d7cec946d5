"""Errors as clients see them: ``userErrors`` in payloads, ``extensions.code`` otherwise.

A refusal of several fields at once (``ValidationFailed.of``) becomes one ``userErrors`` entry,
or one GraphQL error, per field.
"""

from __future__ import annotations

import enum

import strawberry
from graphql import GraphQLError

from inspectnet.codes import CODES
from inspectnet.errors import DomainError
from inspectnet.graphql.labels import labelled_enum

ErrorCode = enum.Enum("ErrorCode", {code: code for code in CODES})  # type: ignore[misc]
labelled_enum(
    ErrorCode,
    {ErrorCode[code]: label for code, label in CODES.items()},
    name="ErrorCode",
    description="Stable English code of a refusal, one per kind of refusal (错误代码)",
)


def error_code(code: str) -> enum.Enum:
    """The enum value of a registered code; every raised code is registered (a test walks the
    source), so the fallback only keeps a future slip from failing the whole response."""
    return ErrorCode[code] if code in ErrorCode.__members__ else ErrorCode["DOMAIN_ERROR"]


@strawberry.type(description="A refusal of one mutation's input (输入错误)")
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field, if any")
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="Stable English code, e.g. VALIDATION, CONFLICT (错误代码)"
    )
    message: str = strawberry.field(description="Chinese message for the user")

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        return cls(
            field=["input", error.field] if error.field else None,
            code=error_code(error.code),
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
