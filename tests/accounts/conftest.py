"""Account tests hash with cheap argon2 parameters: the production ones are checked once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from inspectnet.accounts import passwords

CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    passwords._dummy_hash.cache_clear()
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(**CHEAP))
    yield
    passwords._dummy_hash.cache_clear()
