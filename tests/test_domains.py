"""Domains register themselves: one line in the registry, everything else in their own folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import graphql_sync

from inspectnet import domains, schema

# CONVENTIONS.md, "Adding a domain": the files every domain has, and those it has when it needs them.
REQUIRED_FILES = ("__init__.py", "models.py", "repository.py", "service.py", "graphql.py")
OPTIONAL_FILES = ("loaders.py", "policy.csv", "demo.py")
# Its tests, beside the package: ``tests/<name>/`` (and ``factories.py`` when others build its rows).
TESTS_ROOT = Path(__file__).resolve().parent
REFERENCE_DOMAIN = "targets"

THROWAWAY_GRAPHQL = """
import strawberry

from inspectnet.graphql.parts import SchemaPart, TypeField


@strawberry.type(name="Gizmo", description="A throwaway type (测试)")
class GizmoType:
    label: str = strawberry.field(description="Label (标签)")


@strawberry.type
class GizmoQuery:
    @strawberry.field(description="A gizmo (测试)")
    def gizmo(self) -> GizmoType:
        return GizmoType(label="一号")


@strawberry.type
class GizmoMutation:
    @strawberry.mutation(description="Make a gizmo (测试)")
    def make_gizmo(self, label: str) -> GizmoType:
        return GizmoType(label=label)


def office_gizmo_count(root: strawberry.Parent[object]) -> int:
    return 3


SCHEMA = SchemaPart(
    query=GizmoQuery,
    mutation=GizmoMutation,
    types=(GizmoType,),
    fields=(
        TypeField(
            "Office",
            "gizmoCount",
            strawberry.field(resolver=office_gizmo_count, description="Gizmos (测试)"),
        ),
    ),
)
"""


def test_every_registered_domain_has_the_files_conventions_list() -> None:
    missing = {
        d.name: [f for f in REQUIRED_FILES if not (d.folder / f).exists()]
        for d in domains.installed()
    }
    assert {name: files for name, files in missing.items() if files} == {}


def test_every_registered_domain_has_its_tests_beside_it() -> None:
    missing = [
        d.name for d in domains.installed() if not (TESTS_ROOT / d.name / "__init__.py").exists()
    ]
    assert missing == []


def test_the_reference_domain_has_every_file_a_domain_can_have() -> None:
    """``targets`` is the one to copy: loaders, factories and a single-object read included."""
    reference = next(d for d in domains.installed() if d.name == REFERENCE_DOMAIN)
    files = ("loaders.py", *REQUIRED_FILES)
    assert [f for f in files if not (reference.folder / f).exists()] == []
    assert (TESTS_ROOT / REFERENCE_DOMAIN / "factories.py").exists()
    sdl = schema.export_sdl()
    assert "  target(id: ID!): Target\n" in sdl


def test_conventions_lists_the_same_files(repo_root: Path) -> None:
    text = (repo_root / "CONVENTIONS.md").read_text("utf-8")
    section = text[text.index("## Adding a domain") :]
    for name in (*REQUIRED_FILES, *OPTIONAL_FILES, "tests/<name>/factories.py"):
        assert f"`{name}`" in section, name


@pytest.fixture
def throwaway_domain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package in its own folder, registered by one line, removed again afterwards."""
    package = tmp_path / "gizmos"
    package.mkdir()
    (package / "__init__.py").write_text('"""Throwaway domain."""\n', "utf-8")
    (package / "graphql.py").write_text(THROWAWAY_GRAPHQL, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(domains, "INSTALLED", [*domains.INSTALLED, "gizmos"])
    yield "gizmos"
    office = next(
        t
        for part in schema.parts()
        for t in part.types
        if t.__strawberry_definition__.name == "Office"  # type: ignore[attr-defined]
    )
    definition = office.__strawberry_definition__  # type: ignore[attr-defined]
    definition.fields[:] = [f for f in definition.fields if f.python_name != "gizmoCount"]
    for name in [m for m in sys.modules if m == "gizmos" or m.startswith("gizmos.")]:
        del sys.modules[name]


def test_a_registered_domain_appears_in_the_schema(throwaway_domain: str) -> None:
    built = schema.build_schema.__wrapped__(development=True)  # type: ignore[attr-defined]
    sdl = built.as_str()
    assert "type Gizmo {" in sdl
    assert "gizmo: Gizmo!" in sdl
    assert "makeGizmo(label: String!): Gizmo!" in sdl
    office_sdl = sdl[sdl.index("type Office implements Node") :]
    assert "gizmoCount: Int!" in office_sdl[: office_sdl.index("}")]
    result = graphql_sync(built._schema, "{ gizmo { label } }")
    assert result.errors is None
    assert result.data == {"gizmo": {"label": "一号"}}


def test_the_office_type_declares_no_other_domains_fields(repo_root: Path) -> None:
    network = (repo_root / "platform/inspectnet/network/graphql.py").read_text("utf-8")
    for other in ("targets", "people", "accounts", "audit"):
        assert f"inspectnet.{other}.graphql" not in network
