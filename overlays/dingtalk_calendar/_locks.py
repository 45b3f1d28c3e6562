"""Lock helpers shared by the token manager and the memory store."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_POLL_SECONDS = 0.005


@asynccontextmanager
async def holding_thread_lock(lock: threading.Lock) -> AsyncIterator[None]:
    """Hold a ``threading.Lock`` from a coroutine without blocking its event loop.

    Polls instead of waiting in a worker thread: a cancelled task then never leaves a thread
    behind that takes the lock later and keeps it for ever. Contention is rare (only while a
    token is being fetched, by another thread or event loop), so the polling costs little.
    """
    import asyncio  # here, not at import: a sync application never loads it

    # The lock is released by other threads or event loops, which no asyncio.Event of ours reaches.
    while not lock.acquire(blocking=False):  # noqa: ASYNC110
        await asyncio.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        lock.release()


class KeyedLocks:
    """One ``threading.Lock`` per key, created on first use."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def __call__(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())
