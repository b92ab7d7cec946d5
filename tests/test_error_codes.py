"""Every error code the source raises is in the one registry (``inspectnet.codes``), and back."""

from __future__ import annotations

import ast
from pathlib import Path

import inspectnet
from inspectnet.codes import CODES

SOURCE = Path(inspectnet.__file__).parent


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "TEXT"`` assignments, to resolve ``code=NAME``."""
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def _code_positions(tree: ast.Module) -> dict[str, int]:
    """Classes of the module with a ``code`` field (a refusal's parts, e.g. CalendarProblem):
    the position of ``code`` among their fields, to read ``Problem("CODE", …)``."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields = [
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
            if "code" in fields:
                found[node.name] = fields.index("code")
    return found


def raised_codes() -> dict[str, list[str]]:
    """Each code the package raises: ``code=`` arguments, ``default_code`` of error classes and
    the ``code`` field of the parts a refusal carries, given by position."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        constants = _constants(tree)
        positions = _code_positions(tree)
        for node in ast.walk(tree):
            value: ast.expr | None = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in positions
                and len(node.args) > positions[node.func.id]
            ):
                value = node.args[positions[node.func.id]]
            if (
                (isinstance(node, ast.keyword) and node.arg == "code")
                or (
                    isinstance(node, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets
                    )
                )
                or (
                    isinstance(node, ast.AnnAssign)
                    and isinstance(node.target, ast.Name)
                    and node.target.id == "default_code"
                )
            ):
                value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                code = value.value
            elif isinstance(value, ast.Name) and value.id in constants:
                code = constants[value.id]
            else:
                continue  # e.g. code=Forbidden.default_code, or a typer exit status
            if code.isupper():
                found.setdefault(code, []).append(str(path.relative_to(SOURCE)))
    return found


def test_every_raised_code_is_registered_with_a_chinese_label() -> None:
    raised = raised_codes()
    unregistered = {code: where for code, where in raised.items() if code not in CODES}
    assert unregistered == {}, f"codes raised but not in inspectnet.codes: {unregistered}"
    assert all(label.strip() for label in CODES.values())


def test_every_registered_code_is_raised_somewhere() -> None:
    stale = sorted(set(CODES) - set(raised_codes()))
    assert stale == [], f"registered codes nothing raises: {stale}"


def test_the_walk_finds_codes_in_each_form() -> None:
    raised = raised_codes()
    assert "rules/calendar.py" in raised["CALENDAR_INVALID"]  # code=CONSTANT
    assert "errors.py" in raised["FORBIDDEN"]  # default_code = "…"
    assert "paging.py" in raised["INVALID_CURSOR"]  # code="…"
    assert "rules/calendar_checks.py" in raised["CALENDAR_HOLIDAYS_SCATTERED"]  # Problem("…")
