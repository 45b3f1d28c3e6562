"""The very bytes our client sends for one call: what the raw client replays (``bench/raw_client.py``).

A forwarder on 127.0.0.1 stands between a fresh ``AsyncCalendarClient`` and the emulator,
passing every byte on both ways and keeping what the client wrote. The client makes one real
call through it (its token call first), and the call's request is taken from those bytes, its
Host line made the emulator's. So the raw client sends what ours sends, header for header,
and the server does the same work for both: the ratio of their rates is the clients' alone.
"""

import asyncio
import dataclasses
import re
import ssl
from urllib.parse import urlsplit

from .calls import ours_calls
from .emulator_process import EmulatorInfo

_HOST_LINE = re.compile(rb"^host:[^\r\n]*", re.IGNORECASE | re.MULTILINE)
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)", re.IGNORECASE | re.MULTILINE)


async def ours_request(info: EmulatorInfo, calendar_id: str, op: str) -> bytes:
    """The request ``AsyncCalendarClient`` sends for ``op`` (``get`` or ``subscribe``), Host the emulator's."""
    target = urlsplit(info.url)
    assert target.hostname is not None, info.url
    assert target.port is not None, info.url
    verify = info.ssl_context()
    context = None
    if target.scheme == "https":
        context = verify if isinstance(verify, ssl.SSLContext) else ssl.create_default_context()
    sent = bytearray()
    relays: list[asyncio.Task[None]] = []

    async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, keep: bool) -> None:
        while data := await source.read(65536):
            if keep:
                sent.extend(data)
            sink.write(data)
            await sink.drain()
        sink.close()

    async def forward(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        relays.append(task)
        upstream_reader, upstream_writer = await asyncio.open_connection(target.hostname, target.port, ssl=context)
        await asyncio.gather(pump(client_reader, upstream_writer, True), pump(upstream_reader, client_writer, False))

    server = await asyncio.start_server(forward, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        async with ours_calls(dataclasses.replace(info, url=f"http://127.0.0.1:{port}"), calendar_id, op) as call:
            await call()
        await asyncio.gather(*relays)  # the client closed its connections: every relay has ended
    request = requests_in(bytes(sent))[-1]
    assert request.startswith(b"GET " if op == "get" else b"POST "), request[:80]
    return _HOST_LINE.sub(b"host: " + target.netloc.encode(), request, count=1)


def requests_in(data: bytes) -> list[bytes]:
    """HTTP/1.1 requests written back to back, each with a Content-Length body or none."""
    requests = []
    while data:
        head_end = data.index(b"\r\n\r\n") + 4
        length = _CONTENT_LENGTH.search(data, 0, head_end)
        end = head_end + (int(length.group(1)) if length else 0)
        requests.append(data[:end])
        data = data[end:]
    return requests
