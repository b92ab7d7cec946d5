"""Requests answered without execution, and the HTTP status each one gets.

A refusal is either an HTTP-level one (a body that is not a GraphQL-over-HTTP request, a
method or media type we do not serve, a missing CSRF header, the caller unknown or over
budget) with a fixed status, or a *GraphQL request error* (the document does not parse or
validate, a limit or the cost is exceeded, variables do not coerce), whose status depends on
the response media type: 200 for ``application/json``, 400 for
``application/graphql-response+json`` (GraphQL-over-HTTP, "Status Codes").
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

REQUEST_ERROR_JSON_STATUS = 200
REQUEST_ERROR_GRAPHQL_RESPONSE_STATUS = 400


class Refusal(Exception):
    """A request refused before any resolver ran (and before any SQL)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message
        self.status = status  # None: a GraphQL request error (status by media type)
        self.headers = headers or {}
        self.errors = errors or [{"message": message, "extensions": {"code": code}}]

    @classmethod
    def from_graphql_errors(cls, errors: list[GraphQLError], default_code: str) -> Refusal:
        """A request error carrying graphql-core's errors (with their locations)."""
        formatted = []
        for error in errors:
            item = error.formatted
            item.setdefault("extensions", {}).setdefault("code", default_code)
            formatted.append(item)
        first = formatted[0]
        return cls(first["extensions"]["code"], first["message"], errors=formatted)

    def status_for(self, graphql_response_media: bool) -> int:
        if self.status is not None:
            return self.status
        return (
            REQUEST_ERROR_GRAPHQL_RESPONSE_STATUS
            if graphql_response_media
            else REQUEST_ERROR_JSON_STATUS
        )
