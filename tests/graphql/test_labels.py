"""Enum labels: one per value, checked when the enum is declared."""

from __future__ import annotations

import enum

import pytest

from inspectnet.accounts.models import Role
from inspectnet.graphql.labels import UnlabelledEnum, label_of, labelled_enum


def test_an_enum_missing_a_label_is_refused_at_declaration() -> None:
    class Colour(enum.Enum):
        RED = "red"
        BLUE = "blue"

    with pytest.raises(UnlabelledEnum, match=r"unlabelled \['BLUE'\]"):
        labelled_enum(Colour, {Colour.RED: "红"}, name="Colour", description="颜色")


def test_a_blank_label_is_refused() -> None:
    class Side(enum.Enum):
        LEFT = "left"

    with pytest.raises(UnlabelledEnum, match=r"blank \['LEFT'\]"):
        labelled_enum(Side, {Side.LEFT: " "}, name="Side", description="方向")


def test_the_label_is_the_graphql_value_description() -> None:
    import inspectnet.accounts.graphql  # noqa: F401  (registers Role)

    assert label_of(Role.OFFICE_ADMIN) == "办公室管理员"
    assert label_of(Role.AUDITOR) == "审计员"
