"""What each people mutation checks, for ``viewerCan`` on persons and the parts of their record."""

from __future__ import annotations

from inspectnet.graphql.can import Ability
from inspectnet.people.models import Person

# What each mutation checks (people/changes.py): a record and its parts change where the
# person may be updated.
PERSON_CAN = (
    Ability("update", "May change the record (可修改)", "update"),
    Ability("archive", "May archive the record (可归档)", "update"),
)
RECORD_CAN = (
    Ability("update", "May change it (可修改)", "update", on=("person_id", Person)),
    Ability("remove", "May remove it (可删除)", "update", on=("person_id", Person)),
)
# Trainings and rotations are recorded and removed, not corrected (people/graphql_changes.py).
REMOVABLE_CAN = (Ability("remove", "May remove it (可删除)", "update", on=("person_id", Person)),)
