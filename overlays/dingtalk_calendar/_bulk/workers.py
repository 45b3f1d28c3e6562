"""How a bulk job runs its workers: threads for the sync job, tasks for the other, and its pauses.

This is the one part of a bulk job that differs between the two: the job itself is written
once (``_bulk/async_run.py``, whose sync twin ``_bulk/run.py`` is generated), over these.
"""

import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

from .errors import BulkJobInterrupted
from .ledger import Ledger

# A pause is slept in steps this long at most, so that a stop signal is noticed promptly.
_PAUSE_STEP: Final = 0.5


def _pause_steps(seconds: float) -> list[float]:
    steps = [_PAUSE_STEP] * int(seconds // _PAUSE_STEP)
    rest = seconds - sum(steps)
    return [*steps, rest] if rest > 0 else steps


class Pause:
    """The job's pause for a per-minute refusal, across threads: one worker sleeps it, the others wait."""

    def __init__(self, ledger: Ledger, sleep: Callable[[float], object] | None) -> None:
        self._ledger = ledger
        self._sleep = sleep if sleep is not None else time.sleep
        self._running = threading.Event()  # cleared while the job pauses
        self._running.set()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return at once, or when the job's pause is over."""
        self._running.wait()

    def pace(self, seconds: float) -> None:
        """The throttle pacing's wait before a call."""
        time.sleep(seconds)

    def hold(self, seconds: float) -> None:
        """Pause the whole job for ``seconds`` (in steps, ending early on a stop)."""
        with self._lock:
            pauser = self._running.is_set()
            if pauser:
                self._running.clear()
        if not pauser:  # another worker is pausing the job already: wait with it
            self._running.wait()
            return
        try:
            for step in _pause_steps(seconds):
                if self._ledger.stopped:
                    return
                self._sleep(step)
        finally:
            self._running.set()


class AsyncPause:
    """:class:`Pause` for tasks, on one event loop (``sleep`` defaults to ``asyncio.sleep``)."""

    def __init__(self, ledger: Ledger, sleep: Callable[[float], Awaitable[object]] | None) -> None:
        import asyncio  # here, not at import: a sync application never loads it

        self._ledger = ledger
        self._sleep = sleep if sleep is not None else asyncio.sleep
        self._running = asyncio.Event()
        self._running.set()

    async def wait(self) -> None:
        await self._running.wait()

    async def pace(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)

    async def hold(self, seconds: float) -> None:
        if not self._running.is_set():  # another task is pausing the job already: wait with it
            await self._running.wait()
            return
        self._running.clear()
        try:
            for step in _pause_steps(seconds):
                if self._ledger.stopped:
                    return
                await self._sleep(step)
        finally:
            self._running.set()


def run_workers(worker: Callable[[], None], count: int, ledger: Ledger) -> None:
    """``count`` threads running ``worker``; Ctrl-C lets the calls under way finish, then raises with the result."""
    from concurrent.futures import ThreadPoolExecutor  # here, not at import: only a bulk job needs it

    pool = ThreadPoolExecutor(max_workers=count or 1, thread_name_prefix="dingtalk-bulk")
    try:
        for future in [pool.submit(worker) for _ in range(count)]:
            future.result()  # re-raises what a worker let through (a BaseException)
    except KeyboardInterrupt:
        ledger.halted = True  # the workers finish the calls under way, then stop
        pool.shutdown(wait=True)
        raise BulkJobInterrupted(ledger.result()) from None
    finally:
        pool.shutdown(wait=True)


async def arun_workers(worker: Callable[[], Coroutine[Any, Any, None]], count: int, ledger: Ledger) -> None:
    """``count`` tasks running ``worker``, in one task group."""
    import asyncio

    async with asyncio.TaskGroup() as group:
        for _ in range(count):
            group.create_task(worker())
