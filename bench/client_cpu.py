"""Client CPU per async call at high concurrency: ours, bare httpx on the same transport, bare aiohttp.

Each measures this process's CPU time (``time.process_time``, the server runs elsewhere)
over the same number of subscribe calls at the same concurrency, against the plain-HTTP
emulator; the clients take turns round by round, and the figure is the median over rounds.

- ``ours``: ``AsyncCalendarClient`` on its default transport (aiohttp through httpx-aiohttp).
- ``httpx``: a bare ``httpx.AsyncClient`` on that same transport class, the request written
  by hand: httpx's own share, below which no client on that transport can go.
- ``transport``: that transport alone, sent a request built once, with its token: what our
  transport adds to aiohttp.
- ``aiohttp``: a bare ``aiohttp.ClientSession``, the floor of any client on aiohttp.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import httpx

from dingtalk_calendar import AsyncAiohttpTransport, AsyncCalendarClient, InternalAppCredentials
from dingtalk_calendar._client.settings import DEFAULT_LIMITS

from . import scenario as s
from .concurrency import run_concurrently
from .emulator_process import EmulatorInfo
from .log import log
from .raw_client import raw_cpu_seconds
from .timing import median

CLIENTS = ("ours", "httpx", "transport", "aiohttp")


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
        """Median of the rounds' ratios: each round's two clients ran minutes apart at most, like the other ratios."""
        return median([a / b for a, b in zip(self.rounds_us["ours"], self.rounds_us["aiohttp"], strict=True)])


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


async def _transport(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    transport = AsyncAiohttpTransport(limits=DEFAULT_LIMITS)
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    async with httpx.AsyncClient(base_url=info.url, headers=headers) as client:
        request = client.build_request("POST", s.subscribe_path(s.SUBSCRIBER, calendar_id))

    async def call() -> None:
        response = await transport.handle_async_request(request)
        await response.aread()
        assert response.status_code == 200

    try:
        return await _cpu_seconds(call, concurrency, calls)
    finally:
        await transport.aclose()


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


_RUNNERS = {"ours": _ours, "httpx": _httpx, "transport": _transport, "aiohttp": _aiohttp, "raw": raw_cpu_seconds}


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


def _profile_ours(info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int, top: int) -> str:
    """cProfile's view of our client's calls, by own time: where the CPU per call goes."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()

    async def run() -> None:
        credentials = InternalAppCredentials(info.app_key, info.app_secret)
        async with AsyncCalendarClient(credentials, base_url=info.url) as client:
            call = lambda: client.subscribe(s.SUBSCRIBER, calendar_id)  # noqa: E731
            await run_concurrently(call, concurrency=concurrency, calls=concurrency)
            profiler.enable()
            await run_concurrently(call, concurrency=concurrency, calls=calls)
            profiler.disable()

    asyncio.run(run())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """This section alone, against an emulator of its own: ``python -m bench.client_cpu``."""
    import argparse

    from .callers_ours import prepare_calendar
    from .emulator_process import EmulatorProcess

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile our client instead of measuring")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    with EmulatorProcess(qps_limit=None) as emulator:
        info = emulator.info
        calendar_id = prepare_calendar(info)
        if args.profile:
            print(_profile_ours(info, calendar_id, args.concurrency, args.calls, args.top))
            return
        result = measure_client_cpu(
            info, calendar_id, concurrency=args.concurrency, calls=args.calls, rounds=args.rounds
        )
    for name in CLIENTS:
        ratio = result.cpu_us[name] / result.cpu_us["aiohttp"]
        print(f"{name:<9} {result.cpu_us[name]:>6.0f} µs  {ratio:.2f}x  rounds {result.rounds_us[name]}")
    print(f"ours / aiohttp, paired round by round: {result.ours_over_aiohttp:.2f}x")


if __name__ == "__main__":
    main()
