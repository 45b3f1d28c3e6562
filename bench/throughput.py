"""Async throughput at several concurrencies: our ``AsyncCalendarClient`` against the official SDK's async calls.

Each round, for each concurrency, both clients make the same number of calls of one
operation; the ratio is ours over theirs in the same round, median over rounds. The
server's CPU use is sampled around each measurement, to show whether it was the limit.

Measured against a plain-HTTP emulator and against one serving HTTPS, as DingTalk does:
a client that opens a new connection per call pays a TLS handshake each time only there.
With ``with_httpx_default`` our client is also measured on httpx's own async transport
(httpcore) instead of its default ``AsyncAiohttpTransport``, to show what that choice gives.
With ``with_bare_clients``, a bare ``httpx.AsyncClient`` on ``AsyncAiohttpTransport``, that
transport alone and a bare ``aiohttp.ClientSession`` (``bench/bare_clients.py``) too: the
ceilings of any client built on httpx's public client with that transport, of any client on
the transport, and of any client on aiohttp.
"""

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial

from .bare_clients import bare_aiohttp_seconds, bare_httpx_seconds, bare_transport_seconds
from .calls import Seconds, ours_calls, ours_on_httpx_default_calls, wall_seconds
from .emulator_process import EmulatorInfo
from .log import log
from .official_client import OfficialWorker
from .process_cpu import cpu_seconds
from .raw_client import raw_seconds
from .timing import median


@dataclass(frozen=True)
class ThroughputPoint:
    """One operation at one concurrency."""

    server: str
    """"http" or "https"."""
    op: str
    concurrency: int
    calls: int
    official_calls: int
    ours_per_s: float
    """Median over rounds of calls per second."""
    official_per_s: float | None
    ratio: float | None
    """Median over rounds of ours / official in the same round."""
    server_busy_ours: float | None
    """Share of one core the server used while ours ran (1.0: saturated)."""
    server_busy_official: float | None
    rounds_ours: tuple[float, ...]
    rounds_official: tuple[float, ...]
    httpx_default_per_s: float | None = None
    """Our client on httpx's own async transport (httpcore), median over rounds."""
    raw_per_s: float | None = None
    """A raw-socket client sending our requests' very bytes (``bench/raw_client.py``), median over rounds."""
    share_of_raw: float | None = None
    """Median over rounds of ours / raw in the same round."""
    bare_httpx_per_s: float | None = None
    """A bare ``httpx.AsyncClient`` on ``AsyncAiohttpTransport``, median over rounds."""
    bare_httpx_share_of_raw: float | None = None
    """Median over rounds of bare httpx / raw in the same round."""
    bare_transport_per_s: float | None = None
    """``AsyncAiohttpTransport`` alone, sent a request built once, median over rounds."""
    bare_transport_share_of_raw: float | None = None
    """Median over rounds of the transport alone / raw in the same round."""
    bare_aiohttp_per_s: float | None = None
    """A bare ``aiohttp.ClientSession``, median over rounds."""
    bare_aiohttp_share_of_raw: float | None = None
    """Median over rounds of bare aiohttp / raw in the same round."""


_run_ours = wall_seconds(ours_calls)


def _with_server_cpu(server_pid: int, run: Callable[[], float]) -> tuple[float, float | None]:
    cpu_before, wall_before = cpu_seconds(server_pid), time.perf_counter()
    seconds = run()
    cpu_after, wall = cpu_seconds(server_pid), time.perf_counter() - wall_before
    busy = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / wall
    return seconds, busy


def measure_throughput(
    info: EmulatorInfo,
    calendar_id: str,
    *,
    server_pid: int,
    ops: tuple[str, ...],
    concurrencies: tuple[int, ...],
    calls: int,
    rounds: int,
    official: OfficialWorker | None,
    official_calls: int | None = None,
    with_httpx_default: bool = False,
    with_bare_clients: bool = False,
) -> list[ThroughputPoint]:
    """``official_calls`` (default ``calls``) lets a much slower official SDK make fewer calls: rates are per second."""
    their_calls = official_calls or calls
    server = "https" if info.ca_file else "http"
    ours: dict[tuple[str, int], list[tuple[float, float | None]]] = {}
    theirs: dict[tuple[str, int], list[tuple[float, float | None]]] = {}
    # The other clients take their turns in each round after ours and the official SDK, raw first.
    others: dict[str, Seconds] = {"raw": raw_seconds}
    if with_bare_clients:
        others |= {
            "bare_httpx": bare_httpx_seconds,
            "bare_transport": bare_transport_seconds,
            "bare_aiohttp": bare_aiohttp_seconds,
        }
    if with_httpx_default:
        others["httpx_default"] = wall_seconds(ours_on_httpx_default_calls)
    rates: dict[str, dict[tuple[str, int], list[float]]] = {name: {} for name in others}
    for round_no in range(rounds):
        for op in ops:
            for concurrency in concurrencies:
                key = (op, concurrency)
                run_ours = partial(_run_ours, info, calendar_id, op, concurrency, calls)
                ours.setdefault(key, []).append(_with_server_cpu(server_pid, run_ours))
                if official is not None:
                    run_theirs = partial(official.throughput, op, concurrency=concurrency, calls=their_calls)
                    theirs.setdefault(key, []).append(_with_server_cpu(server_pid, run_theirs))
                for name, seconds in others.items():
                    rates[name].setdefault(key, []).append(calls / seconds(info, calendar_id, op, concurrency, calls))
        log(f"throughput ({server}) round {round_no + 1}/{rounds} done")
    return [
        _point(
            server,
            op,
            c,
            (calls, their_calls),
            ours[(op, c)],
            theirs.get((op, c)),
            {name: by_key[(op, c)] for name, by_key in rates.items()},
        )
        for op in ops
        for c in concurrencies
    ]


