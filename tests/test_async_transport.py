"""The async client on its default transport (aiohttp, through httpx-aiohttp), over real sockets on 127.0.0.1.

The scripted server plays what a connection pool must survive; the emulator checks TLS. The
calls go through ``AsyncCalendarClient`` as users make them, except where only a raw stream
or a huge body can show the behaviour (then through ``httpx.AsyncClient`` on the same
transport class). Nothing here waits for time to order events: the server and the test
wait on each other's events.
"""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from dingtalk_calendar import (
    APIConnectionError,
    APITimeoutError,
    AsyncAiohttpTransport,
    AsyncCalendarClient,
    CalendarClient,
    InternalAppCredentials,
    RetryPolicy,
    Scope,
)
from dingtalk_calendar_emulator import Emulator

from .scripted_server import Received, Reply, chunked_response, response, scripted_server

TOKEN = "a-fixed-token"
NO_RETRIES = RetryPolicy(max_retries=0)
QUICK_RETRIES = RetryPolicy(max_retries=2, initial_backoff=0.0, max_backoff=0.0, max_elapsed=None)


def calendar(name: str) -> bytes:
    """A getSubscribedCalendar answer for a calendar called ``name``."""
    return json.dumps({"calendarId": "cal-1", "name": name, "author": "alice"}).encode()


def named_after_target(received: Received) -> Reply:
    """Each answer names the request it answers, so a wrong answer shows."""
    return Reply(response(body=calendar(received.target.rsplit("/", 1)[-1])))


def client(url: str, **options: object) -> AsyncCalendarClient:
    options.setdefault("retry_policy", NO_RETRIES)
    return AsyncCalendarClient(TOKEN, base_url=url, **options)  # type: ignore[arg-type]


