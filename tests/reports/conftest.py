"""A team's inspection for the report tests (casework's fixture)."""

from __future__ import annotations

from tests.casework.conftest import team

__all__ = ["team"]
