"""Policy CSV parsing and the pycasbin reference enforcer built from policies/model.conf."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inspectnet.authz.policy import MODEL_PATH, PolicyLine, build_reference_enforcer, parse_csv

CSV = """
# roles
p, office_admin, *, self, person, *, read, allow

p,user:12 ,office:3, self,person,9,read,deny
g, user:12, office_admin, office:3
"""


def test_parse_csv_skips_comments_and_blank_lines_and_strips_values() -> None:
    assert parse_csv(CSV) == [
        PolicyLine("p", ("office_admin", "*", "self", "person", "*", "read", "allow")),
        PolicyLine("p", ("user:12", "office:3", "self", "person", "9", "read", "deny")),
        PolicyLine("g", ("user:12", "office_admin", "office:3")),
    ]
    assert str(parse_csv(CSV)[2]) == "g, user:12, office_admin, office:3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p, a, *, self, person, *, read\n", "line 1: p row needs 8 values"),
        ("\n# ok\np, a, *, self, person, *, read, maybe\n", "line 3: eft must be allow or deny"),
        ("g, user:1, office_admin, *\n", "line 1: g row domain must be a concrete office"),
        ("g, user:1, office_admin\n", "line 1: g row needs 3 values"),
        ("x, user:1, office_admin, office:1\n", "line 1: unknown policy type 'x'"),
        ("p, a, , self, person, *, read, allow\n", "line 1: empty value in column 2"),
    ],
)
def test_parse_csv_errors_name_the_line_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_csv(text)


def test_model_path_defaults_to_the_repository_policies_folder() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert repo / "policies" / "model.conf" == MODEL_PATH
    assert MODEL_PATH.is_file()


def test_reference_enforcer_follows_the_model() -> None:
    enforcer = build_reference_enforcer(parse_csv(CSV))
    assert not enforcer.auto_save
    assert enforcer.enforce("user:12", "office:3", "self", "person", "8", "", "read")
    # The eft column works: the user's own deny row overrides the role's allow.
    assert not enforcer.enforce("user:12", "office:3", "self", "person", "9", "", "read")
    assert not enforcer.enforce("user:12", "office:4", "self", "person", "8", "", "read")


def test_rows_naming_a_user_directly_match_without_any_g_row() -> None:
    # g(r.sub, p.sub, r.dom) is true when both are the same name.
    lines = [PolicyLine("p", ("user:7", "office:2", "self", "target", "*", "read", "allow"))]
    enforcer = build_reference_enforcer(lines)
    assert enforcer.enforce("user:7", "office:2", "self", "target", "1", "", "read")
    assert not enforcer.enforce("user:8", "office:2", "self", "target", "1", "", "read")


def test_reference_enforcer_takes_an_explicit_model_path(tmp_path: Path) -> None:
    mounted = tmp_path / "elsewhere.conf"
    shutil.copy(MODEL_PATH, mounted)
    enforcer = build_reference_enforcer(parse_csv(CSV), model_path=mounted)
    assert enforcer.enforce("user:12", "office:3", "self", "person", "8", "", "read")


def test_a_row_without_a_target_means_every_target() -> None:
    [line] = parse_csv("p, office_admin, *, self, person, *, read, allow")
    assert line.values == ("office_admin", "*", "self", "person", "*", "*", "read", "allow")
    assert line == PolicyLine("p", ("office_admin", "*", "self", "person", "*", "read", "allow"))


@pytest.mark.parametrize("wild", ["rel", "typ", "act"])
def test_only_a_deny_may_wildcard_relation_type_or_action(wild: str) -> None:
    values = {"rel": "self", "typ": "person", "act": "read", wild: "*"}
    row = f"office_admin, *, {values['rel']}, {values['typ']}, *, *, {values['act']}"
    with pytest.raises(ValueError, match="allow row must name its relation, type and action"):
        parse_csv(f"p, {row}, allow")
    [deny] = parse_csv(f"p, {row}, deny")
    assert deny.values[7] == "deny"
