"""What a domain contributes to the schema, declared once in its ``graphql.py`` as ``SCHEMA``.

The assembly (``inspectnet.schema``) merges every registered domain's part: its root fields,
the types only reachable through ``node``, and the fields it adds to other domains' types
(``Office.targets`` is declared by targets, not written into network), so no type is a hub;
and the files it serves by GET beside the API (``downloads``) and the calls it answers without
sign-in (``public``), so the gateway imports no domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from inspectnet.authz.actor import Actor
    from inspectnet.settings import Settings


@dataclass(frozen=True)
class TypeField:
    """A field a domain adds to a type another domain owns, named by its GraphQL type name."""

    on: str
    name: str
    field: Any  # a StrawberryField, e.g. from strawberry.field(resolver=…) or connection_field


@dataclass(frozen=True)
class Served:
    """A file a download route answers with."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class DownloadRoute:
    """``GET <prefix>{token}``: a file a domain serves outside GraphQL (e.g. an export link).

    The gateway signs the caller in from the bearer token and calls ``serve(session, actor,
    token)`` in the one unit of work (``work.py``), audited as ``action``; a refusal answers
    JSON ``{code, message}`` with ``refused_status`` (401 when the caller is not signed in).
    """

    prefix: str  # e.g. "/downloads/"
    action: str
    serve: Callable[[AsyncSession, Actor, str], Awaitable[Served]]
    refused_status: int = 404


@dataclass(frozen=True)
class PublicCall:
    """An anonymous call as the domain sees it: its JSON object body, nothing about the caller."""

    body: dict[str, Any]


@dataclass(frozen=True)
class PublicRoute:
    """``POST <path>``: a call a domain answers without sign-in (online intake from a QR code).

    The gateway checks the body (a JSON object within ``max_body_bytes``), takes one attempt
    from the client address's bucket and, when ``scope_of`` names one from the body, from that
    scope's bucket (e.g. one inspection's announcement), then calls ``answer(session, actor,
    call)`` in one unit of work as an anonymous actor that reads nothing through the door. A
    refusal answers JSON ``{code, message, field}``; nothing the call wrote is kept.
    """

    path: str
    action: str
    answer: Callable[[AsyncSession, Actor, PublicCall], Awaitable[dict[str, Any]]]
    scope_of: Callable[[dict[str, Any]], str | None] | None = None
    # A number, or one read from the settings (a route carrying a file: the evidence limit).
    max_body_bytes: int | Callable[[Settings], int] = 16_384


@dataclass(frozen=True)
class PublishedFile:
    """``GET <prefix>{name}``: a file a domain publishes to everyone, with no sign-in (e.g.
    published disclosures, nmg-2016 §35).

    The gateway opens a read-only session and calls ``serve(session, name)``; there is no
    actor, so ``serve`` reads only what the law makes public and says so (``# system scope``).
    Any refusal answers 404 with JSON ``{code, message}``.
    """

    prefix: str  # e.g. "/public/disclosures/"
    serve: Callable[[AsyncSession, str], Awaitable[Served]]


@dataclass(frozen=True)
class SchemaPart:
    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: tuple[type, ...] = ()
    fields: tuple[TypeField, ...] = field(default_factory=tuple)
    # Files served by GET beside the API, reached from the part's mutations (download links).
    downloads: tuple[DownloadRoute, ...] = ()
    # Calls answered without sign-in (POST, JSON), rate limited per address and per scope.
    # Files served by GET to everyone, without sign-in (public, read-only).
    published: tuple[PublishedFile, ...] = ()
    public: tuple[PublicRoute, ...] = ()
