"""A transfer setting, built once per test through the factories and committed."""

from __future__ import annotations

import pytest

from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.transfers.factories import TransferSetting, make_transfer_setting


@pytest.fixture
async def setting(api: Api) -> TransferSetting:
    return await arrange(api, lambda session, system: make_transfer_setting(session, system))
