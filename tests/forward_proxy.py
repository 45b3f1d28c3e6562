"""A small HTTP forward proxy on 127.0.0.1, in a thread of its own, for the proxy tests.

It tunnels ``CONNECT host:port`` (what a client does for an https URL) and forwards
absolute-form requests (``GET http://host:port/path``, for an http URL), and records each.
It reaches 127.0.0.1 only: any other host is refused with 403.
"""

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"


@dataclass
class ProxyLog:
    url: str = ""
    tunnels: list[str] = field(default_factory=list)
    """``host:port`` of every CONNECT."""
    forwarded: list[str] = field(default_factory=list)
    """The absolute URL of every forwarded request."""


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: ProxyLog) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
        return
    request_line, _, rest = head.partition(b"\r\n")
    method, target, version = request_line.decode().split(" ")
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        log.tunnels.append(target)
        first = b""
    else:
        parts = urlsplit(target)
        host, port = parts.hostname or "", str(parts.port or 80)
        log.forwarded.append(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        first = f"{method} {path} {version}\r\n".encode() + rest
    if host != LOOPBACK:
        writer.write(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
        writer.close()
        return
    upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
    if method == "CONNECT":
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        requests = _pipe(reader, upstream_writer)
    else:
        requests = _forward_requests(first, reader, upstream_writer, log)
    await asyncio.gather(requests, _pipe(upstream_reader, writer))


async def _forward_requests(
    head: bytes, reader: asyncio.StreamReader, upstream: asyncio.StreamWriter, log: ProxyLog
) -> None:
    """Each request of a kept-alive client connection, its target rewritten to the origin form."""
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while True:
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            upstream.write(head + await reader.readexactly(length))
            await upstream.drain()
            absolute = await reader.readuntil(b"\r\n\r\n")
            request_line, _, rest = absolute.partition(b"\r\n")
            method, target, version = request_line.decode().split(" ")
            log.forwarded.append(target)
            parts = urlsplit(target)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            head = f"{method} {path} {version}\r\n".encode() + rest
    upstream.close()


@contextlib.contextmanager
def forward_proxy() -> Iterator[ProxyLog]:
    """Serve until the block ends; ``log.url`` is the proxy's address."""
    log = ProxyLog()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop: asyncio.Future[None] | None = None

    async def serve() -> None:
        nonlocal stop
        stop = loop.create_future()
        server = await asyncio.start_server(lambda r, w: _handle(r, w, log), LOOPBACK, 0)
        log.url = f"http://{LOOPBACK}:{server.sockets[0].getsockname()[1]}"
        started.set()
        async with server:
            await stop

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    started.wait()
    try:
        yield log
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set_result, None)
        thread.join()
        loop.close()
