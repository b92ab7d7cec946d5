"""The registry: each domain registers itself here with one line.

A registered package is found by convention, so registering is all a new domain does outside
its own folder: ``models.py`` (mapped on the metadata Alembic sees), ``graphql.py`` with a
``SCHEMA`` part (root fields, types, fields on other domains' types), ``policy.csv`` (its
policy lines, added to ``policies/base.csv``), ``access.py`` with ``SOURCES`` (the relations and
grants it plugs into the door, authz/sources.py) and ``demo.py`` with ``async def load(session,
actor)`` (run by ``inspectnet demo load`` after the foundation's network).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspectnet.authz.store import PolicyStore

INSTALLED: list[str] = [
    "inspectnet.network",
    "inspectnet.people",
    "inspectnet.targets",
    "inspectnet.accounts",
    "inspectnet.audit",
    "inspectnet.rules",
    "inspectnet.notifications",
    "inspectnet.bodies",
    "inspectnet.planning",
    "inspectnet.filings",
    "inspectnet.inspections",
    "inspectnet.intake",
    "inspectnet.rectification",
    "inspectnet.disclosure",
    "inspectnet.archive",
    "inspectnet.discipline",
    "inspectnet.casework",
    "inspectnet.reports",
    "inspectnet.transfers",
    "inspectnet.ledger",
]

POLICY_FILE = "policy.csv"


@dataclass(frozen=True)
class Domain:
    package: str

    @property
    def name(self) -> str:
        return self.package.rsplit(".", 1)[-1]

    @property
    def folder(self) -> Path:
        return Path(import_module(self.package).__file__ or "").parent

    def module(self, name: str) -> ModuleType | None:
        """The domain's ``name`` module, or None when the domain has none."""
        dotted = f"{self.package}.{name}"
        return import_module(dotted) if find_spec(dotted) is not None else None

    def schema_part(self) -> Any:
        graphql = self.module("graphql")
        return getattr(graphql, "SCHEMA", None) if graphql is not None else None

    def sources(self) -> tuple[Any, ...]:
        """The relation and grant sources the domain plugs into the door (``access.py``)."""
        access = self.module("access")
        return tuple(getattr(access, "SOURCES", ())) if access is not None else ()

    def extensions(self, name: str) -> tuple[Any, ...]:
        """What the domain plugs into another domain's registry: ``name`` of its ``plugins.py``
        (``STATISTICS`` for the filings roll-ups, ``SWEEP_STEPS`` for the duties sweep)."""
        plugins = self.module("plugins")
        return tuple(getattr(plugins, name, ())) if plugins is not None else ()

    def policy_text(self) -> str:
        path = self.folder / POLICY_FILE
        return path.read_text("utf-8") if path.exists() else ""


def installed() -> list[Domain]:
    """Every registered domain, in registration order."""
    return [Domain(package) for package in INSTALLED]


def extensions(name: str) -> list[Any]:
    """Every registered domain's ``name`` plug-ins, in registration order."""
    return [x for d in installed() for x in d.extensions(name)]


def policy_store(policy_dir: Path) -> PolicyStore:
    """The policy store: ``policies/`` plus every registered domain's own policy lines."""
    from inspectnet.authz.store import PolicyStore

    found = installed()
    return PolicyStore(
        policy_dir,
        [d.policy_text() for d in found],
        [s for d in found for s in d.sources()],
    )


def load_models() -> None:
    """Import every domain's models so the mappers and Alembic see all tables."""
    for domain in installed():
        domain.module("models")
