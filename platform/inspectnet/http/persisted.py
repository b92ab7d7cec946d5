"""Persisted queries: Apollo's automatic protocol (APQ) and an optional persisted-only mode.

APQ: a client sends ``extensions.persistedQuery = {version: 1, sha256Hash}`` without the
query; if the server knows the hash it runs the document, else it answers
``PersistedQueryNotFound`` and the client sends the query with its hash once, which the
server checks and remembers (only after the document has passed validation).

Persisted-only (``INSPECTNET_GRAPHQL_PERSISTED_ONLY``, for production): only documents in the
manifest run, whether named by hash or sent in full; nothing is learnt from clients. The
manifest is Apollo's ``persisted-query-manifest.json`` (``{"format":
"apollo-persisted-query-manifest", "operations": [{"id", "body", …}]}``) or a plain
``{sha256: document}`` object (Relay's format); every id must be its body's SHA-256.

The messages ``PersistedQueryNotFound`` and ``PersistedQueryNotSupported`` are the protocol's
own (Apollo Client matches on them), so they stay in English.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from inspectnet.http.refusals import Refusal

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class DocumentStore(Protocol):
    """Documents learnt through APQ, by SHA-256 (Redis can stand in for the memory store)."""

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...


class MemoryDocuments:
    """The most recently used ``size`` documents learnt through APQ, in this process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        query = self._documents.get(sha256)
        if query is not None:
            self._documents.move_to_end(sha256)
        return query

    async def put(self, sha256: str, query: str) -> None:
        self._documents[sha256] = query
        self._documents.move_to_end(sha256)
        while len(self._documents) > self.size:
            self._documents.popitem(last=False)


def load_manifest(path: Path) -> dict[str, str]:
    """``{sha256: document}`` from an Apollo or Relay manifest; a wrong id stops start-up."""
    raw: Any = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        pairs = [(op["id"], op["body"]) for op in raw["operations"]]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ValueError(f"{path}: not a persisted query manifest")
    manifest = {}
    for sha256, body in pairs:
        if sha256_of(body) != str(sha256).lower():
            raise ValueError(f"{path}: id {sha256} is not the SHA-256 of its document")
        manifest[str(sha256).lower()] = body
    return manifest


@dataclass(frozen=True)
class Resolved:
    """The document to run and, if it was just sent through APQ, the hash to remember it by."""

    query: str
    learn: str | None = None


class PersistedQueries:
    def __init__(
        self, manifest: dict[str, str], learnt: DocumentStore | None, persisted_only: bool
    ) -> None:
        self.manifest = manifest
        self.learnt = None if persisted_only else learnt
        self.persisted_only = persisted_only

    async def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> Resolved:
        """The document a request names, by text or by hash; refusals follow Apollo's protocol."""
        sha256 = _requested_hash(extensions)
        if sha256 is None:
            if query is None:
                raise Refusal("BAD_REQUEST", "缺少 query", status=400)
            if self.persisted_only and sha256_of(query) not in self.manifest:
                raise _not_registered()
            return Resolved(query)
        if query is not None:
            return self._sent_in_full(query, sha256)
        known = self.manifest.get(sha256)
        if known is None and self.learnt is not None:
            known = await self.learnt.get(sha256)
        if known is not None:
            return Resolved(known)
        if self.learnt is None and not self.persisted_only:
            raise _protocol_error("PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
        raise _protocol_error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")

    def _sent_in_full(self, query: str, sha256: str) -> Resolved:
        if sha256_of(query) != sha256:
            raise Refusal("PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash 与 query 不符", status=400)
        if sha256 in self.manifest:
            return Resolved(query)
        if self.persisted_only:
            raise _not_registered()
        if self.learnt is None:
            raise _protocol_error("PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
        return Resolved(query, learn=sha256)

    async def learn(self, resolved: Resolved) -> None:
        """Remember an APQ document once it has parsed and validated."""
        if resolved.learn is not None and self.learnt is not None:
            await self.learnt.put(resolved.learn, resolved.query)


def _requested_hash(extensions: dict[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise Refusal(
            "PERSISTED_QUERY_NOT_SUPPORTED", "仅支持 persistedQuery version 1", status=400
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256.lower()):
        raise Refusal("BAD_REQUEST", "sha256Hash 须为64位十六进制", status=400)
    return sha256.lower()


def _protocol_error(code: str, message: str) -> Refusal:
    # A request error (200 with application/json, as Apollo Server answers; 400 with
    # graphql-response+json); never cached, the client retries with the full query.
    return Refusal(code, message, headers={"cache-control": "private, no-cache, must-revalidate"})


def _not_registered() -> Refusal:
    return Refusal("PERSISTED_QUERY_REQUIRED", "生产环境只执行已登记的查询（persisted-only）")
