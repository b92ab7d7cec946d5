"""Small helpers shared by the test packages."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def services_required() -> bool:
    """CI sets INSPECTNET_REQUIRE_SERVICES so that a would-be skip fails instead."""
    return os.environ.get("INSPECTNET_REQUIRE_SERVICES", "") not in ("", "0", "false")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason`` on a machine without the resource; fail under CI."""
    if services_required():
        pytest.fail(f"required by INSPECTNET_REQUIRE_SERVICES but unavailable: {reason}")
    pytest.skip(reason)
