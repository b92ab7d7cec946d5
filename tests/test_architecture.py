"""The architecture rules hold over the real package, and catch a new domain that breaks them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.architecture import violations

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "platform" / "inspectnet"

GOOD_MODELS = """
from sqlalchemy.orm import Mapped, mapped_column
from inspectnet.db import Base, OfficeScoped


class Gadget(Base, OfficeScoped):
    __tablename__ = "gadgets"
    __authz_type__ = "gadget"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
GOOD_REPOSITORY = """
from inspectnet.authz.scopes import readable
from inspectnet.throwaway.models import Gadget


def gadgets(actor):
    return readable(actor, Gadget)
"""
GOOD_SERVICE = """
from inspectnet.targets import service as targets


async def count(session, actor):
    return targets
"""


def _package_with(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "inspectnet"
    shutil.copytree(PACKAGE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    domain = root / "throwaway"
    domain.mkdir()
    contents = {
        "__init__.py": "",
        "models.py": GOOD_MODELS,
        "repository.py": GOOD_REPOSITORY,
        "service.py": GOOD_SERVICE,
    } | files
    for name, text in contents.items():
        (domain / name).write_text(text, "utf-8")
    return root


def _new(found: list[str]) -> list[str]:
    """Violations in the throwaway domain only (the rest of the tree is judged on its own)."""
    return [v for v in found if "/throwaway/" in v]


def test_a_well_behaved_new_domain_passes(tmp_path: Path) -> None:
    assert _new(violations(_package_with(tmp_path, {}))) == []


@pytest.mark.parametrize(
    ("file", "text", "says"),
    [
        ("service.py", "import casbin\n", "imports casbin outside authz"),
        ("policy.py", "from casbin import Enforcer\n", "imports casbin outside authz"),
        (
            "service.py",
            "from inspectnet.people.repository import persons\n",
            "another domain's repository",
        ),
        (
            "service.py",
            "from inspectnet.graphql.errors import UserError\n",
            "imports inspectnet.graphql",
        ),
        ("repository.py", "import strawberry\n", "imports strawberry"),
        ("service.py", "from fastapi import Request\n", "imports fastapi"),
        (
            "models.py",
            GOOD_MODELS + "from inspectnet.authz.scopes import readable\n",
            "imports the door",
        ),
        (
            "repository.py",
            "from sqlalchemy import select\nfrom inspectnet.throwaway.models import Gadget\n\n"
            "def everyone():\n    return select(Gadget)\n",
            "query of Gadget does not start from readable",
        ),
        (
            "repository.py",
            "from inspectnet.targets.models import Target\n\n"
            "async def one(session, pk):\n    return await session.get(Target, pk)\n",
            "query of Target does not start from readable",
        ),
    ],
)
def test_a_new_domain_breaking_a_rule_is_caught(
    tmp_path: Path, file: str, text: str, says: str
) -> None:
    found = _new(violations(_package_with(tmp_path, {file: text})))
    assert found, f"nothing caught for {file}"
    assert any(says in v for v in found), found


def test_a_system_scope_query_says_why(tmp_path: Path) -> None:
    text = (
        "from sqlalchemy import select\nfrom inspectnet.throwaway.models import Gadget\n\n"
        "def by_code(code):\n"
        "    # system scope: uniqueness of a code is checked across every office\n"
        "    return select(Gadget).where(Gadget.id == code)\n"
    )
    assert _new(violations(_package_with(tmp_path, {"repository.py": text}))) == []


def test_the_real_package_keeps_every_rule() -> None:
    """Every module of ``platform/inspectnet``; a deliberate system-scope query says why."""
    assert violations(PACKAGE_ROOT) == []


def test_a_repository_filter_built_on_the_door_counts_as_the_door(tmp_path: Path) -> None:
    text = (
        "from sqlalchemy import select\nfrom inspectnet.authz.scopes import readable_filter\n"
        "from inspectnet.throwaway.models import Gadget\n\n"
        "def mine(actor):\n    return readable_filter(actor, Gadget)\n\n"
        "def gadgets(actor):\n    return select(Gadget).where(mine(actor))\n"
    )
    assert _new(violations(_package_with(tmp_path, {"repository.py": text}))) == []
