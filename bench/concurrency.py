"""Async throughput: ``calls`` calls spread over ``concurrency`` tasks, as fast as they go.

Standard library only: the official SDK's worker drives its client with these same functions.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def run_concurrently(call: Callable[[], Awaitable[object]], *, concurrency: int, calls: int) -> float:
    """Seconds taken by ``calls`` calls with ``concurrency`` of them in flight at any time."""
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        # Tasks share one thread: taking a call from the budget needs no lock.
        while remaining > 0:
            remaining -= 1
            await call()

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, calls)):
            group.create_task(worker())
    return time.perf_counter() - start


async def warm_then_time(call: Callable[[], Awaitable[object]], *, concurrency: int, calls: int) -> float:
    """As ``run_concurrently``, after one call per task to open connections and fetch tokens."""
    await run_concurrently(call, concurrency=concurrency, calls=concurrency)
    return await run_concurrently(call, concurrency=concurrency, calls=calls)
