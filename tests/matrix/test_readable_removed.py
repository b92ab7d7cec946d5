"""Removing the ``readable`` filter from one call site makes the matrix fail (issue 17).

A site is a module that narrows reads with ``readable``/``readable_filter``/``get_readable``:
the door's single read (authz/checks.py), node and link loading (graphql/nodes.py), and each
repository whose rows the world holds. Each in turn has its filter replaced by the unfiltered
query, and a slice of the matrix (the rows of that domain, their parents' fields, the root
fields; as the roles most often refused) must then report a violation.

``NOT_CAUGHT`` lists the repositories whose filter the matrix cannot see go, and why.
Repositories of types the world holds no row of (planning, filings, bodies, rectification,
ledger, archive, transfers, disclosure) are not listed: a role there is refused nothing the
world could show it, so the matrix cannot see their filter go.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from sqlalchemy import select, true

from inspectnet.db import Database
from inspectnet.graphql.nodes import _NODES
from tests.conftest import Api
from tests.matrix.test_matrix import _matrix
from tests.matrix.world import World

SITES = (
    "inspectnet.authz.checks",
    "inspectnet.graphql.nodes",
    "inspectnet.casework.repository",
    "inspectnet.intake.repository",
    "inspectnet.inspections.repository",
    "inspectnet.people.repository",
    "inspectnet.accounts.repository",
    "inspectnet.targets.repository",
    "inspectnet.reports.repository",
    "inspectnet.discipline.repository",
)
# Sites whose filter the matrix does not see go (each also narrows by another condition the
# world's roles never cross): notifications by their recipient, the audit log by the office it
# is asked of (the door checks that office first), offices by the relation asked for.
NOT_CAUGHT = (
    "inspectnet.notifications.repository",
    "inspectnet.audit.repository",
    "inspectnet.network.repository",
)
ROLES = ("sibling_staff", "recused_member", "office_staff", "target_user", "auditor")
PARENTS = {"Inspection", "Office", "Target", "Person", "Petition", "Clue", "Finding", "Report"}


def _unfiltered(actor: Any, model: type[Any], action: str = "read") -> Any:
    return select(model)


def _all_rows(actor: Any, model: type[Any], action: str = "read") -> Any:
    return true()


def _domain_types(site: str) -> set[str]:
    domain = site.split(".")[1]
    return {name for name, (model, _) in _NODES.items() if model.__module__.split(".")[1] == domain}


async def test_removing_readable_from_any_listed_site_makes_the_matrix_fail(
    matrix_api: Api, world: World, db: Database
) -> None:
    caught = []
    for site in SITES:
        module = importlib.import_module(site)
        names = [n for n in ("readable", "readable_filter") if hasattr(module, n)]
        assert names, f"{site} calls no readable filter"
        with pytest.MonkeyPatch.context() as patch:
            for name in names:
                patch.setattr(module, name, _unfiltered if name == "readable" else _all_rows)
            matrix = await _matrix(matrix_api, world, db)
            matrix.first_failure = True
            only = _domain_types(site) | PARENTS
            asks = matrix.node_asks() + matrix.field_asks(only) + matrix.root_asks()
            await matrix.run(ROLES, asks)
        if matrix.out.violations:
            caught.append(site)
    assert caught == list(SITES)
