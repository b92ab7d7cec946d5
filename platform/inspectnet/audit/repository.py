"""Queries over the audit log; every one starts from the actor's readable scope."""

from __future__ import annotations

from inspectnet.audit.models import AuditEntry
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, top_level


def office_log(actor: Actor, office_id: int) -> Children:
    """The entries about one office that the actor may read (an auditor's own office)."""
    return top_level(
        readable(actor, AuditEntry).where(AuditEntry.office_id == office_id), AuditEntry
    )
