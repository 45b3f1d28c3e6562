"""The physical floor of async throughput: raw asyncio connections sending pre-built HTTP/1.1 bytes.

The same request as our client's ``get`` or ``subscribe`` (the same path and token), written as
ready-made bytes on ``concurrency`` keep-alive connections, each answer read just far enough to
know it ended (its Content-Length). No client can do less work per call; ours is measured
against it in the same rounds (``bench/throughput.py``).
"""

import asyncio
import ssl
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from dingtalk_calendar import AsyncCalendarClient, InternalAppCredentials

from . import scenario as s
from .emulator_process import EmulatorInfo


def _request(info: EmulatorInfo, op: str, calendar_id: str, token: str) -> bytes:
    netloc = urlsplit(info.url).netloc
    if op == "get":
        line = f"GET {s.calendar_path(s.AUTHOR, calendar_id)} HTTP/1.1"
        length = ""
    else:
        line = f"POST {s.subscribe_path(s.SUBSCRIBER, calendar_id)} HTTP/1.1"
        length = "content-length: 0\r\n"
    return f"{line}\r\nhost: {netloc}\r\n{s.ACCESS_TOKEN_HEADER}: {token}\r\n{length}\r\n".encode()


async def _seconds(
    info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int, clock: Callable[[], float]
) -> float:
    credentials = InternalAppCredentials(info.app_key, info.app_secret)
    verify = info.ssl_context()
    async with AsyncCalendarClient(credentials, base_url=info.url, verify=verify) as client:
        token = await client.tokens.aget_token()
    request = _request(info, op, calendar_id, token)
    parts = urlsplit(info.url)
    context: ssl.SSLContext | None = verify if parts.scheme == "https" and isinstance(verify, ssl.SSLContext) else None
    if parts.scheme == "https" and context is None:
        context = ssl.create_default_context()
    connections = [
        await asyncio.open_connection(parts.hostname, parts.port, ssl=context) for _ in range(min(concurrency, calls))
    ]

    async def one_call(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"unexpected answer: {head[:80]!r}")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)

    remaining = calls

    async def one_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await one_call(reader, writer)

    # One call on each connection first, untimed, as every other client warms up (``warm_then_time``).
    await asyncio.gather(*(one_call(reader, writer) for reader, writer in connections))
    start = clock()
    await asyncio.gather(*(one_connection(reader, writer) for reader, writer in connections))
    seconds = clock() - start
    for _, writer in connections:
        writer.close()
    return seconds


def raw_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    """Seconds the raw client takes for ``calls`` calls of ``op`` with ``concurrency`` in flight."""
    return asyncio.run(_seconds(info, calendar_id, op, concurrency, calls, time.perf_counter))


async def raw_cpu_seconds(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    """This process's CPU seconds for ``calls`` subscribe calls (``bench.client_cpu``'s measure)."""
    return await _seconds(info, calendar_id, "subscribe", concurrency, calls, time.process_time)
