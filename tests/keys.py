"""Real (random) keys for tests that run the app outside development, which refuses the
development keyring; and a guard that puts the test keyring back afterwards."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inspectnet import keyring


@functools.cache
def production_keys_dir() -> Path:
    """A keys directory with a first key for every purpose, made once per test session."""
    directory = Path(tempfile.mkdtemp(prefix="inspectnet-test-keys-")) / "keys"
    keyring.init(directory)
    return directory


@contextmanager
def keyring_restored() -> Iterator[None]:
    """Whatever keyring an app installs inside the block, the previous one is back after it."""
    previous = keyring.active()
    try:
        yield
    finally:
        keyring.install(previous)
