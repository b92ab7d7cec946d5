"""A person's expertise holds ``expertise.*`` rule ids of the office's ruleset instead of the
values of the retired ``Expertise`` enum (issue 13 item 3: expertise as rule data).

Revision ID: 20261203_0270
Revises: 20261203_0260
Create Date: 2026-12-03

The column stays a JSON list of strings; only its values change, in batches of ``BATCH``
persons by primary-key range, each person's list read with its office's ruleset id.

- qh-zrzyt (and any ruleset besides nmg-2016): each value becomes the rule of the same field of
  qh-zrzyt §9 (``DISCIPLINE`` → ``expertise.discipline`` …), one to one.
- nmg-2016 names two fields, §11(4) 熟悉党务工作和相关政策法规: ``POLICY_LAW`` becomes
  ``expertise.policy_law``; grassroots party building, discipline inspection and organisation
  and personnel work are party affairs (党务工作) and become ``expertise.party_affairs``.
  ``FINANCE_AUDIT`` and ``NATURAL_RESOURCES`` have no field in nmg-2016: they become the
  qh-zrzyt ids and are kept, not dropped; the draw does not count a field the office's ruleset
  does not list, ``Person.expertiseRules`` leaves it out, and a correction that sends it again
  is refused (EXPERTISE_NOT_IN_RULESET) until it is removed.

Downgrade maps every id back to its enum value; ``expertise.party_affairs`` (nmg-2016) goes
back to ``PARTY_BUILDING``, so which of the three party-affairs fields a person had is not
restored; an id the enum never had is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "20261203_0270"
down_revision = "20261203_0260"
branch_labels = None
depends_on = None

BATCH = 1000
ENUM = (
    "PARTY_BUILDING",
    "DISCIPLINE",
    "PERSONNEL",
    "FINANCE_AUDIT",
    "NATURAL_RESOURCES",
    "POLICY_LAW",
)
# The enum value's field under qh-zrzyt §9, the same concept's id in every ruleset.
QH: dict[str, str] = {value: f"expertise.{value.lower()}" for value in ENUM}
NMG: dict[str, str] = {
    **QH,
    "PARTY_BUILDING": "expertise.party_affairs",
    "DISCIPLINE": "expertise.party_affairs",
    "PERSONNEL": "expertise.party_affairs",
}
BACK: dict[str, str] = {rule_id: value for value, rule_id in QH.items()}
BACK["expertise.party_affairs"] = "PARTY_BUILDING"


def upgraded(ruleset_id: str, values: list[str]) -> list[str]:
    """A person's enum values as the rule ids of their office's ruleset (unknown values kept)."""
    mapping = NMG if ruleset_id == "nmg-2016" else QH
    return sorted({mapping.get(value, value) for value in values})


def downgraded(ruleset_id: str, rule_ids: list[str]) -> list[str]:
    """A person's rule ids as enum values; an id the enum never had is dropped."""
    return sorted({BACK[rule_id] for rule_id in rule_ids if rule_id in BACK})


def _convert(change: Callable[[str, list[str]], list[str]]) -> None:
    bind = op.get_bind()
    persons = sa.table(
        "persons",
        sa.column("id", sa.Integer),
        sa.column("office_id", sa.Integer),
        sa.column("expertise", sa.JSON),
    )
    offices = sa.table("offices", sa.column("id", sa.Integer), sa.column("ruleset_id", sa.String))
    last = 0
    while True:
        batch = bind.execute(
            sa.select(persons.c.id, persons.c.expertise, offices.c.ruleset_id)
            .join(offices, offices.c.id == persons.c.office_id)
            .where(persons.c.id > last)
            .order_by(persons.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        rows = []
        for pk, values, ruleset_id in batch:
            before = list(values or [])
            after = change(ruleset_id, before)
            if after != before:
                rows.append({"pk": pk, "values": after})
        if rows:
            bind.execute(
                sa.update(persons)
                .where(persons.c.id == sa.bindparam("pk"))
                .values(expertise=sa.bindparam("values", type_=sa.JSON)),
                rows,
            )
        last = batch[-1][0]


def upgrade() -> None:
    _convert(upgraded)


def downgrade() -> None:
    _convert(downgraded)
