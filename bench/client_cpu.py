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

Each checks the status and parses the answer's JSON, as ours does: the same call factories as
``bench/throughput.py``'s (``bench/calls.py``, ``bench/bare_clients.py``).
"""

import asyncio
import time
from dataclasses import dataclass

from .bare_clients import bare_aiohttp_calls, bare_httpx_calls, bare_transport_calls
from .calls import CallFactory, ours_calls
from .concurrency import run_concurrently
from .emulator_process import EmulatorInfo
from .log import log
from .raw_client import raw_calls
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


FACTORIES: dict[str, CallFactory] = {
    "ours": ours_calls,
    "httpx": bare_httpx_calls,
    "transport": bare_transport_calls,
    "aiohttp": bare_aiohttp_calls,
    "raw": raw_calls,
}
"""The clients of ``CLIENTS``, and ``raw`` (``bench/raw_client.py``) for ``bench.client_instructions``."""


async def cpu_seconds(client: str, info: EmulatorInfo, calendar_id: str, concurrency: int, calls: int) -> float:
    """This process's CPU seconds for ``calls`` subscribe calls of ``client``, after one call per task to warm up."""
    async with FACTORIES[client](info, calendar_id, "subscribe") as call:
        await run_concurrently(call, concurrency=concurrency, calls=concurrency)  # connections, tokens
        started = time.process_time()
        await run_concurrently(call, concurrency=concurrency, calls=calls)
        return time.process_time() - started


def measure_client_cpu(info: EmulatorInfo, calendar_id: str, *, concurrency: int, calls: int, rounds: int) -> ClientCpu:
    samples: dict[str, list[float]] = {name: [] for name in CLIENTS}
    for round_no in range(rounds):
        for name in CLIENTS:
            seconds = asyncio.run(cpu_seconds(name, info, calendar_id, concurrency, calls))
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
        async with ours_calls(info, calendar_id, "subscribe") as call:
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
