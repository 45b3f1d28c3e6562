"""A raw-socket client: asyncio streams on keep-alive connections, sending pre-built HTTP/1.1 bytes.

The same request as our client's ``get`` or ``subscribe`` (the same path and token), written as
ready-made bytes; each answer is read just far enough to know it ended: its head up to the
blank line (status 200 checked), then as many bytes as its Content-Length says, unparsed.
Under callgrind it costs about a fifth of a bare ``aiohttp.ClientSession``'s instructions per
call (``python -m bench.client_instructions raw aiohttp``): 60 k against 323 k, 2026-12-07.

Its wall-clock rate at concurrency 100 is not a client's floor, though: there the emulator
(uvicorn on h11, about 300 µs of CPU per call) is the limit, and the raw client, bare aiohttp
and our transport alone all come near it, so their rates in one round differ by the machine's
noise (the raw client's share of bare aiohttp ranged over 0.7-1.4 in paired rounds). Read
``ours / raw`` as ours against what this server gives the cheapest client.
"""

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from . import scenario as s
from .calls import Call, wall_seconds
from .emulator_process import EmulatorInfo

_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def _request(info: EmulatorInfo, op: str, calendar_id: str) -> bytes:
    netloc = urlsplit(info.url).netloc
    if op == "get":
        line = f"GET {s.calendar_path(s.AUTHOR, calendar_id)} HTTP/1.1"
        length = ""
    else:
        line = f"POST {s.subscribe_path(s.SUBSCRIBER, calendar_id)} HTTP/1.1"
        length = "content-length: 0\r\n"
    return f"{line}\r\nhost: {netloc}\r\n{s.ACCESS_TOKEN_HEADER}: {info.token}\r\n{length}\r\n".encode()


@asynccontextmanager
async def raw_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AsyncIterator[Call]:
    """Calls of ``op``, each on an idle connection or a new one (the warm-up opens one per task)."""
    request = _request(info, op, calendar_id)
    parts = urlsplit(info.url)
    verify = info.ssl_context()
    context = None
    if parts.scheme == "https":
        context = verify if isinstance(verify, ssl.SSLContext) else ssl.create_default_context()
    idle: list[_Connection] = []
    opened: list[asyncio.StreamWriter] = []

    async def call() -> None:
        if idle:
            reader, writer = idle.pop()
        else:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port, ssl=context)
            opened.append(writer)
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"unexpected answer: {head[:80]!r}")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        idle.append((reader, writer))

    try:
        yield call
    finally:
        for writer in opened:
            writer.close()


raw_seconds = wall_seconds(raw_calls)
"""Seconds the raw client takes for ``calls`` calls of ``op`` with ``concurrency`` in flight."""
