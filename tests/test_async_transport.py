"""AsyncKeepAliveTransport, the async client's default transport, over real sockets on 127.0.0.1.

The scripted server plays what a pool must survive; the emulator checks the whole client on
top of it. Every test goes through ``httpx.AsyncClient``, as the SDK uses the transport.
"""

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from dingtalk_calendar import (
    APIConnectionError,
    AsyncCalendarClient,
    AsyncKeepAliveTransport,
    CalendarClient,
    InternalAppCredentials,
    Scope,
)
from dingtalk_calendar_emulator import Emulator

from .scripted_server import OK_BODY, Received, Reply, chunked_response, response, scripted_server


def _client(
    *, limits: httpx.Limits | None = None, timeout: float | httpx.Timeout = 5.0, verify: object = True
) -> httpx.AsyncClient:
    transport = AsyncKeepAliveTransport(limits=limits or httpx.Limits(), verify=verify)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, timeout=timeout)


async def test_sequential_requests_share_one_connection() -> None:
    async with scripted_server() as server, _client() as client:
        for _ in range(20):
            answer = await client.get(f"{server.url}/x")
            assert answer.status_code == 200
            assert answer.content == OK_BODY
    assert server.connections_opened == 1
    assert len(server.received) == 20


async def test_the_request_arrives_whole() -> None:
    async with scripted_server() as server, _client() as client:
        await client.post(f"{server.url}/v1.0/a%2Fb?q=1", json={"name": "x"})

        async def pieces() -> AsyncIterator[bytes]:
            yield b"one,"
            yield b"two"

        await client.post(f"{server.url}/streamed", content=pieces())  # sent chunked
    assert server.received == [
        Received("POST", "/v1.0/a%2Fb?q=1", b'{"name":"x"}'),
        Received("POST", "/streamed", b"one,two"),
    ]


async def test_the_response_keeps_status_headers_and_reason() -> None:
    async with scripted_server(lambda _: Reply(response(404, b'{"code":"x"}'))) as server, _client() as client:
        answer = await client.get(server.url)
    assert answer.status_code == 404
    assert answer.json() == {"code": "x"}
    assert answer.headers["content-type"] == "application/json"
    assert answer.http_version == "HTTP/1.1"
    assert answer.reason_phrase == "X"


async def test_max_connections_bounds_requests_in_flight() -> None:
    async with (
        scripted_server(lambda _: Reply(delay=0.05)) as server,
        _client(limits=httpx.Limits(max_connections=3)) as client,
    ):
        answers = await asyncio.gather(*(client.get(server.url) for _ in range(12)))
    assert all(a.status_code == 200 for a in answers)
    assert server.most_open_at_once == 3
    assert server.connections_opened == 3  # each one reused for the requests that waited


async def test_idle_connections_beyond_the_keepalive_limit_are_closed() -> None:
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=2)
    async with scripted_server(lambda _: Reply(delay=0.05)) as server, _client(limits=limits) as client:
        await asyncio.gather(*(client.get(server.url) for _ in range(5)))
        await asyncio.gather(*(client.get(server.url) for _ in range(5)))
    assert server.connections_opened == 5 + 3  # 2 of the first 5 were kept


async def test_a_connection_idle_past_the_keepalive_expiry_is_not_reused() -> None:
    async with scripted_server() as server, _client(limits=httpx.Limits(keepalive_expiry=0.05)) as client:
        await client.get(server.url)
        await asyncio.sleep(0.15)
        await client.get(server.url)
    assert server.connections_opened == 2


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    async with scripted_server(lambda _: Reply(close_after=True)) as server, _client() as client:
        for _ in range(3):
            assert (await client.get(server.url)).status_code == 200
            await asyncio.sleep(0.05)  # the server's FIN reaches the pool before the next request
    assert server.connections_opened == 3


async def test_connection_close_in_the_answer_is_honoured() -> None:
    async with scripted_server(lambda _: Reply(response(close=True))) as server, _client() as client:
        for _ in range(3):
            assert (await client.get(server.url)).status_code == 200
    assert server.connections_opened == 3


async def test_bytes_after_an_answer_do_not_become_the_next_answer() -> None:
    smuggled = response(body=b'{"smuggled":true}')

    def script(received: Received) -> Reply:
        return Reply(response() + smuggled if received.target == "/first" else response())

    async with scripted_server(script) as server, _client() as client:
        assert (await client.get(f"{server.url}/first")).content == OK_BODY
        assert (await client.get(f"{server.url}/second")).content == OK_BODY
    assert server.connections_opened == 2


async def test_a_chunked_answer_is_read_whole_and_streams() -> None:
    chunks = [b'{"a":', b'"' + b"x" * 100_000 + b'"', b"}"]
    async with scripted_server(lambda _: Reply(chunked_response(chunks))) as server, _client() as client:
        assert (await client.get(server.url)).content == b"".join(chunks)
        async with client.stream("GET", server.url) as streamed:
            parts = [part async for part in streamed.aiter_raw()]
        assert b"".join(parts) == b"".join(chunks)
        await client.get(server.url)
    assert server.connections_opened == 1  # streamed to the end, the connection was reused


