"""Client CPU per async call at high concurrency: ours, bare httpx on the same transport, bare aiohttp.

Each measures this process's CPU time (``time.process_time``, the server runs elsewhere)
over the same number of subscribe calls at the same concurrency, against the plain-HTTP
emulator; the clients take turns round by round, and the figure is the median over rounds.

- ``ours``: ``AsyncCalendarClient`` on its default transport (aiohttp through httpx-aiohttp).
- ``httpx``: a bare ``httpx.AsyncClient`` on that same transport class, the request written
  by hand: httpx's own share, below which no client on that transport can go.
- ``aiohttp``: a bare ``aiohttp.ClientSession``, the floor of any client on aiohttp.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import httpx

from dingtalk_calendar import AsyncAiohttpTransport, AsyncCalendarClient, InternalAppCredentials
from dingtalk_calendar._settings import DEFAULT_LIMITS

from . import scenario as s
from .concurrency import run_concurrently
from .emulator_process import EmulatorInfo
from .log import log
from .timing import median

CLIENTS = ("ours", "httpx", "aiohttp")


@dataclass(frozen=True)
class ClientCpu:
    concurrency: int
    calls: int
    rounds: int
    cpu_us: dict[str, float]
    """Client -> median µs of CPU per call."""
    rounds_us: dict[str, tuple[float, ...]]

    @property
    def ours_over_aiohttp(self) -> float:
        return self.cpu_us["ours"] / self.cpu_us["aiohttp"]


async def _cpu_seconds(call: Callable[[], Awaitable[object]], concurrency: int, calls: int) -> float:
    await run_concurrently(call, concurrency=concurrency, calls=concurrency)  # connections, tokens
    started = time.process_time()
    await run_concurrently(call, concurrency=concurrency, calls=calls)
    return time.process_time() - started


async def _ours(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    credentials = InternalAppCredentials(info.app_key, info.app_secret)
    async with AsyncCalendarClient(credentials, base_url=info.url) as client:
        return await _cpu_seconds(lambda: client.subscribe(s.SUBSCRIBER, calendar_id), concurrency, calls)


async def _httpx(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    transport = AsyncAiohttpTransport(limits=DEFAULT_LIMITS)
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    async with httpx.AsyncClient(base_url=info.url, headers=headers, transport=transport) as client:
        path = s.subscribe_path(s.SUBSCRIBER, calendar_id)

        async def call() -> None:
            (await client.post(path)).raise_for_status()

        return await _cpu_seconds(call, concurrency, calls)


async def _aiohttp(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    url = info.url + s.subscribe_path(s.SUBSCRIBER, calendar_id)
    connector = aiohttp.TCPConnector(limit=DEFAULT_LIMITS.max_connections or 0)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:

        async def call() -> None:
            async with session.post(url) as response:
                response.raise_for_status()
                await response.read()

        return await _cpu_seconds(call, concurrency, calls)


_RUNNERS = {"ours": _ours, "httpx": _httpx, "aiohttp": _aiohttp}


def measure_client_cpu(info: EmulatorInfo, calendar_id: str, *, concurrency: int, calls: int, rounds: int) -> ClientCpu:
    samples: dict[str, list[float]] = {name: [] for name in CLIENTS}
    for round_no in range(rounds):
        for name in CLIENTS:
            seconds = asyncio.run(_RUNNERS[name](info, calendar_id, concurrency, calls))
            samples[name].append(seconds / calls * 1e6)
        log(f"client CPU round {round_no + 1}/{rounds} done")
    return ClientCpu(
        concurrency=concurrency,
        calls=calls,
        rounds=rounds,
        cpu_us={name: median(values) for name, values in samples.items()},
        rounds_us={name: tuple(round(v, 1) for v in values) for name, values in samples.items()},
    )
