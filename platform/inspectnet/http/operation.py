"""The operation a request asks for, checked before any SQL: the caller named by the token,
the operation picked, its variables coerced, its cost within the maximum. Shared by HTTP and
the WebSocket.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    OperationDefinitionNode,
    get_operation_ast,
    get_variable_values,
)

from inspectnet.accounts.tokens import verify_token
from inspectnet.errors import Unauthenticated
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.refusals import Refusal
from inspectnet.settings import Settings


def token_subject(settings: Settings, authorization: str | None) -> str:
    """The username a bearer token names, from its signature alone: no SQL before the budget."""
    if not authorization:
        raise Unauthenticated("请提供登录凭证（Authorization: Bearer）", code="UNAUTHENTICATED")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("登录凭证格式应为 Bearer 令牌", code="UNAUTHENTICATED")
    return verify_token(settings, token.strip())


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operation = get_operation_ast(document, name)
    if operation is not None:
        return operation
    if name is not None:
        message = f"文档中没有名为“{name}”的操作"
    elif any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        message = "文档包含多个操作时须提供 operationName"
    else:
        message = "文档中没有可执行的操作"
    raise Refusal("OPERATION_RESOLUTION_FAILURE", message)


def coerce_variables(
    service: GraphQLService, operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> dict[str, Any]:
    coerced = get_variable_values(
        service.schema._schema,
        operation.variable_definitions or (),
        variables or {},
        max_errors=20,
        hide_suggestions=not service.settings.development,
    )
    if isinstance(coerced, list):
        raise Refusal.from_graphql_errors(coerced, "INVALID_VARIABLES")
    return coerced.coerced


def check_cost(settings: Settings, requested: int) -> None:
    maximum = settings.graphql_max_query_cost
    if requested > maximum:
        message = f"查询成本{requested}超过单次上限{maximum}，请减少 first/last 或嵌套"
        extensions = {"code": "QUERY_TOO_COSTLY", "cost": requested, "maximumCost": maximum}
        raise Refusal(
            "QUERY_TOO_COSTLY", message, errors=[{"message": message, "extensions": extensions}]
        )