async def test_a_stream_closed_half_read_does_not_return_its_connection() -> None:
    chunks = [b"x" * 70_000, b"y" * 70_000]
    async with scripted_server(lambda _: Reply(chunked_response(chunks))) as server, _client() as client:
        async with client.stream("GET", server.url) as streamed:
            async for _ in streamed.aiter_raw():
                break
        assert (await client.get(server.url)).content == b"".join(chunks)
    assert server.connections_opened == 2


async def test_informational_answers_are_skipped() -> None:
    reply = Reply(b"HTTP/1.1 100 Continue\r\n\r\n" + response(201))
    async with scripted_server(lambda _: reply) as server, _client() as client:
        assert (await client.post(server.url, content=b"x")).status_code == 201


async def test_a_server_that_hangs_up_without_answering() -> None:
    async with scripted_server(lambda _: Reply(data=None)) as server, _client() as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await client.get(server.url)


async def test_a_server_that_hangs_up_mid_answer() -> None:
    truncated = response(body=b'{"ok":true}')[:-4]
    async with scripted_server(lambda _: Reply(truncated, close_after=True)) as server, _client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(server.url)


async def test_garbage_instead_of_http_is_a_protocol_error() -> None:
    async with scripted_server(lambda _: Reply(b"SSH-2.0-OpenSSH\r\n\r\n")) as server, _client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(server.url)


async def test_read_timeout() -> None:
    async with scripted_server(lambda _: Reply(delay=5)) as server, _client(timeout=0.1) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(server.url)


async def test_pool_timeout_when_every_connection_is_busy() -> None:
    limits = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=0.1)
    async with (
        scripted_server(lambda _: Reply(delay=1)) as server,
        _client(limits=limits, timeout=timeout) as client,
    ):
        slow = asyncio.create_task(client.get(server.url))
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout):
            await client.get(server.url)
        assert (await slow).status_code == 200


async def test_a_cancelled_request_frees_its_slot() -> None:
    limits = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=1.0)

    def slow_first(received: Received) -> Reply:
        return Reply(delay=10 if received.target == "/slow" else 0)

    async with scripted_server(slow_first) as server, _client(limits=limits, timeout=timeout) as client:
        stuck = asyncio.create_task(client.get(f"{server.url}/slow"))
        await asyncio.sleep(0.05)
        stuck.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stuck
        assert (await client.get(f"{server.url}/fast")).status_code == 200
    assert server.connections_opened == 2  # the cancelled request's connection was not reused


async def test_connect_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with _client() as client:
        with pytest.raises(httpx.ConnectError, match=f"127.0.0.1:{port}"):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_unsupported_scheme() -> None:
    transport = AsyncKeepAliveTransport()
    with pytest.raises(httpx.UnsupportedProtocol):
        await transport.handle_async_request(httpx.Request("GET", "ftp://127.0.0.1/"))


async def test_aclose_closes_idle_connections() -> None:
    async with scripted_server() as server:
        async with _client() as client:
            await client.get(server.url)
        await asyncio.sleep(0.05)
        assert server.connections_closed_by_client == 1
        assert server.open_now == 0


def test_one_transport_serves_successive_event_loops() -> None:
    transport = AsyncKeepAliveTransport()

    async def one_call() -> int:
        async with scripted_server() as server:
            client = httpx.AsyncClient(transport=transport)
            return (await client.get(server.url)).status_code

    assert asyncio.run(one_call()) == 200
    assert asyncio.run(one_call()) == 200


async def test_both_clients_over_tls_with_their_verify_option() -> None:
    with Emulator(tls=True) as emulator:
        app = emulator.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        trust = emulator.client_ssl_context()
        async with AsyncCalendarClient(credentials, base_url=emulator.url, verify=trust) as client:
            created = await client.create("alice", name="Over TLS", scope=Scope(organisations=["ding-acme"]))
            assert (await client.get("alice", created.calendar_id)).name == "Over TLS"
        with CalendarClient(credentials, base_url=emulator.url, verify=trust) as sync_client:
            assert sync_client.get("alice", created.calendar_id).name == "Over TLS"


async def test_an_untrusted_certificate_is_refused() -> None:
    with Emulator(tls=True) as emulator:
        credentials = InternalAppCredentials(emulator.internal_app.app_key, emulator.internal_app.app_secret)
        async with AsyncCalendarClient(credentials, base_url=emulator.url, max_retries=0) as client:
            with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.subscribe("bob", "any")


async def test_neither_client_reads_the_proxy_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # As the README says: a proxy is given through transport=, never picked up from the environment.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # the discard port: nothing answers there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with Emulator() as emulator:
        credentials = InternalAppCredentials(emulator.internal_app.app_key, emulator.internal_app.app_secret)
        scope = Scope(organisations=["ding-acme"])
        async with AsyncCalendarClient(credentials, base_url=emulator.url, max_retries=0) as client:
            created = await client.create("alice", name="Direct", scope=scope)
        with CalendarClient(credentials, base_url=emulator.url, max_retries=0) as sync_client:
            assert sync_client.get("alice", created.calendar_id).name == "Direct"
