"""Fixtures shared by the emulator's tests: keep-alive clients and a token of the default app."""

from collections.abc import Callable, Iterator

import httpx
import pytest

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator


def plain_http_client(emu: Emulator) -> httpx.Client:
    """An httpx client on the emulator's plain-HTTP loopback URL.

    ``verify=False`` only skips loading the CA bundle, which costs about 80 ms per client
    and is useless without TLS.
    """
    return httpx.Client(base_url=emu.url, timeout=10, verify=False)  # noqa: S501 - no TLS on loopback


@pytest.fixture
def emu(dingtalk_emulator: Emulator) -> Emulator:
    """The plugin's fixture under a short name."""
    return dingtalk_emulator


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    """A client on ``emu``, closed after the test."""
    with plain_http_client(emu) as client:
        yield client


@pytest.fixture
def connect() -> Iterator[Callable[[Emulator], httpx.Client]]:
    """Opens a client on any emulator (from the factory fixture, say); all are closed after the test."""
    clients: list[httpx.Client] = []

    def open_client(emulator: Emulator) -> httpx.Client:
        clients.append(plain_http_client(emulator))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture
def auth(emu: Emulator) -> dict[str, str]:
    """Headers with a valid token of the default internal app."""
    return {ACCESS_TOKEN_HEADER: emu.issue_token()}
