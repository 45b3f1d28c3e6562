"""Both clients honour the environment's proxy variables as httpx does for a client without a transport.

A real forward proxy on 127.0.0.1 (``forward_proxy``) tunnels https and forwards http; the
emulator is the DingTalk behind it.
"""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, InternalAppCredentials, Scope
from dingtalk_calendar._transport.proxies import environment_routes
from dingtalk_calendar_emulator import Emulator

from .forward_proxy import ProxyLog, forward_proxy

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.fixture
def proxy() -> Iterator[ProxyLog]:
    with forward_proxy() as log:
        yield log


def _calls_through_both_clients(emulator: Emulator, **options: object) -> list[str]:
    """A create and a get with each client; the names read back."""
    app = emulator.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    scope = Scope(organisations=["ding-acme"])

    async def with_async() -> str:
        async with AsyncCalendarClient(credentials, base_url=emulator.url, max_retries=0, **options) as c:  # type: ignore[arg-type]
            created = await c.create("alice", name="Async", scope=scope)
            return (await c.get("alice", created.calendar_id)).name

    names = [asyncio.run(with_async())]
    with CalendarClient(credentials, base_url=emulator.url, max_retries=0, **options) as sync_client:  # type: ignore[arg-type]
        created = sync_client.create("alice", name="Sync", scope=scope)
        names.append(sync_client.get("alice", created.calendar_id).name)
    return names


def test_https_proxy_tunnels_both_clients(clean_environment: pytest.MonkeyPatch, proxy: ProxyLog) -> None:
    with Emulator(tls=True) as emulator:
        clean_environment.setenv("HTTPS_PROXY", proxy.url)
        names = _calls_through_both_clients(emulator, verify=emulator.client_ssl_context())
        origin = emulator.url.removeprefix("https://")
    assert names == ["Async", "Sync"]
    assert set(proxy.tunnels) == {origin}
    assert len(proxy.tunnels) == 2  # one kept-alive tunnel per client: the token call and both calls in it
    assert proxy.forwarded == []


def test_http_proxy_forwards_both_clients(clean_environment: pytest.MonkeyPatch, proxy: ProxyLog) -> None:
    with Emulator() as emulator:
        clean_environment.setenv("http_proxy", proxy.url)
        names = _calls_through_both_clients(emulator)
    assert names == ["Async", "Sync"]
    assert len(proxy.forwarded) == 6  # per client: the token, the create, the get
    assert all(url.startswith(emulator.url + "/v1.0/") for url in proxy.forwarded)


def test_no_proxy_sends_both_clients_directly(clean_environment: pytest.MonkeyPatch, proxy: ProxyLog) -> None:
    with Emulator(tls=True) as emulator:
        clean_environment.setenv("HTTPS_PROXY", proxy.url)
        clean_environment.setenv("NO_PROXY", "example.com, 127.0.0.1")
        names = _calls_through_both_clients(emulator, verify=emulator.client_ssl_context())
    assert names == ["Async", "Sync"]
    assert proxy.tunnels == proxy.forwarded == []


def test_without_proxy_variables_nothing_is_routed(clean_environment: pytest.MonkeyPatch) -> None:
    assert environment_routes() is None
    clean_environment.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    clean_environment.setenv("NO_PROXY", "*")
    assert environment_routes() is None


@pytest.mark.parametrize(
    ("no_proxy", "url", "proxied"),
    [
        ("example.com", "https://example.com/", False),
        ("example.com", "https://api.example.com/", False),
        ("example.com", "https://notexample.com/", True),
        (".example.com", "https://example.com/", True),
        (".example.com", "https://api.example.com/", False),
        ("localhost", "https://localhost:8443/", False),
        ("::1", "https://[::1]/", False),
        ("https://api.dingtalk.com", "https://api.dingtalk.com/", False),
        ("https://api.dingtalk.com", "http://api.dingtalk.com/", True),
        ("", "https://api.dingtalk.com/", True),
    ],
)
def test_no_proxy_patterns_match_as_in_httpx(no_proxy: str, url: str, proxied: bool) -> None:
    environ = {"HTTPS_PROXY": "127.0.0.1:3128", "HTTP_PROXY": "http://127.0.0.1:3128", "NO_PROXY": no_proxy}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        for name in ("no_proxy", "http_proxy", "https_proxy", "all_proxy", "ALL_PROXY"):
            patch.delenv(name, raising=False)
        routes = environment_routes()
        assert routes is not None
        assert (routes.proxy_for(httpx.URL(url)) is not None) is proxied
        # httpx's own client, built without a transport, decides the same
        with httpx.Client() as reference:
            uses_proxy = reference._transport_for_url(httpx.URL(url)) is not reference._transport
    assert uses_proxy is proxied
