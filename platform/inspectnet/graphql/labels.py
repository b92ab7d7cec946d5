"""Enums with a Chinese label (the text a screen shows) on every value, declared once.

``labelled_enum(Role, LABELS, name=…, description=…)`` registers the Python enum with strawberry
and puts each label in its GraphQL value's description; a value without a label, or a label of
a value the enum does not have, stops the import, so a new value cannot ship unlabelled.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[enum.Enum])


class UnlabelledEnum(TypeError):
    """An enum's labels do not match its values one for one."""


def labelled_enum(cls: E, labels: Mapping[enum.Enum, str], *, name: str, description: str) -> E:
    """``cls`` as a GraphQL enum whose every value is described by its label in ``labels``."""
    members = set(cls)  # type: ignore[var-annotated]
    missing = sorted(m.name for m in members - set(labels))
    foreign = sorted(str(k) for k in set(labels) - members)
    blank = sorted(m.name for m, text in labels.items() if not text.strip())
    if missing or foreign or blank:
        raise UnlabelledEnum(
            f"enum {name}: unlabelled {missing}, not members {foreign}, blank {blank}"
        )
    strawberry.enum(cls, name=name, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = labels[cls[_member_name(cls, value.value)]]
    return cls


def _member_name(cls: type[enum.Enum], value: object) -> str:
    return cls(value).name


def label_of(member: enum.Enum) -> str:
    """The Chinese label of a registered enum member (for exports and messages)."""
    definition = type(member).__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        if value.value == member.value:
            return str(value.description)
    raise KeyError(member)
