"""One load-generating process for the server-ceiling measurement; prints ``{"calls": n, "seconds": s}``.

Run by ``server_ceiling`` (our virtualenv's Python, ``python -m bench.load_worker``).
Kinds of load, all keep-alive, all sending the same subscribe request:

- ``httpx-sync``: one ``httpx.Client``, one call at a time (``--concurrency`` must be 1);
- ``httpx-async``: one ``httpx.AsyncClient`` with ``--concurrency`` tasks;
- ``raw``: ``--concurrency`` asyncio connections writing pre-built HTTP/1.1 bytes and reading
  just enough of each answer: almost no client cost, so the server shows its own limit.

Every process starts at ``--start-at`` (a ``time.time()``) and counts calls finished in the
``--seconds`` that follow, so that several processes measure the same interval. Each task makes
at least one call, however late a busy machine starts it, and the process reports the seconds
it actually measured: the figure is a rate whatever the machine's speed, never an empty window.
"""

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit

import httpx

from . import scenario as s


def _path(calendar_id: str) -> str:
    return s.subscribe_path(s.SUBSCRIBER, calendar_id)


def _wait_until(start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))


def httpx_sync(url: str, token: str, calendar_id: str, start_at: float, seconds: float) -> int:
    with httpx.Client(base_url=url, headers={s.ACCESS_TOKEN_HEADER: token}) as client:
        client.post(_path(calendar_id)).raise_for_status()
        _wait_until(start_at)
        calls, end = 0, start_at + seconds
        while calls == 0 or time.time() < end:
            client.post(_path(calendar_id)).raise_for_status()
            calls += 1
    return calls


async def httpx_async(url: str, token: str, calendar_id: str, start_at: float, seconds: float, concurrency: int) -> int:
    async with httpx.AsyncClient(base_url=url, headers={s.ACCESS_TOKEN_HEADER: token}) as client:
        await asyncio.gather(*(client.post(_path(calendar_id)) for _ in range(concurrency)))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        end = start_at + seconds
        calls = 0

        async def worker() -> None:
            nonlocal calls
            made = 0
            while made == 0 or time.time() < end:
                (await client.post(_path(calendar_id))).raise_for_status()
                made += 1
            calls += made

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return calls


async def raw(url: str, token: str, calendar_id: str, start_at: float, seconds: float, concurrency: int) -> int:
    parts = urlsplit(url)
    request = (
        f"POST {_path(calendar_id)} HTTP/1.1\r\nhost: {parts.netloc}\r\n"
        f"{s.ACCESS_TOKEN_HEADER}: {token}\r\ncontent-length: 0\r\n\r\n"
    ).encode()
    end = start_at + seconds
    calls = 0

    async def connection() -> None:
        nonlocal calls
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        made = 0
        while made == 0 or time.time() < end:
            made += 1
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"unexpected answer: {head[:80]!r}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            calls += 1
        writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=["httpx-sync", "httpx-async", "raw"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--calendar-id", required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    a = parser.parse_args(argv)
    began = time.time()
    if a.kind == "httpx-sync":
        calls = httpx_sync(a.url, a.token, a.calendar_id, a.start_at, a.seconds)
    elif a.kind == "httpx-async":
        calls = asyncio.run(httpx_async(a.url, a.token, a.calendar_id, a.start_at, a.seconds, a.concurrency))
    else:
        calls = asyncio.run(raw(a.url, a.token, a.calendar_id, a.start_at, a.seconds, a.concurrency))
    measured = time.time() - max(a.start_at, began)  # a window that started late or ran over
    print(json.dumps({"calls": calls, "seconds": max(measured, 1e-9)}))


if __name__ == "__main__":
    main()
