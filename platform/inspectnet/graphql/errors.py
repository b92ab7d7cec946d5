"""Errors as clients see them: ``userErrors`` in payloads, ``extensions.code`` otherwise."""

from __future__ import annotations

import strawberry

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
