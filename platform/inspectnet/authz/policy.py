"""Policy lines, their CSV form, and the pycasbin enforcer that is the reference semantics.

The reference enforcer is what `policy explain` and the property tests compare against; the hot path
uses `compiled.CompiledPolicy`, which must answer exactly as this enforcer does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import casbin
from casbin.persist import Adapter

# platform/inspectnet/authz/policy.py -> the repository root. Production mounts the model
# elsewhere (the package data does not include policies/), so callers there pass a path.
MODEL_PATH = Path(__file__).resolve().parents[3] / "policies" / "model.conf"

P_COLUMNS = ("sub", "dom", "rel", "typ", "oid", "tgt", "act", "eft")
# A p row written without a target (the seven columns of the first model) means every target:
# domain policy files written before the target column keep their meaning.
LEGACY_P_COLUMNS = 7
EFFECT = P_COLUMNS.index("eft")
G_COLUMNS = ("user", "role", "dom")
EFFECTS = ("allow", "deny")
WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class PolicyLine:
    """One p or g row. Shape is checked on construction, so a line that exists is well-formed."""

    ptype: str
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.ptype == "p" and len(self.values) == LEGACY_P_COLUMNS:
            # Written without a target: every target (see LEGACY_P_COLUMNS).
            at = P_COLUMNS.index("tgt")
            widened = (*self.values[:at], WILDCARD, *self.values[at:])
            object.__setattr__(self, "values", widened)
        if self.ptype == "p":
            columns = P_COLUMNS
        elif self.ptype == "g":
            columns = G_COLUMNS
        else:
            raise ValueError(f"unknown policy type {self.ptype!r} (expected p or g)")
        if len(self.values) != len(columns):
            raise ValueError(
                f"{self.ptype} row needs {len(columns)} values ({', '.join(columns)}), "
                f"got {len(self.values)}"
            )
        if not all(isinstance(v, str) for v in self.values):
            raise ValueError(f"{self.ptype} row values must be strings")
        if self.ptype == "p" and self.values[EFFECT] not in EFFECTS:
            raise ValueError(f"eft must be allow or deny, got {self.values[EFFECT]!r}")
        # Only a deny may reach every relation, type or action (one recusal row denies all of
        # a target); an allow that did would grant types and actions nobody has written yet.
        if self.ptype == "p" and self.values[EFFECT] == "allow":
            rel, typ, act = self.values[2], self.values[3], self.values[6]
            if WILDCARD in (rel, typ, act):
                raise ValueError("an allow row must name its relation, type and action, not *")
        # The model resolves roles in the request's office; a g row for `*` would never match
        # (pycasbin has no domain matching function here) yet reads as if it granted everywhere.
        if self.ptype == "g" and self.values[2] == WILDCARD:
            raise ValueError("g row domain must be a concrete office, not *")

    def __str__(self) -> str:
        return ", ".join((self.ptype, *self.values))


def parse_csv(text: str) -> list[PolicyLine]:
    """Parse casbin-style policy CSV; errors name the 1-based line number."""
    lines: list[PolicyLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        ptype, *values = [token.strip() for token in stripped.split(",")]
        try:
            empty = [i for i, value in enumerate(values, start=1) if not value]
            if empty:
                # An empty field is a typo, though casbin would load it as a literal "".
                raise ValueError(f"empty value in column {empty[0]}")
            lines.append(PolicyLine(ptype, tuple(values)))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}: {stripped!r}") from None
    return lines


class _LinesAdapter(Adapter):
    """Feeds a fixed list of lines to pycasbin; saving is a no-op because auto-save is off."""

    def __init__(self, lines: Iterable[PolicyLine]) -> None:
        self._lines = tuple(lines)

    def load_policy(self, model: casbin.Model) -> None:
        # Straight into the assertions, as pycasbin's own file adapter does: ``add_policy``
        # scans every stored row for a duplicate first, so 100,000 rows took hours. Duplicates
        # are dropped here instead (in one pass), which is all that scan was for.
        for line in dict.fromkeys(self._lines):
            model.model[line.ptype[0]][line.ptype].policy.append(list(line.values))


def build_reference_enforcer(
    lines: Iterable[PolicyLine], model_path: str | Path | None = None
) -> casbin.Enforcer:
    """A real pycasbin Enforcer loaded with exactly these lines (the reference semantics)."""
    path = Path(model_path) if model_path is not None else MODEL_PATH
    enforcer = casbin.Enforcer(str(path), _LinesAdapter(lines))
    enforcer.enable_auto_save(False)
    return enforcer
