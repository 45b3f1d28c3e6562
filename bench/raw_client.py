"""A raw-socket client: one ``asyncio.Protocol`` per keep-alive connection, pre-built HTTP/1.1 bytes.

It sends the very request our client sends for ``get`` or ``subscribe``, taken on its way to
the emulator (``bench/request_capture.py``): the same headers, so the server's work per call is
the same for both. Each answer is read just far enough to know it ended: the end of its head,
then as many bytes as its Content-Length says; the status must be 200, the body is not parsed.
No stream reader, header parser or response object: per call one write, one future and a search
of the bytes received, the least a client can do on these sockets. Under callgrind
(``python -m bench.client_instructions raw aiohttp``, 2026-12-07) it took 43 k instructions
per subscribe call against bare aiohttp's 322 k (the asyncio-streams version before it: 61 k).

It is a floor of client work, not a ceiling of rates: at concurrency 100 the emulator's own CPU
per call (about 300 µs here, 2026-12-07) limits it, so on a quiet machine bare aiohttp's rate comes near it
and in some rounds above it. ``bench/throughput.py`` measures ours against it in the same rounds.
"""

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from .calls import Call, wall_seconds
from .emulator_process import EmulatorInfo
from .request_capture import ours_request

_CONTENT_LENGTH = b"\r\ncontent-length:"


class _Connection(asyncio.Protocol):
    """One keep-alive connection making one call at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[bytes] | None = None
        self._received = b""
        self._end = 0
        """Where the answer being read ends in ``_received``; 0 until its head is complete."""
        self._lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        received = self._received = self._received + data  # b"" + data is data itself, not a copy
        if not self._end:
            head_end = received.find(b"\r\n\r\n")
            if head_end < 0:
                return  # the head goes on in a later piece
            head = received[: head_end + 2].lower()  # with its last line's CRLF
            start = head.find(_CONTENT_LENGTH)
            if start < 0:
                self._fail(RuntimeError(f"no Content-Length in {head[:200]!r}"))
                return
            start += len(_CONTENT_LENGTH)
            self._end = head_end + 4 + int(head[start : head.index(b"\r\n", start)])
        if len(received) >= self._end:
            answer, self._received, self._end = received[: self._end], received[self._end :], 0
            if self._answer is not None and not self._answer.done():
                self._answer.set_result(answer)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = exc or ConnectionError("the server closed the connection")
        self._fail(self._lost)

    def _fail(self, exc: Exception) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(exc)

    async def send(self, request: bytes) -> bytes:
        """The whole answer to ``request``: its head and body, as received."""
        if self._lost is not None:
            raise self._lost
        assert self._transport is not None
        answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._answer = answer
        self._transport.write(request)
        return await answer

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


@asynccontextmanager
async def raw_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AsyncIterator[Call]:
    """Calls of ``op``, sending the request our client sends for it (taken before any is timed)."""
    request = await ours_request(info, calendar_id, op)
    async with replayed_calls(info.url, request, info.ssl_context()) as call:
        yield call


@asynccontextmanager
async def replayed_calls(url: str, request: bytes, verify: ssl.SSLContext | bool = True) -> AsyncIterator[Call]:
    """Calls each sending ``request`` on an idle connection or a new one (the warm-up opens one per task)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port
    assert host is not None, url
    assert port is not None, url
    context = None
    if parts.scheme == "https":
        context = verify if isinstance(verify, ssl.SSLContext) else ssl.create_default_context()
    loop = asyncio.get_running_loop()
    idle: list[_Connection] = []
    opened: list[_Connection] = []

    async def call() -> None:
        if idle:
            connection = idle.pop()
        else:
            _, connection = await loop.create_connection(_Connection, host, port, ssl=context)
            opened.append(connection)
        answer = await connection.send(request)
        if not answer.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(f"unexpected answer: {answer[:80]!r}")
        idle.append(connection)

    try:
        yield call
    finally:
        for connection in opened:
            connection.close()


raw_seconds = wall_seconds(raw_calls)
"""Seconds the raw client takes for ``calls`` calls of ``op`` with ``concurrency`` in flight."""
