"""The base policy speaks of the roles and object types the code has, and no others."""

from __future__ import annotations

from pathlib import Path

import inspectnet.models as models
from inspectnet import domains
from inspectnet.accounts.models import Role
from inspectnet.authz.policy import parse_csv
from inspectnet.authz.sources import OFFICE, SELF, RelationSource


def _rows(repo_root: Path) -> list[tuple[str, ...]]:
    text = (repo_root / "policies" / "base.csv").read_text(encoding="utf-8")
    return [line.values for line in parse_csv(text) if line.ptype == "p"]


def test_base_policy_roles_are_the_role_enum(repo_root: Path) -> None:
    assert {row[0] for row in _rows(repo_root)} == {role.value for role in Role}


def test_base_policy_types_and_relations_exist(repo_root: Path) -> None:
    model_types = {
        getattr(model, "__authz_type__", None)
        for model in models.mapped().values()
        if isinstance(model, type)
    }
    rows = _rows(repo_root)
    assert {row[3] for row in rows} <= model_types
    registered = {
        relation
        for domain in domains.installed()
        for source in domain.sources()
        if isinstance(source, RelationSource) and source.scope == OFFICE
        for relation in source.relations
    }
    assert {row[2] for row in rows} <= {SELF, *registered}
    assert all(row[1] == "*" and row[4] == "*" for row in rows), (
        "base rows are for every office and object"
    )
