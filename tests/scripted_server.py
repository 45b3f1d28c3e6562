"""A real HTTP/1.1 server on 127.0.0.1, in the test's own event loop, whose every answer a test scripts.

For the async transport's tests: what a connection pool must survive (a server that closes
idle connections, answers slowly or never, hangs up mid-answer, sends 100 Continue or a
chunked body) is easier to script here than to provoke in the emulator. It counts the
connections it accepts and how many were open at once, so reuse and limits can be asserted.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import h11

OK_BODY = b'{"ok":true}'


def response(status: int = 200, body: bytes = OK_BODY, *, close: bool = False) -> bytes:
    """The raw bytes of an answer with a Content-Length."""
    headers = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
    if close:
        headers += "connection: close\r\n"
    return headers.encode() + b"\r\n" + body


def chunked_response(chunks: list[bytes]) -> bytes:
    """The raw bytes of an answer with a chunked body."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + body


@dataclass
class Received:
    method: str
    target: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class Reply:
    """What to send for one request: raw bytes (None: nothing), after a delay; then maybe hang up."""

    data: bytes | None = field(default_factory=response)
    delay: float = 0.0
    close_after: bool = False
    later: Callable[[asyncio.StreamWriter], Awaitable[None]] | None = None
    """Awaited once the answer is sent, with the connection's writer: to speak out of turn."""


Script = Callable[[Received], Reply | Awaitable[Reply]]


@dataclass
class ScriptedServer:
    url: str
    received: list[Received] = field(default_factory=list)
    connections_opened: int = 0
    open_now: int = 0
    most_open_at_once: int = 0
    connections_closed_by_client: int = 0
    connections_ended: int = 0
    connection_ended: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def until_connections_ended(self, count: int) -> None:
        """Wait until ``count`` connections have been closed (by either side) and their FIN sent."""
        async with self.connection_ended:
            await self.connection_ended.wait_for(lambda: self.connections_ended >= count)


@asynccontextmanager
async def scripted_server(script: Script = lambda _: Reply()) -> AsyncIterator[ScriptedServer]:
    """Serve until the block ends; ``script`` decides each answer."""
    state = ScriptedServer(url="")
    writers: set[asyncio.StreamWriter] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.add(writer)
        state.connections_opened += 1
        state.open_now += 1
        state.most_open_at_once = max(state.most_open_at_once, state.open_now)
        try:
            await _serve_connection(reader, writer, state, script)
        except ConnectionError:
            pass  # the client hung up mid-answer: what some tests do on purpose
        except asyncio.CancelledError:
            pass  # the test's event loop ended with the connection still open
        finally:
            state.open_now -= 1
            writers.discard(writer)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            async with state.connection_ended:
                state.connections_ended += 1
                state.connection_ended.notify_all()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        server.close()
        for writer in list(writers):  # connections the client still keeps alive
            writer.close()
        await server.wait_closed()


async def _serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: ScriptedServer, script: Script
) -> None:
    while True:
        received = await _read_request(reader)
        if received is None:
            state.connections_closed_by_client += 1
            return
        state.received.append(received)
        reply = script(received)
        if not isinstance(reply, Reply):
            reply = await reply
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.data is not None:
            writer.write(reply.data)
            await writer.drain()
        if reply.later is not None:
            await reply.later(writer)
        if reply.close_after or reply.data is None:
            return


async def _read_request(reader: asyncio.StreamReader) -> Received | None:
    """One request, parsed by h11 (a fresh parser per request keeps the script free to misbehave)."""
    parser = h11.Connection(h11.SERVER)
    method, target, body, headers = "", "", b"", {}
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            if not data and not method:
                return None  # the client closed the connection between requests
            parser.receive_data(data)
        elif isinstance(event, h11.Request):
            method, target = event.method.decode(), event.target.decode()
            headers = {name.decode(): value.decode() for name, value in event.headers}
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return Received(method, target, body, headers)
        elif isinstance(event, h11.ConnectionClosed):
            return None
