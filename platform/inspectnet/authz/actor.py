"""Who is acting: a signed-in account (with the policy snapshot of its request) or the system."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from inspectnet.authz.sources import OFFICE, Relations, root_of

if TYPE_CHECKING:
    from inspectnet.authz.compiled import CompiledPolicy

DOMAIN_PREFIX = "office:"
# The Casbin domain of roles held over the whole platform (e.g. the statutory calendar), which
# no office's role reaches: office roles are granted in ``office:N`` domains only.
PLATFORM_DOMAIN = "platform"


def office_domain(office_id: int) -> str:
    """The Casbin domain naming an office."""
    return f"{DOMAIN_PREFIX}{office_id}"


def office_of_domain(domain: str) -> int | None:
    """The office id a domain names, or None for anything else (e.g. ``*``)."""
    if domain.startswith(DOMAIN_PREFIX) and domain[len(DOMAIN_PREFIX) :].isdigit():
        return int(domain[len(DOMAIN_PREFIX) :])
    return None


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


@dataclass(frozen=True)
class Denial:
    """An access refused during a request, written to the audit log after it ends."""

    action: str
    object_type: str
    object_id: str | None
    office_id: int | None
    code: str


@dataclass
class Actor:
    """The acting account for one request or command.

    ``policy`` is the compiled policy in force when the request began, so one request sees one
    consistent policy even while another request changes it.
    """

    username: str
    policy: CompiledPolicy
    user_id: int | None = None
    person_id: int | None = None
    home_office_id: int | None = None
    request_id: str = ""
    is_system: bool = False
    denials: list[Denial] = field(default_factory=list)
    policy_changed: bool = False
    # readable() predicates by (model, action); shared with the policy snapshot the actor's
    # policy came from (see PolicySnapshot.scopes), or private to the actor.
    scope_cache: dict[tuple[type, str], Any] = field(default_factory=dict, repr=False)
    # The relations loaded with the same policy snapshot (see PolicySnapshot.network).
    network: Relations = field(default_factory=Relations, repr=False)

    @property
    def subject(self) -> str:
        return user_subject(self.user_id) if self.user_id is not None else f"system:{self.username}"

    def office_ids(self) -> set[int]:
        """Offices where the actor holds a role or a row names it directly."""
        return self.roots(OFFICE)

    def roots(self, scope: str) -> set[int]:
        """Offices (or inspections) where the actor holds a role or a row names it directly."""
        found = (root_of(scope, d) for d in self.policy.domains_of(self.subject))
        return {r for r in found if r is not None}

    @classmethod
    def system(cls, policy: CompiledPolicy, name: str = "cli", request_id: str = "") -> Actor:
        """The platform itself (CLI, demo loader): passes every check, still audited."""
        return cls(username=name, policy=policy, is_system=True, request_id=request_id)
