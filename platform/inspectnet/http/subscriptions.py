"""GraphQL subscriptions over WebSocket: the graphql-transport-ws protocol, by hand.

Written here rather than with strawberry's handler so that sign-in and the document limits are
the HTTP endpoint's own:

- the caller signs in by the ``connection_init`` payload only (``{"authorization": "Bearer …"}``),
  never by query string or cookie; a missing or bad token closes the socket with 4403, a
  ``subscribe`` before the acknowledgement with 4401, as the protocol says;
- a ``subscribe`` goes through the same steps as an HTTP request before it runs: the token limit,
  the shape limits (depth, aliases), the specification's rules, introspection off outside
  development, variables coerced, the requested cost within the per-request maximum and taken
  from the caller's budget (once per subscribe; events are not charged). A refusal is an
  ``error`` message for that subscription and the connection stays open;
- only subscription operations are served here; queries and mutations go over HTTP, where the
  transaction, the audit and the rate limits are;
- every event is re-read through ``readable`` after signing the caller in again
  (``graphql/live.py``), so a token that expired or an account deactivated closes the socket
  with 4403 at the next event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql import OperationType
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.types.execution import ExecutionResult

from inspectnet.accounts.signin import actor_for_token
from inspectnet.authz.actor import Actor
from inspectnet.errors import Unauthenticated
from inspectnet.events import EventBus
from inspectnet.graphql.live import LiveContext
from inspectnet.http.cost import requested_cost
from inspectnet.http.documents import Prepared, done_executing, executing
from inspectnet.http.execute import format_error
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.operation import check_cost, coerce_variables, operation_of
from inspectnet.http.refusals import Refusal

PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT_SECONDS = 10.0
MAX_SUBSCRIPTIONS = 20  # per connection
MAX_ID_BYTES = 64
log = logging.getLogger("inspectnet.http.subscriptions")

# Close codes of graphql-transport-ws (and RFC 6455's 1011 for our own failure).
BAD_REQUEST, UNAUTHORIZED, FORBIDDEN = 4400, 4401, 4403
SUBPROTOCOL_NOT_ACCEPTABLE, INIT_TIMEOUT = 4406, 4408
SUBSCRIBER_EXISTS, TOO_MANY_INITS = 4409, 4429
INTERNAL_ERROR = 1011


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass
class _Connection:
    service: GraphQLService
    bus: EventBus
    websocket: WebSocket
    request_id: str
    authorization: str | None = None
    user_id: int | None = None
    username: str | None = None
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: tuple[int, str] | None = None

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            if self.websocket.application_state is WebSocketState.CONNECTED:
                await self.websocket.send_text(json.dumps(message, ensure_ascii=False))

    def close_soon(self, code: int, reason: str) -> None:
        """Ask the receiving loop to close the socket (from a subscription's task)."""
        if self.close_code is None:
            self.close_code = (code, reason)
        self.closed.set()


async def serve(service: GraphQLService, bus: EventBus, websocket: WebSocket) -> None:
    """One WebSocket connection, from the handshake to the close."""
    request_id = websocket.headers.get("x-request-id") or uuid.uuid4().hex
    if PROTOCOL not in websocket.scope.get("subprotocols", []):
        await websocket.accept()
        await websocket.close(SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
        return
    await websocket.accept(subprotocol=PROTOCOL)
    connection = _Connection(service, bus, websocket, request_id)
    try:
        await _initialise(connection)
        await _receive_loop(connection)
    except _Close as close:
        await _close(connection, close.code, close.reason)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("WebSocket connection %s failed", request_id)
        await _close(connection, INTERNAL_ERROR, "Internal error")
    finally:
        await _cancel_all(connection)


async def _initialise(connection: _Connection) -> None:
    """Wait for ``connection_init`` and sign the caller in by its payload."""
    try:
        # One deadline for the whole wait: pings do not keep an anonymous socket open.
        async with asyncio.timeout(INIT_TIMEOUT_SECONDS):
            message = await _until_init(connection)
    except TimeoutError:
        raise _Close(INIT_TIMEOUT, "Connection initialisation timeout") from None
    payload = message.get("payload") or {}
    if not isinstance(payload, dict):
        raise _Close(BAD_REQUEST, "connection_init payload must be an object")
    authorization = payload.get("authorization") or payload.get("Authorization")
    if not isinstance(authorization, str):
        raise _Close(FORBIDDEN, "Forbidden")
    try:
        async with connection.service.database.session() as session:
            actor = await _sign_in(connection, session, authorization, connection.request_id)
    except Unauthenticated as error:
        log.warning("WebSocket sign-in refused: %s (request %s)", error.code, connection.request_id)
        raise _Close(FORBIDDEN, "Forbidden") from None
    connection.authorization, connection.user_id = authorization, actor.user_id
    connection.username = actor.username
    await connection.send({"type": "connection_ack"})


async def _until_init(connection: _Connection) -> dict[str, Any]:
    while True:
        message = await _receive(connection)
        kind = message["type"]
        if kind == "ping":
            await connection.send({"type": "pong"})
        elif kind == "subscribe":
            raise _Close(UNAUTHORIZED, "Unauthorized")
        elif kind == "connection_init":
            return message
        elif kind != "pong":
            raise _Close(BAD_REQUEST, "Unexpected message type")


async def _sign_in(
    connection: _Connection, session: AsyncSession, authorization: str, request_id: str
) -> Actor:
    service = connection.service
    return await actor_for_token(
        session, service.settings, service.policy, authorization, request_id
    )


async def _receive_loop(connection: _Connection) -> None:
    while True:
        receiving = asyncio.ensure_future(_receive(connection))
        closing = asyncio.ensure_future(connection.closed.wait())
        done, _ = await asyncio.wait({receiving, closing}, return_when=asyncio.FIRST_COMPLETED)
        if closing in done:
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await receiving
            code, reason = connection.close_code or (FORBIDDEN, "Forbidden")
            raise _Close(code, reason)
        closing.cancel()
        await _handle(connection, receiving.result())


async def _handle(connection: _Connection, message: dict[str, Any]) -> None:
    kind = message["type"]
    if kind == "ping":
        await connection.send({"type": "pong"})
    elif kind == "pong":
        return
    elif kind == "connection_init":
        raise _Close(TOO_MANY_INITS, "Too many initialisation requests")
    elif kind == "subscribe":
        await _subscribe(connection, message)
    elif kind == "complete":
        operation_id = message.get("id")
        task = connection.tasks.pop(operation_id, None) if isinstance(operation_id, str) else None
        if task is not None:
            task.cancel()
    else:
        raise _Close(BAD_REQUEST, "Unexpected message type")


async def _receive(connection: _Connection) -> dict[str, Any]:
    text = await connection.websocket.receive_text()
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        raise _Close(BAD_REQUEST, "Invalid message") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise _Close(BAD_REQUEST, "Invalid message")
    return message


async def _subscribe(connection: _Connection, message: dict[str, Any]) -> None:
    operation_id, payload = message.get("id"), message.get("payload")
    # The id is echoed in a close reason, which may not exceed 123 bytes.
    if not isinstance(operation_id, str) or not 0 < len(operation_id.encode()) <= MAX_ID_BYTES:
        raise _Close(BAD_REQUEST, "Invalid message")
    if not isinstance(payload, dict):
        raise _Close(BAD_REQUEST, "Invalid message")
    if operation_id in connection.tasks:
        raise _Close(SUBSCRIBER_EXISTS, f"Subscriber for {operation_id} already exists")
    try:
        prepared, variables, operation_name = await _prepare(connection, payload)
    except Refusal as refusal:
        await connection.send({"id": operation_id, "type": "error", "payload": refusal.errors})
        return
    task = asyncio.create_task(
        _run(connection, operation_id, prepared, variables, operation_name),
        name=f"subscription-{connection.request_id}-{operation_id}",
    )
    connection.tasks[operation_id] = task
    task.add_done_callback(lambda _t: _forget(connection, operation_id, task))


def _forget(connection: _Connection, operation_id: str, task: asyncio.Task[None]) -> None:
    if connection.tasks.get(operation_id) is task:
        del connection.tasks[operation_id]


async def _prepare(
    connection: _Connection, payload: dict[str, Any]
) -> tuple[Prepared, dict[str, Any] | None, str | None]:
    """The HTTP endpoint's checks, in its order, for one ``subscribe`` (a Refusal if any fails)."""
    service = connection.service
    query, variables = payload.get("query"), payload.get("variables")
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise Refusal("BAD_REQUEST", "query 须为非空字符串")
    if variables is not None and not isinstance(variables, dict):
        raise Refusal("BAD_REQUEST", "variables 须为 JSON 对象")
    if operation_name is not None and not isinstance(operation_name, str):
        raise Refusal("BAD_REQUEST", "operationName 须为字符串")
    if len(connection.tasks) >= MAX_SUBSCRIPTIONS:
        raise Refusal("TOO_MANY_SUBSCRIPTIONS", f"每个连接最多{MAX_SUBSCRIPTIONS}个订阅")
    document = service.documents.parse(query)
    operation = operation_of(document, operation_name or None)
    if operation.operation is not OperationType.SUBSCRIPTION:
        raise Refusal("OPERATION_NOT_SUPPORTED", "WebSocket 只用于订阅，查询和变更请用 HTTP POST")
    prepared = service.documents.validate(query, document)
    coerced = coerce_variables(service, operation, variables)
    requested = requested_cost(service.schema._schema, document, operation, coerced)
    check_cost(service.settings, requested)
    assert connection.username is not None
    taken, throttle = await service.budgets.take(connection.username, requested)
    if not taken:
        wait = throttle.retry_after(requested)
        raise Refusal("RATE_LIMITED", f"查询额度暂时不足，请{wait}秒后重试")
    return prepared, variables, operation_name or None


async def _run(
    connection: _Connection,
    operation_id: str,
    prepared: Prepared,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> None:
    """Stream one subscription's results until it ends, is completed, or the socket closes."""
    assert connection.authorization is not None and connection.user_id is not None
    authorization = connection.authorization

    async def sign_in(session: AsyncSession, request_id: str) -> Actor:
        return await _sign_in(connection, session, authorization, request_id)

    context = LiveContext(
        database=connection.service.database,
        bus=connection.bus,
        user_id=connection.user_id,
        request_id=f"{connection.request_id}-{operation_id}",
        sign_in=sign_in,
    )
    token = executing(prepared)
    try:
        stream = await connection.service.schema.subscribe(
            prepared.query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
        )
        if isinstance(stream, ExecutionResult):
            await _send_result(connection, operation_id, stream, "error")
            return
        async with _closing(stream):
            async for result in stream:
                if _unauthenticated(result):
                    connection.close_soon(FORBIDDEN, "Forbidden")
                    return
                await _send_result(connection, operation_id, result, "next")
        await connection.send({"id": operation_id, "type": "complete"})
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("subscription %s failed (request %s)", operation_id, connection.request_id)
        masked = {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        await connection.send({"id": operation_id, "type": "error", "payload": [masked]})
    finally:
        done_executing(token)


@contextlib.asynccontextmanager
async def _closing(stream: Any) -> AsyncIterator[Any]:
    try:
        yield stream
    finally:
        with contextlib.suppress(Exception):
            await stream.aclose()


def _unauthenticated(result: ExecutionResult) -> bool:
    return any(isinstance(e.original_error, Unauthenticated) for e in result.errors or ())


async def _send_result(
    connection: _Connection, operation_id: str, result: ExecutionResult, kind: str
) -> None:
    hide = not connection.service.settings.development
    errors = [
        format_error(e, connection.request_id, hide_suggestions=hide) for e in result.errors or ()
    ]
    if kind == "error":
        await connection.send({"id": operation_id, "type": "error", "payload": errors})
        return
    payload: dict[str, Any] = {"data": result.data}
    if errors:
        payload["errors"] = errors
    await connection.send({"id": operation_id, "type": "next", "payload": payload})


async def _close(connection: _Connection, code: int, reason: str) -> None:
    if connection.websocket.application_state is WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            async with connection.send_lock:
                await connection.websocket.close(code, reason)


async def _cancel_all(connection: _Connection) -> None:
    tasks = list(connection.tasks.values())
    connection.tasks.clear()
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
