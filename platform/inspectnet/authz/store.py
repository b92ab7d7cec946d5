"""The policy in force: base rows from ``policies/`` plus rows and role grants from the database.

Compiled once per change into the indexed form that answers decisions; Casbin's own enforcer
is built from the same lines on demand, as the reference (``policy explain``, property tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.authz.actor import PLATFORM_DOMAIN, user_subject
from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.models import (
    PersonIdentity,
    PlatformGrant,
    PolicyRule,
    PolicyState,
    Recusal,
    Share,
)
from inspectnet.authz.policy import WILDCARD, PolicyLine, parse_csv
from inspectnet.authz.resources import target_name
from inspectnet.authz.sources import Relations, load_grants, load_relations

BASE_POLICY_FILE = "base.csv"
MODEL_FILE = "model.conf"


@dataclass(frozen=True)
class PolicySnapshot:
    """The lines and their compiled form, replaced together."""

    lines: tuple[PolicyLine, ...]
    compiled: CompiledPolicy
    version: int  # the database's policy_state.version it was loaded at; 0 before any load
    # The relations the domains' sources computed (the network's closure, inspections'
    # phases): links and stages are permissions, so a change to them bumps the version too.
    network: Relations = field(default_factory=Relations, compare=False, repr=False)
    # When a time-bound grant starts or ends next: the snapshot is stale from then on.
    expires_at: datetime | None = field(default=None, compare=False)
    # readable() predicates by subject, then (model, action). They depend on nothing but this
    # policy, so they live and die with it; building one costs more than running the query.
    scopes: dict[str, dict[Any, Any]] = field(default_factory=dict, compare=False, repr=False)

    def scopes_of(self, subject: str) -> dict[Any, Any]:
        return self.scopes.setdefault(subject, {})


class PolicyStore:
    """Holds the current snapshot; ``reload`` swaps in a new one atomically."""

    def __init__(
        self,
        policy_dir: Path,
        extra_policies: Iterable[str] = (),
        sources: Iterable[Any] | None = None,
    ) -> None:
        """``extra_policies``: further CSV texts of base lines (the domains' own policy files);
        ``sources``: the relation and grant sources (authz/sources.py), by default those every
        registered domain declares (relations and role grants are data, never optional)."""
        self.policy_dir = policy_dir
        if sources is None:
            from inspectnet import domains

            sources = [s for d in domains.installed() for s in d.sources()]
        self.sources = tuple(sources)
        self.model_path = policy_dir / MODEL_FILE
        texts = [(policy_dir / BASE_POLICY_FILE).read_text("utf-8"), *extra_policies]
        self.base_lines = tuple(line for text in texts for line in parse_csv(text))
        self._snapshot = PolicySnapshot(self.base_lines, CompiledPolicy.compile(self.base_lines), 0)
        self._lock = asyncio.Lock()
        # Set when other replicas listen (authz.watcher): tells them a change was committed.
        self.announce: Callable[[], Awaitable[None]] | None = None

    @property
    def snapshot(self) -> PolicySnapshot:
        return self._snapshot

    @property
    def compiled(self) -> CompiledPolicy:
        return self._snapshot.compiled

    @property
    def loaded(self) -> bool:
        return self._snapshot.version > 0

    async def reload(self, session: AsyncSession) -> PolicySnapshot:
        """Read the database rows and the network and swap in a freshly compiled policy."""
        await session.connection()  # before the lock: see _refresh
        async with self._lock:
            return await self._load(session, await self._database_version(session))

    async def changed_here(self, session: AsyncSession) -> None:
        """After this process committed a change: reload, and tell the other replicas."""
        await self._refresh(session)
        if self.announce is not None:
            await self.announce()

    async def current(self, session: AsyncSession, database_version: int) -> PolicySnapshot:
        """The policy in force, reloaded first if the database has moved past it."""
        if self._stale(database_version):
            await self._refresh(session)
        return self._snapshot

    def _stale(self, database_version: int) -> bool:
        expires_at = self._snapshot.expires_at
        return database_version > self._snapshot.version or (
            expires_at is not None and clock.now() >= expires_at
        )

    async def _refresh(self, session: AsyncSession) -> PolicySnapshot:
        # Many requests may find the policy stale at once (a burst of changes): the first to
        # take the lock reloads, and the rest find the snapshot fresh instead of reloading in
        # turn while holding their connections. The connection is taken before the lock: a
        # holder waiting for the pool while the pool's connections wait for the lock would stall
        # every request until the pool's timeout (a session after its commit has none).
        await session.connection()
        async with self._lock:
            version = await self._database_version(session)
            if self._stale(version):
                await self._load(session, version)
            return self._snapshot

    @staticmethod
    async def _database_version(session: AsyncSession) -> int:
        version = await session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
        return int(version or 1)

    async def _load(self, session: AsyncSession, version: int) -> PolicySnapshot:
        now = clock.now()
        granted, expires_at = await load_grants(session, self.sources, now)
        lines = self.base_lines + tuple(granted) + tuple(await database_lines(session))
        compiled = CompiledPolicy.compile(lines)
        shares = (
            # system scope: the policy itself is loaded from every office's shares
            await session.execute(select(Share.office_id, Share.object_type, Share.object_id))
        ).all()
        relations = await load_relations(session, self.sources, shares)
        self._snapshot = PolicySnapshot(lines, compiled, version, relations, expires_at)
        return self._snapshot


async def database_lines(session: AsyncSession) -> list[PolicyLine]:
    """Platform role grants as ``g`` lines, run-time policy rows as they are, recusals."""
    grants = (await session.execute(select(PlatformGrant.user_id, PlatformGrant.role))).all()
    lines = [
        PolicyLine("g", (user_subject(user_id), role, PLATFORM_DOMAIN))
        for user_id, role in grants
        if role in PLATFORM_ROLES
    ]
    rules = (await session.execute(select(PolicyRule).order_by(PolicyRule.id))).scalars()
    lines.extend(PolicyLine(rule.ptype, rule.values()) for rule in rules)
    lines.extend(await recusal_lines(session))
    return lines


# The accounts table as the door needs it (which person an account is), named not imported.
_ACCOUNTS = table("user_accounts", column("id"), column("person_id"))


async def recusal_lines(session: AsyncSession) -> list[PolicyLine]:
    """One deny row per account of every person record of a recused identity (authz/recusals)."""
    rows = await session.execute(
        # system scope: the policy itself is loaded from every office's recusals
        select(_ACCOUNTS.c.id, Recusal.target_id)
        .join(PersonIdentity, PersonIdentity.identity_id == Recusal.identity_id)
        .join(_ACCOUNTS, _ACCOUNTS.c.person_id == PersonIdentity.person_id)
        .where(Recusal.ended_at.is_(None))
        .order_by(Recusal.id, _ACCOUNTS.c.id)
    )
    return [recusal_line(user_subject(user_id), target_id) for user_id, target_id in rows]


# Roles that mean something only in the platform domain. A grant of one in an office (or of an
# office role over the platform) would read as more than it gives, so it yields no g line.
PLATFORM_OPERATOR = "platform_operator"
PLATFORM_ROLES = frozenset({PLATFORM_OPERATOR})


def recusal_line(user_subject_: str, target_id: int) -> PolicyLine:
    """The deny row a recusal compiles to for one account: every domain, relation, type and
    action, every object of the target."""
    w = WILDCARD
    return PolicyLine("p", (user_subject_, w, w, w, w, target_name(target_id), w, "deny"))