def _point(
    server: str,
    op: str,
    concurrency: int,
    calls: tuple[int, int],
    ours: list[tuple[float, float | None]],
    theirs: list[tuple[float, float | None]] | None,
    others: dict[str, list[float]],
) -> ThroughputPoint:
    ours_rates = [calls[0] / seconds for seconds, _ in ours]
    their_rates = [calls[1] / seconds for seconds, _ in theirs] if theirs else []
    raw = others["raw"]

    def rate(name: str) -> float | None:
        return median(others[name]) if name in others else None

    def share_of_raw(rates: list[float] | None) -> float | None:
        return median([a / b for a, b in zip(rates, raw, strict=True)]) if rates else None

    return ThroughputPoint(
        server=server,
        op=op,
        concurrency=concurrency,
        calls=calls[0],
        official_calls=calls[1],
        ours_per_s=median(ours_rates),
        official_per_s=median(their_rates) if their_rates else None,
        ratio=median([a / b for a, b in zip(ours_rates, their_rates, strict=True)]) if their_rates else None,
        server_busy_ours=_median_busy(ours),
        server_busy_official=_median_busy(theirs or []),
        rounds_ours=tuple(round(r, 1) for r in ours_rates),
        rounds_official=tuple(round(r, 1) for r in their_rates),
        httpx_default_per_s=rate("httpx_default"),
        raw_per_s=median(raw),
        share_of_raw=share_of_raw(ours_rates),
        bare_httpx_per_s=rate("bare_httpx"),
        bare_httpx_share_of_raw=share_of_raw(others.get("bare_httpx")),
        bare_transport_per_s=rate("bare_transport"),
        bare_transport_share_of_raw=share_of_raw(others.get("bare_transport")),
        bare_aiohttp_per_s=rate("bare_aiohttp"),
        bare_aiohttp_share_of_raw=share_of_raw(others.get("bare_aiohttp")),
    )


def _median_busy(samples: list[tuple[float, float | None]]) -> float | None:
    busy = [b for _, b in samples if b is not None]
    return median(busy) if busy else None


def main(argv: list[str] | None = None) -> None:
    """This section alone, over plain HTTP, against an emulator of its own: ``python -m bench.throughput``."""
    import argparse

    from .callers_ours import prepare_calendar
    from .emulator_process import EmulatorProcess
    from .machine import describe_machine
    from .official_env import ensure_official_venv
    from .report import throughput_section

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", nargs="+", default=["subscribe", "get"], choices=["subscribe", "get"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--official", action="store_true", help="the official SDK too (its venv is made if missing)")
    args = parser.parse_args(argv)
    machine = describe_machine()
    official_python = ensure_official_venv() if args.official else None
    with EmulatorProcess(qps_limit=None) as emulator:
        info = emulator.info
        calendar_id = prepare_calendar(info)
        with ExitStack() as stack:
            official = None
            if official_python is not None:
                official = stack.enter_context(OfficialWorker(official_python, info, calendar_id))
            points = measure_throughput(
                info,
                calendar_id,
                server_pid=emulator.pid,
                ops=tuple(args.ops),
                concurrencies=tuple(args.concurrency),
                calls=args.calls,
                rounds=args.rounds,
                official=official,
                with_httpx_default=True,
                with_bare_clients=True,
            )
    load = ", ".join(f"{x:.2f}" for x in machine.load_average_at_start)
    print(f"Load average at start: {load}; {machine.cpu_model}, {machine.cores} cores.\n")
    print(throughput_section(points))


if __name__ == "__main__":
    main()
