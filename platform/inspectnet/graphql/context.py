"""The per-request context: one session, one actor, the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from inspectnet.authz.actor import Actor
from inspectnet.settings import Settings


@dataclass
class Context:
    session: AsyncSession
    actor: Actor
    settings: Settings
    request_id: str
    loaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(
        self, key: Hashable, batch: Callable[[list[Any]], Awaitable[list[Any]]]
    ) -> DataLoader[Any, Any]:
        """The request's loader for ``key``, made on first use: one batch per key and tick."""
        found = self.loaders.get(key)
        if found is None:
            found = self.loaders[key] = DataLoader(load_fn=batch)
        return found


Info = StrawberryInfo[Context, None]