class Gate:
    """Holds every answer until ``size`` requests have arrived, batch after batch: that many are in flight."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.arrived = 0
        self._batches: dict[int, asyncio.Event] = {}

    async def __call__(self, received: Received) -> Reply:
        batch = self.arrived // self.size
        self.arrived += 1
        event = self._batches.setdefault(batch, asyncio.Event())
        if self.arrived % self.size == 0:
            event.set()
        await event.wait()
        return named_after_target(received)


def unanswered() -> tuple[asyncio.Event, asyncio.Event, Callable[[Received], Awaitable[Reply]]]:
    """A script that never answers until released: (arrived, release, script)."""
    arrived, release = asyncio.Event(), asyncio.Event()

    async def script(received: Received) -> Reply:
        arrived.set()
        await release.wait()
        return named_after_target(received)

    return arrived, release, script


# -- reuse and limits ----------------------------------------------------------------------


async def test_sequential_calls_share_one_connection() -> None:
    async with scripted_server(named_after_target) as server, client(server.url) as c:
        for n in range(20):
            assert (await c.get("alice", f"cal-{n}")).name == f"cal-{n}"
    assert server.connections_opened == 1
    assert len(server.received) == 20


async def test_the_request_arrives_whole() -> None:
    created = response(body=b'{"calendarId":"cal-9"}')
    async with scripted_server(lambda _: Reply(created)) as server, client(server.url) as c:
        await c.create("a/b", name="Team", scope=Scope(organisations=["ding-acme"]))
    [received] = server.received
    assert (received.method, received.target) == ("POST", "/v1.0/calendar/users/a%2Fb/subscribedCalendars")
    assert json.loads(received.body) == {"name": "Team", "subscribeScope": {"corpIds": ["ding-acme"]}}
    assert received.headers["x-acs-dingtalk-access-token"] == TOKEN
    assert received.headers["content-length"] == str(len(received.body))
    assert received.headers["accept-encoding"] == "gzip, deflate"  # what the SDK decodes, whatever is installed


async def test_max_connections_bounds_the_calls_in_flight() -> None:
    gate = Gate(3)
    async with scripted_server(gate) as server, client(server.url, limits=httpx.Limits(max_connections=3)) as c:
        names = await asyncio.gather(*(c.get("alice", f"cal-{n}") for n in range(12)))
    assert [n.name for n in names] == [f"cal-{n}" for n in range(12)]
    assert server.most_open_at_once == 3
    assert server.connections_opened == 3  # each reused by the calls that waited for a slot


async def test_idle_connections_beyond_the_keepalive_limit_are_closed() -> None:
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=2)
    async with scripted_server(Gate(5)) as server, client(server.url, limits=limits) as c:
        await asyncio.gather(*(c.get("alice", f"first-{n}") for n in range(5)))
        await asyncio.gather(*(c.get("alice", f"second-{n}") for n in range(5)))
    assert server.connections_opened == 5 + 3  # 2 of the first 5 were kept


async def test_a_connection_idle_past_the_keepalive_expiry_is_not_reused() -> None:
    limits = httpx.Limits(keepalive_expiry=0.05)
    async with scripted_server(named_after_target) as server, client(server.url, limits=limits) as c:
        await c.get("alice", "one")
        await asyncio.sleep(0.1)  # lets the expiry pass; a slower machine only makes it pass further
        await c.get("alice", "two")
    assert server.connections_opened == 2


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    def close_after(received: Received) -> Reply:
        return Reply(named_after_target(received).data, close_after=True)

    async with scripted_server(close_after) as server, client(server.url) as c:
        for n in range(3):
            assert (await c.get("alice", f"cal-{n}")).name == f"cal-{n}"
            await server.until_connections_ended(n + 1)  # its FIN sent before the next call
    assert server.connections_opened == 3
    assert len(server.received) == 3  # not one retried: no call went out on a closed connection


async def test_connection_close_in_the_answer_is_honoured() -> None:
    answer = response(body=calendar("x"), close=True)
    async with scripted_server(lambda _: Reply(answer)) as server, client(server.url) as c:
        for _ in range(3):
            assert (await c.get("alice", "cal-1")).name == "x"
    assert server.connections_opened == 3


async def test_a_chunked_answer_is_read_whole() -> None:
    body = calendar("x" * 100_000)
    chunks = [body[:10], body[10:50_000], body[50_000:]]
    async with scripted_server(lambda _: Reply(chunked_response(chunks))) as server, client(server.url) as c:
        assert (await c.get("alice", "cal-1")).name == "x" * 100_000
        assert (await c.get("alice", "cal-1")).name == "x" * 100_000
    assert server.connections_opened == 1  # read to its end, the connection was reused


async def test_a_stream_closed_half_read_does_not_return_its_connection() -> None:
    chunks = [b"x" * 70_000, b"y" * 70_000]
    async with (
        scripted_server(lambda _: Reply(chunked_response(chunks))) as server,
        httpx.AsyncClient(transport=AsyncAiohttpTransport()) as http,
    ):
        async with http.stream("GET", server.url) as streamed:
            async for _ in streamed.aiter_raw():
                break
        assert (await http.get(server.url)).content == b"".join(chunks)
    assert server.connections_opened == 2


async def test_informational_answers_are_skipped() -> None:
    reply = Reply(b"HTTP/1.1 100 Continue\r\n\r\n" + response(body=b'{"calendarId":"cal-7"}'))
    async with scripted_server(lambda _: reply) as server, client(server.url) as c:
        created = await c.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
    assert created.calendar_id == "cal-7"


# -- answers that must not be taken for the next one --------------------------------------------


async def test_bytes_after_an_answer_do_not_become_the_next_answer() -> None:
    smuggled = response(body=calendar("smuggled"))

    def script(received: Received) -> Reply:
        answer = named_after_target(received).data or b""
        return Reply(answer + smuggled if received.target.endswith("/first") else answer)

    async with scripted_server(script) as server, client(server.url) as c:
        assert (await c.get("alice", "first")).name == "first"
        assert (await c.get("alice", "second")).name == "second"
    assert server.connections_opened == 2


async def test_unsolicited_bytes_on_an_idle_connection_give_no_wrong_answer() -> None:
    calls = 20
    idle, sent = asyncio.Event(), asyncio.Event()

    async def unsolicited(writer: asyncio.StreamWriter) -> None:
        await idle.wait()  # the client has read its answer: the connection is idle
        idle.clear()
        writer.write(response(body=calendar("unsolicited")))
        await writer.drain()
        sent.set()

    def script(received: Received) -> Reply:
        return Reply(named_after_target(received).data, later=unsolicited)

    wrong = 0
    async with scripted_server(script) as server, client(server.url, retry_policy=QUICK_RETRIES) as c:
        for n in range(calls):
            if (await c.get("alice", f"cal-{n}")).name != f"cal-{n}":
                wrong += 1
            idle.set()
            await sent.wait()
            sent.clear()
            for _ in range(3):  # loop turns (not time): the unsolicited bytes reach the idle connection
                await asyncio.sleep(0)
    assert wrong == 0
    assert server.connections_opened >= 2  # a connection that spoke out of turn was not used again


# -- failures ------------------------------------------------------------------------------------


async def test_a_server_that_hangs_up_without_answering() -> None:
    async with scripted_server(lambda _: Reply(data=None)) as server, client(server.url) as c:
        with pytest.raises(APIConnectionError, match="without sending a response") as caught:
            await c.get("alice", "cal-1")
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)


async def test_a_create_the_server_hung_up_on_is_not_repeated() -> None:
    # httpx-aiohttp calls this a ConnectTimeout (never sent: retried); the request did arrive.
    async with (
        scripted_server(lambda _: Reply(data=None)) as server,
        client(server.url, retry_policy=QUICK_RETRIES) as c,
    ):
        with pytest.raises(APIConnectionError, match="not retried") as caught:
            await c.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
    assert caught.value.attempts == 1
    assert len(server.received) == 1


async def test_a_server_that_hangs_up_mid_answer() -> None:
    # Through httpx.AsyncClient: the SDK's clients read the body above the retry layer, so
    # there the error is httpx's own (bounding and typing the body read is issue 11's item 4).
    truncated = response(body=calendar("x"))[:-4]
    async with (
        scripted_server(lambda _: Reply(truncated, close_after=True)) as server,
        httpx.AsyncClient(transport=AsyncAiohttpTransport()) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError, match="content length"):
            await http.get(server.url)


async def test_garbage_instead_of_http_is_a_protocol_error() -> None:
    async with scripted_server(lambda _: Reply(b"SSH-2.0-OpenSSH\r\n\r\n")) as server, client(server.url) as c:
        with pytest.raises(APIConnectionError) as caught:
            await c.get("alice", "cal-1")
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)


async def test_connect_refused_is_retried_as_never_sent() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}", retry_policy=QUICK_RETRIES) as c:
        with pytest.raises(APIConnectionError, match=f"127.0.0.1:{port}") as caught:
            await c.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.attempts == 3  # even a create: DingTalk never saw it


async def test_a_header_aiohttp_refuses_to_send_is_a_local_error_not_sent() -> None:
    # aiohttp raises a bare ValueError here; the retry policy must see httpx's error for a bad request.
    async with scripted_server() as server, httpx.AsyncClient(transport=AsyncAiohttpTransport()) as http:
        with pytest.raises(httpx.LocalProtocolError, match=r"control character|[Nn]ewline") as caught:
            await http.get(server.url, headers={"x-secret": "a-secret-value\n"})
    assert "a-secret-value" not in str(caught.value)
    assert server.received == []


async def test_an_unsupported_scheme() -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        await AsyncAiohttpTransport().handle_async_request(httpx.Request("GET", "ftp://127.0.0.1/"))


# -- timeouts and cancellation -------------------------------------------------------------------


async def test_read_timeout_and_a_create_is_not_repeated() -> None:
    _, release, script = unanswered()
    timeout = httpx.Timeout(5.0, read=0.1)
    async with scripted_server(script) as server, client(server.url, timeout=timeout, retry_policy=QUICK_RETRIES) as c:
        with pytest.raises(APITimeoutError, match="not retried") as caught:
            await c.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        release.set()
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert caught.value.attempts == 1
    assert len(server.received) == 1


async def test_pool_timeout_when_every_connection_is_busy() -> None:
    arrived, release, script = unanswered()
    timeout = httpx.Timeout(5.0, pool=0.05)
    limits = httpx.Limits(max_connections=1)
    async with scripted_server(script) as server, client(server.url, limits=limits, timeout=timeout) as c:
        held = asyncio.create_task(c.get("alice", "held"))
        await arrived.wait()
        with pytest.raises(APITimeoutError) as caught:
            await c.get("alice", "waiting")
        release.set()
        assert (await held).name == "held"
    assert isinstance(caught.value.__cause__, httpx.PoolTimeout)


async def test_write_timeout_when_the_server_reads_nothing() -> None:
    held: list[asyncio.StreamWriter] = []

    async def never_read(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # keeps the connection open, reading nothing

    server = await asyncio.start_server(never_read, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    timeout = httpx.Timeout(5.0, write=0.2)
    try:
        async with httpx.AsyncClient(transport=AsyncAiohttpTransport(), timeout=timeout) as http:
            with pytest.raises(httpx.WriteTimeout):
                await http.post(f"http://127.0.0.1:{port}/", content=b"x" * 50_000_000)
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_connect_timeout_when_the_server_accepts_no_more() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):  # fill the accept queue: further handshakes go unanswered
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        timeout = httpx.Timeout(5.0, connect=0.2)
        try:
            async with client(f"http://127.0.0.1:{port}", timeout=timeout) as c:
                with pytest.raises(APITimeoutError) as caught:
                    await c.get("alice", "cal-1")
        finally:
            for filler in fillers:
                filler.close()
    assert isinstance(caught.value.__cause__, httpx.ConnectTimeout)


async def test_a_cancelled_call_frees_its_slot_and_its_connection() -> None:
    arrived, release, script = unanswered()
    limits = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=5.0)

    async def first_held(received: Received) -> Reply:
        if received.target.endswith("/held"):
            return await script(received)
        return named_after_target(received)

    async with scripted_server(first_held) as server, client(server.url, limits=limits, timeout=timeout) as c:
        stuck = asyncio.create_task(c.get("alice", "held"))
        await arrived.wait()
        stuck.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stuck
        assert (await c.get("alice", "next")).name == "next"
        release.set()
    assert server.connections_opened == 2  # the cancelled call's connection was not reused


def test_one_client_serves_successive_event_loops() -> None:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    url = f"http://127.0.0.1:{listening.getsockname()[1]}"
    c = client(url)

    async def serve_and_call(name: str) -> str:
        server = await asyncio.start_server(_answer_once, sock=listening.dup())  # each loop's own
        try:
            return (await c.get("alice", name)).name
        finally:
            server.close()

    with listening:
        assert asyncio.run(serve_and_call("first loop")) == "first loop"
        assert asyncio.run(serve_and_call("second loop")) == "second loop"
        asyncio.run(c.aclose())


async def _answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    name = head.split(b" ")[1].rsplit(b"/", 1)[-1].decode().replace("%20", " ")
    writer.write(response(body=calendar(name)))
    await writer.drain()
    writer.close()


async def test_aclose_closes_idle_connections() -> None:
    async with scripted_server(named_after_target) as server:
        async with client(server.url) as c:
            await c.get("alice", "cal-1")
        await server.until_connections_ended(1)
    assert server.connections_closed_by_client == 1


# -- TLS -----------------------------------------------------------------------------------------


async def test_both_clients_over_tls_with_their_verify_option() -> None:
    with Emulator(tls=True) as emulator:
        app = emulator.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        trust = emulator.client_ssl_context()
        async with AsyncCalendarClient(credentials, base_url=emulator.url, verify=trust) as c:
            created = await c.create("alice", name="Over TLS", scope=Scope(organisations=["ding-acme"]))
            assert (await c.get("alice", created.calendar_id)).name == "Over TLS"
        with CalendarClient(credentials, base_url=emulator.url, verify=trust) as sync_client:
            assert sync_client.get("alice", created.calendar_id).name == "Over TLS"


async def test_an_untrusted_certificate_is_refused() -> None:
    with Emulator(tls=True) as emulator:
        credentials = InternalAppCredentials(emulator.internal_app.app_key, emulator.internal_app.app_secret)
        async with AsyncCalendarClient(credentials, base_url=emulator.url, max_retries=0) as c:
            with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
                await c.subscribe("bob", "any")


async def pieces() -> AsyncIterator[bytes]:
    yield b"one,"
    yield b"two"


async def test_a_streamed_request_body_arrives_whole() -> None:
    async with scripted_server() as server, httpx.AsyncClient(transport=AsyncAiohttpTransport()) as http:
        await http.post(f"{server.url}/streamed", content=pieces())
    assert server.received == [Received("POST", "/streamed", b"one,two")]


async def test_any_httpx_transport_still_serves_the_client() -> None:
    async with (
        scripted_server(named_after_target) as server,
        client(server.url, transport=httpx.AsyncHTTPTransport()) as on_httpcore,
    ):
        assert (await on_httpcore.get("alice", "cal-1")).name == "cal-1"
