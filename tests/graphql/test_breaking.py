"""``make schema-check``: breaking changes fail unless what they remove was deprecated first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from inspectnet.breaking import compare, main
from inspectnet.schema import export_sdl

BASE = """
type Query {
  office(id: ID!): Office
  offices(first: Int, after: String, legacy: Boolean @deprecated(reason: "unused")): [Office!]!
  old: String @deprecated(reason: "use office")
  gone: String
}
type Office { name: String! kind: Kind! oldCode: String @deprecated(reason: "use code") }
type Legacy { x: Int }
type Archive { y: Int }
type Holder { archive: Archive @deprecated(reason: "going") legacy: Legacy }
enum Kind { A B C @deprecated(reason: "merged into B") }
input Filter { name: String oldName: String @deprecated(reason: "use name") }
"""


def changed(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


@pytest.mark.parametrize(
    "removals",
    [
        ['  old: String @deprecated(reason: "use office")\n'],
        [' oldCode: String @deprecated(reason: "use code")'],
        [' C @deprecated(reason: "merged into B")'],
        [', legacy: Boolean @deprecated(reason: "unused")'],
        [' oldName: String @deprecated(reason: "use name")'],
        # a type whose every use was deprecated, removed with them
        ["type Archive { y: Int }\n", ' archive: Archive @deprecated(reason: "going")'],
    ],
)
def test_removing_what_was_deprecated_passes(removals: list[str]) -> None:
    sdl = BASE
    for removed in removals:
        sdl = changed(removed, "") if sdl is BASE else sdl.replace(removed, "")
    report = compare(BASE, sdl)
    assert report.refused == [] and report.allowed, report


def test_adding_is_not_breaking() -> None:
    assert (
        compare(BASE, changed("  gone: String\n", "  gone: String\n  added: Int\n")).refused == []
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  gone: String\n", "", "Field Query.gone was removed."),
        (" kind: Kind!", "", "Field Office.kind was removed."),
        (" A B C", " B C", "Enum value Kind.A was removed."),
        (
            "offices(first: Int, after: String,",
            "offices(after: String,",
            "Argument Query.offices(first:) was removed.",
        ),
        ("name: String! kind", "name: Int! kind", "Office.name changed type"),
        ("office(id: ID!)", "office(id: ID!, at: String!)", "required"),
        ("type Legacy { x: Int }\n", "", "Legacy was removed."),
    ],
)
def test_breaking_changes_not_deprecated_first_fail(old: str, new: str, expected: str) -> None:
    sdl = changed(old, new)
    if old.startswith("type Legacy"):
        sdl = sdl.replace(" legacy: Legacy", "")
    report = compare(BASE, sdl)
    assert any(expected in line for line in report.refused), report


def test_a_removed_type_still_used_elsewhere_fails() -> None:
    # Holder.legacy is not deprecated, so Legacy cannot go even if its other uses were.
    sdl = BASE.replace("type Legacy { x: Int }\n", "").replace(" legacy: Legacy", "")
    report = compare(BASE, sdl)
    assert "Legacy was removed." in report.refused
    assert "Field Holder.legacy was removed." in report.refused


def test_dangerous_changes_are_reported_but_pass() -> None:
    report = compare(BASE, BASE.replace(" A B C", " A B C D"))
    assert report.refused == [] and report.dangerous


def test_the_live_schema_against_itself_has_no_breaking_change(tmp_path: Path) -> None:
    base = tmp_path / "base.graphql"
    base.write_text(export_sdl(), encoding="utf-8")
    assert main(["--base-file", str(base)]) == 0


def test_the_command_fails_on_a_breaking_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, new = tmp_path / "base.graphql", tmp_path / "new.graphql"
    base.write_text(BASE, encoding="utf-8")
    new.write_text(changed("  gone: String\n", ""), encoding="utf-8")
    assert main(["--base-file", str(base), "--schema-file", str(new)]) == 1
    assert "BREAKING (deprecate it first): Field Query.gone was removed." in capsys.readouterr().err


def test_the_command_reads_the_base_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "schema.graphql").write_text(BASE, encoding="utf-8")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    new = tmp_path / "new.graphql"
    new.write_text(
        changed('  old: String @deprecated(reason: "use office")\n', ""), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["--base", "main", "--schema-file", str(new)]) == 0
    new.write_text(changed("  gone: String\n", ""), encoding="utf-8")
    assert main(["--base", "main", "--schema-file", str(new)]) == 1


def test_a_base_without_sdl_has_nothing_to_compare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    (tmp_path / "README").write_text("x", encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"],
        cwd=tmp_path,
        check=True,
    )
    monkeypatch.chdir(tmp_path)
    assert main(["--base", "main"]) == 0
