"""Lock helpers shared by the token manager and the token stores.

Every wait here ends when the running call's time is up (:func:`._transport.deadline.time_left`):
a caller queued behind another's token fetch then raises :class:`APITimeoutError` naming
what it waited for, instead of outliving its ``max_elapsed``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, TypeVar

from .._transport.deadline import time_left, time_up

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

_POLL_SECONDS = 0.005


def check_time_left(doing: str) -> None:
    """Raise :func:`time_up` when the running call has no time left (before ``doing``)."""
    left = time_left()
    if left is not None and left <= 0.0:
        raise time_up(doing)


@contextmanager
def holding(lock: threading.Lock, doing: str) -> Iterator[None]:
    """Hold ``lock``, waiting no longer than the running call may."""
    left = time_left()
    if not lock.acquire(timeout=-1 if left is None else min(left, threading.TIMEOUT_MAX)):
        raise time_up(doing)
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def holding_loop_lock(lock: asyncio.Lock, doing: str) -> AsyncIterator[None]:
    """Hold an ``asyncio.Lock``, waiting no longer than the running call may."""
    await awithin_time_left(lock.acquire(), doing)
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def holding_thread_lock(lock: threading.Lock, doing: str) -> AsyncIterator[None]:
    """Hold a ``threading.Lock`` from a coroutine without blocking its event loop.

    Polls instead of waiting in a worker thread: a cancelled task then never leaves a thread
    behind that takes the lock later and keeps it for ever. Contention is rare (only while a
    token is being fetched, by another thread or event loop), so the polling costs little.
    """
    import asyncio  # here, not at import: a sync application never loads it

    # The lock is released by other threads or event loops, which no asyncio.Event of ours reaches.
    while not lock.acquire(blocking=False):
        left = time_left()
        if left is not None and left <= 0.0:
            raise time_up(doing)
        await asyncio.sleep(_POLL_SECONDS if left is None else min(_POLL_SECONDS, left))
    try:
        yield
    finally:
        lock.release()


def within_time_left(value: T, doing: str) -> T:
    """``value``, already read: a blocking read cannot be cut (redis-py sets timeouts per connection)."""
    return value


async def awithin_time_left(awaitable: Awaitable[T], doing: str) -> T:
    """Await ``awaitable``, cancelled (raising :func:`time_up`) when the running call's time is up."""
    import asyncio

    left = time_left()
    if left is None:
        return await awaitable
    try:
        async with asyncio.timeout(left) as scope:
            return await awaitable
    except TimeoutError:
        if scope.expired():
            raise time_up(doing) from None
        raise


class KeyedLocks:
    """One ``threading.Lock`` per key, created on first use."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def __call__(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


def waiting_for_lock(key: str) -> str:
    """What a lock wait is called in the timeout error that ends it."""
    return f"waiting for the token store's lock for {key}"
