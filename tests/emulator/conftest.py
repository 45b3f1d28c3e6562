"""Helpers shared by the emulator's tests: a keep-alive client and a token for the default app."""

from collections.abc import Iterator

import httpx
import pytest

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator


@pytest.fixture
def emu(dingtalk_emulator: Emulator) -> Emulator:
    """The plugin's fixture under a short name."""
    return dingtalk_emulator


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    """A plain httpx client on the emulator, closed after the test."""
    with httpx.Client(base_url=emu.url, timeout=10) as client:
        yield client


@pytest.fixture
def auth(emu: Emulator) -> dict[str, str]:
    """Headers with a valid token of the default internal app."""
    return {ACCESS_TOKEN_HEADER: emu.issue_token()}
