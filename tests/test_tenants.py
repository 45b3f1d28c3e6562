"""Many tenants: ``with_credentials`` gives a client of its own on the same connection pool and TLS context.

Counts and identities only; what an extra tenant costs in memory and time is measured by
``make bench``.
"""

import asyncio

import httpx
import pytest

from dingtalk_calendar import (
    APIConnectionError,
    AsyncCalendarClient,
    CalendarClient,
    InternalAppCredentials,
    MemoryTokenStore,
    Overlay,
    Scope,
)
from dingtalk_calendar._transport.tls import tls_context
from dingtalk_calendar_emulator import Emulator

from .scripted_server import Received, Reply, response, scripted_server

TOKEN_HEADER = "x-acs-dingtalk-access-token"


def _calendar(received: Received) -> Reply:
    return Reply(response(body=b'{"calendarId":"cal-1","name":"Team","author":"alice"}'))


async def test_async_tenants_share_one_pool_and_keep_their_own_tokens() -> None:
    async with scripted_server(_calendar) as server:
        first = AsyncCalendarClient("token-of-acme", base_url=server.url)
        second = first.with_credentials("token-of-globex")
        assert second._transport.transport is first._transport.transport
        assert second.tokens is not first.tokens
        assert second._token_store is not first._token_store
        for client in (first, second, first, second):
            await client.get("alice", "cal-1")
        await first.aclose()  # the pool stays open for the other tenant
        await second.get("alice", "cal-1")
        await second.aclose()
        await server.until_connections_ended(1)
    assert server.connections_opened == 1  # both tenants' calls went over one kept-alive connection
    assert [r.headers[TOKEN_HEADER] for r in server.received] == ["token-of-acme", "token-of-globex"] * 2 + [
        "token-of-globex"
    ]


def test_sync_tenants_share_one_pool_closed_with_the_last() -> None:
    with Emulator() as emulator:
        app = emulator.internal_app
        first = CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emulator.url)
        store = MemoryTokenStore()
        second = first.with_credentials(emulator.issue_token(app), token_store=store)
        assert second._transport.transport is first._transport.transport
        assert second._token_store is store
        created = first.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        first.close()
        assert second.get("alice", created.calendar_id).name == "Team"  # the pool is still open for it
        second.close()
        with pytest.raises(APIConnectionError, match="closed"):
            first.with_credentials("late")


class CountingTransport(httpx.MockTransport):
    def __init__(self) -> None:
        super().__init__(lambda request: httpx.Response(200, json={"result": True}))
        self.closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def test_a_shared_transport_is_closed_once_by_the_last_tenant_to_close() -> None:
    transport = CountingTransport()
    tenants = [CalendarClient("token-0", transport=transport)]
    tenants += [tenants[0].with_credentials(f"token-{n}") for n in range(1, 4)]
    for tenant in tenants[:-1]:
        tenant.close()
        tenant.close()  # closing twice gives back one lease only
    assert transport.closed == 0
    assert tenants[-1].subscribe("bob", "cal-1")
    tenants[-1].close()
    assert transport.closed == 1


async def test_an_async_shared_transport_is_closed_by_the_last_tenant() -> None:
    transport = CountingTransport()
    first = AsyncCalendarClient("token-a", transport=transport)
    second = first.with_credentials("token-b")
    await first.aclose()
    assert transport.closed == 0
    assert await second.subscribe("bob", "cal-1")
    await second.aclose()
    assert transport.closed == 1


def test_each_tenant_keeps_its_own_overlays() -> None:
    class Marker(Overlay):
        pass

    marker = Marker()
    first = CalendarClient("token-a", overlays=[marker])
    second = first.with_credentials("token-b")
    assert first.overlay(Marker) is marker
    with pytest.raises(LookupError):
        second.overlay(Marker)
    second.close()
    first.close()


def test_every_client_with_default_trust_shares_one_tls_context() -> None:
    assert tls_context(True) is tls_context(True)
    assert tls_context(False) is not tls_context(True)

    async def async_context() -> object:
        client = AsyncCalendarClient("token-a")
        other = client.with_credentials("token-b")
        context = client._transport.transport.ssl_context  # type: ignore[union-attr]
        assert other._transport.transport.ssl_context is context  # type: ignore[union-attr]
        await client.aclose()
        await other.aclose()
        return context

    assert asyncio.run(async_context()) is tls_context(True)
