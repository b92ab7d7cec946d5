"""Every mapped model, found through the domain registry, so mappers and Alembic see them all."""

from __future__ import annotations

import inspectnet.http.models  # noqa: F401 - the gateway's idempotency keys
from inspectnet import domains
from inspectnet.authz import models as _door  # noqa: F401 - the door's own tables
from inspectnet.db import Base

domains.load_models()


def mapped() -> dict[str, type]:
    """Every mapped model class by its name (the name its global IDs carry)."""
    return {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}
