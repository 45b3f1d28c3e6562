"""Async throughput at several concurrencies: our ``AsyncCalendarClient`` against the official SDK's async calls.

Each round, for each concurrency, both clients make the same number of calls of one
operation; the ratio is ours over theirs in the same round, median over rounds. The
server's CPU use is sampled around each measurement, to show whether it was the limit.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from dingtalk_calendar import AsyncCalendarClient, InternalAppCredentials

from . import scenario as s
from .concurrency import warm_then_time
from .emulator_process import EmulatorInfo
from .log import log
from .official_client import OfficialWorker
from .process_cpu import cpu_seconds
from .timing import median


@dataclass(frozen=True)
class ThroughputPoint:
    """One operation at one concurrency."""

    op: str
    concurrency: int
    calls: int
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


async def _ours_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    credentials = InternalAppCredentials(info.app_key, info.app_secret)
    async with AsyncCalendarClient(credentials, base_url=info.url) as client:
        user = s.AUTHOR if op == "get" else s.SUBSCRIBER
        method = client.get if op == "get" else client.subscribe
        return await warm_then_time(lambda: method(user, calendar_id), concurrency=concurrency, calls=calls)


def _run_ours(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    return asyncio.run(_ours_seconds(info, calendar_id, op, concurrency, calls))


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
) -> list[ThroughputPoint]:
    ours: dict[tuple[str, int], list[tuple[float, float | None]]] = {}
    theirs: dict[tuple[str, int], list[tuple[float, float | None]]] = {}
    for round_no in range(rounds):
        for op in ops:
            for concurrency in concurrencies:
                key = (op, concurrency)
                run_ours = partial(_run_ours, info, calendar_id, op, concurrency, calls)
                ours.setdefault(key, []).append(_with_server_cpu(server_pid, run_ours))
                if official is not None:
                    run_theirs = partial(official.throughput, op, concurrency=concurrency, calls=calls)
                    theirs.setdefault(key, []).append(_with_server_cpu(server_pid, run_theirs))
        log(f"throughput round {round_no + 1}/{rounds} done")
    return [_point(op, c, calls, ours[(op, c)], theirs.get((op, c))) for op in ops for c in concurrencies]


def _point(
    op: str,
    concurrency: int,
    calls: int,
    ours: list[tuple[float, float | None]],
    theirs: list[tuple[float, float | None]] | None,
) -> ThroughputPoint:
    ours_rates = [calls / seconds for seconds, _ in ours]
    their_rates = [calls / seconds for seconds, _ in theirs] if theirs else []
    return ThroughputPoint(
        op=op,
        concurrency=concurrency,
        calls=calls,
        ours_per_s=median(ours_rates),
        official_per_s=median(their_rates) if their_rates else None,
        ratio=median([a / b for a, b in zip(ours_rates, their_rates, strict=True)]) if their_rates else None,
        server_busy_ours=_median_busy(ours),
        server_busy_official=_median_busy(theirs or []),
        rounds_ours=tuple(round(r, 1) for r in ours_rates),
        rounds_official=tuple(round(r, 1) for r in their_rates),
    )


def _median_busy(samples: list[tuple[float, float | None]]) -> float | None:
    busy = [b for _, b in samples if b is not None]
    return median(busy) if busy else None
