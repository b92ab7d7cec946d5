"""The policy in force: base rows from ``policies/`` plus rows and role grants from the database.

Compiled once per change into the indexed form that answers decisions; Casbin's own enforcer
is built from the same lines on demand, as the reference (``policy explain``, property tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, column, null, select, table, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.authz.actor import PLATFORM_DOMAIN, office_domain, user_subject
from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.models import PersonIdentity, PlatformGrant, PolicyRule, PolicyState, Recusal
from inspectnet.authz.policy import WILDCARD, PolicyLine, parse_csv
from inspectnet.authz.resources import target_name
from inspectnet.network.graph import NetworkIndex, load_index

# Domains that keep role holdings in their own tables (decision bodies' members) register a
# SELECT of (user_id, role, office_id) here; its rows become g lines like office role grants.
GRANT_SOURCES: list[Callable[[], Select[Any]]] = []

BASE_POLICY_FILE = "base.csv"
MODEL_FILE = "model.conf"


@dataclass(frozen=True)
class PolicySnapshot:
    """The lines and their compiled form, replaced together."""

    lines: tuple[PolicyLine, ...]
    compiled: CompiledPolicy
    version: int  # the database's policy_state.version it was loaded at; 0 before any load
    # The network's closure: links are permissions, so a link change bumps the version too.
    network: NetworkIndex = field(default_factory=NetworkIndex, compare=False, repr=False)
    # readable() predicates by subject, then (model, action). They depend on nothing but this
    # policy, so they live and die with it; building one costs more than running the query.
    scopes: dict[str, dict[Any, Any]] = field(default_factory=dict, compare=False, repr=False)

    def scopes_of(self, subject: str) -> dict[Any, Any]:
        return self.scopes.setdefault(subject, {})


class PolicyStore:
    """Holds the current snapshot; ``reload`` swaps in a new one atomically."""

    def __init__(self, policy_dir: Path, extra_policies: Iterable[str] = ()) -> None:
        """``extra_policies``: further CSV texts of base lines (the domains' own policy files)."""
        self.policy_dir = policy_dir
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
        async with self._lock:
            version = await session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
            lines = self.base_lines + tuple(await database_lines(session))
            compiled = CompiledPolicy.compile(lines)
            network = await load_index(session)
            self._snapshot = PolicySnapshot(lines, compiled, int(version or 1), network)
            return self._snapshot

    async def changed_here(self, session: AsyncSession) -> None:
        """After this process committed a change: reload, and tell the other replicas."""
        await self.reload(session)
        if self.announce is not None:
            await self.announce()

    async def current(self, session: AsyncSession, database_version: int) -> PolicySnapshot:
        """The policy in force, reloaded first if the database has moved past it."""
        if database_version > self._snapshot.version:
            await self.reload(session)
        return self._snapshot


async def database_lines(session: AsyncSession) -> list[PolicyLine]:
    """Office and platform role grants as ``g`` lines, run-time policy rows as they are."""
    grants = (
        await session.execute(
            union_all(
                select(RoleGrant.user_id, RoleGrant.role, RoleGrant.office_id),
                select(PlatformGrant.user_id, PlatformGrant.role, null().label("office_id")),
            )
        )
    ).all()
    for source in GRANT_SOURCES:  # their own statements: role columns of other types
        grants = [*grants, *(await session.execute(source())).all()]
    lines = [
        PolicyLine("g", (user_subject(user_id), role, _grant_domain(role, office_id)))
        for user_id, role, office_id in grants
        if (office_id is None) == (role in PLATFORM_ROLES)
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
PLATFORM_ROLES = frozenset({Role.PLATFORM_OPERATOR.value})


def _grant_domain(role: str, office_id: int | None) -> str:
    return PLATFORM_DOMAIN if office_id is None else office_domain(office_id)


def recusal_line(user_subject_: str, target_id: int) -> PolicyLine:
    """The deny row a recusal compiles to for one account: every domain, relation, type and
    action, every object of the target."""
    w = WILDCARD
    return PolicyLine("p", (user_subject_, w, w, w, w, target_name(target_id), w, "deny"))
