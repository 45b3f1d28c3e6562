"""Many time limits on one event-loop timer: what every async call's deadline and read timeout run on.

Each asyncio timer (``loop.call_at``, ``asyncio.timeout``, aiohttp's read timeout) is a
``TimerHandle`` in the loop's heap, ordered by a ``__lt__`` written in Python: with a hundred
calls in flight, each arming two or three timers that are almost always cancelled a few
milliseconds later, the heap work was a sixth of the client's CPU per call. Here the limits of
one loop sit in a heap of plain ``(when, n, alarm)`` tuples, which ``heapq`` orders in C, and
the loop holds a single timer, for the earliest of them. Cancelling only marks an alarm; the
heap drops cancelled ones as they come to its top, and is rebuilt without them once they are
more than half of it (as asyncio does with its own). As with the loop's own timers, a callback
that raises is reported to the loop's exception handler and the others still ring, and an
alarm set by a callback rings at the loop's next turn at the soonest.

:func:`cutoff` is ``asyncio.timeout`` on these alarms.
"""

import asyncio
import heapq
import itertools
import math
from collections.abc import Callable
from types import TracebackType
from typing import Final

# Rebuilt only past this size: a small heap of cancelled alarms costs nothing to keep.
_REBUILD_FROM: Final = 64


class Alarm:
    """One time limit: ``callback`` runs at ``when`` (loop time) unless cancelled first."""

    __slots__ = ("_alarms", "callback", "when")

    def __init__(self, alarms: "Alarms", when: float, callback: Callable[[], None]) -> None:
        self._alarms = alarms
        self.when = when
        self.callback: Callable[[], None] | None = callback

    def cancel(self) -> None:
        if self.callback is not None:
            self.callback = None
            self._alarms.cancelled += 1


class Alarms:
    """The alarms of one event loop, and the one loop timer that serves them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()  # ties on ``when`` never compare two alarms
        self._timer: asyncio.TimerHandle | None = None
        self._timer_when = math.inf
        self._held: list[tuple[float, int, Alarm]] = []  # while ringing: due alarms its callbacks set
        self.cancelled = 0

    def set(self, delay: float, callback: Callable[[], None]) -> Alarm:
        """An alarm ``delay`` seconds from now."""
        when = self._loop.time() + delay
        alarm = Alarm(self, when, callback)
        heapq.heappush(self._heap, (when, next(self._order), alarm))
        if when < self._timer_when:
            self._arm(when)
        if self.cancelled > _REBUILD_FROM and self.cancelled * 2 > len(self._heap):
            self._rebuild()
        return alarm

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_when = when
        self._timer = self._loop.call_at(when, self._ring)

    def _ring(self) -> None:
        loop = self._loop
        # The loop runs a timer up to its clock's resolution early: everything the timer was
        # armed for is due, whatever loop.time() says now.
        due = max(self._timer_when, loop.time())
        # An alarm set by a callback rings from the loop's next turn, as a call_soon would: one
        # that sets an alarm already due cannot hold the loop here. While ringing, set() neither
        # arms the timer (nothing is below -inf) nor rebuilds the heap.
        set_from = next(self._order)
        self._timer, self._timer_when = None, -math.inf
        held = self._held
        try:
            while self._heap and self._heap[0][0] <= due:
                entry = heapq.heappop(self._heap)
                alarm = entry[2]
                if entry[1] > set_from:
                    held.append(entry)
                    continue
                callback = alarm.callback
                if callback is None:
                    self.cancelled -= 1
                    continue
                alarm.callback = None
                try:
                    callback()
                except (SystemExit, KeyboardInterrupt):
                    raise
                except BaseException as error:  # as the loop does with its own timers: report, go on
                    loop.call_exception_handler(
                        {"message": f"Exception in alarm callback {callback!r}", "exception": error}
                    )
        finally:
            for entry in held:
                heapq.heappush(self._heap, entry)
            held.clear()
            self._timer_when = math.inf
            if self.cancelled > _REBUILD_FROM and self.cancelled * 2 > len(self._heap):
                self._rebuild()
            self._drop_cancelled_top()
            if self._heap:
                self._arm(self._heap[0][0])

    def _drop_cancelled_top(self) -> None:
        heap = self._heap
        while heap and heap[0][2].callback is None:
            heapq.heappop(heap)
            self.cancelled -= 1

    def _rebuild(self) -> None:
        if self._timer_when == -math.inf:
            return  # ringing: the alarms it holds aside would be miscounted; rebuilt once it is done
        self._heap = [entry for entry in self._heap if entry[2].callback is not None]
        heapq.heapify(self._heap)
        self.cancelled = 0

    def __len__(self) -> int:
        """Alarms still to ring."""
        return len(self._heap) + len(self._held) - self.cancelled


# Not a WeakKeyDictionary: an Alarms holds its loop (and its callbacks the loop's tasks), so
# no entry would ever die. A closed loop's entry is dropped when a new loop comes instead:
# successive asyncio.run()s keep no more than the last loop alive.
_by_loop: dict[asyncio.AbstractEventLoop, Alarms] = {}
_last: tuple[asyncio.AbstractEventLoop | None, Alarms | None] = (None, None)


def alarms_for(loop: asyncio.AbstractEventLoop) -> Alarms:
    """``loop``'s alarms (the last loop asked for is answered without a dictionary lookup)."""
    global _last
    last_loop, last_alarms = _last
    if loop is last_loop and last_alarms is not None:
        return last_alarms
    alarms = _by_loop.get(loop)
    if alarms is None:
        for closed in [known for known in list(_by_loop) if known.is_closed()]:
            _by_loop.pop(closed, None)
        alarms = _by_loop[loop] = Alarms(loop)
    _last = (loop, alarms)
    return alarms


class cutoff:  # lower case, as asyncio.timeout: ``with cutoff(5.0) as scope:`` inside a task
    """``asyncio.timeout(delay)`` on the loop's alarms: the task is cancelled at the limit and
    ``TimeoutError`` raised from the block (or ``timed_out()``, when given); ``expired()`` tells
    it was this limit."""

    __slots__ = ("_alarm", "_cancelling", "_delay", "_expired", "_task", "_timed_out")

    def __init__(self, delay: float, timed_out: Callable[[], BaseException] | None = None) -> None:
        self._delay = delay
        self._timed_out = timed_out  # the error to raise at the limit instead of TimeoutError
        self._expired = False
        self._alarm: Alarm | None = None

    def expired(self) -> bool:
        return self._expired

    def __enter__(self) -> "cutoff":
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("cutoff() should be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._alarm = alarms_for(task.get_loop()).set(self._delay, self._expire)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        # As asyncio.timeout does: the cancellation is ours to turn into TimeoutError only
        # when nobody else asked for one meanwhile.
        if self._expired and self._task.uncancel() <= self._cancelling and kind is asyncio.CancelledError:
            if self._timed_out is not None:
                raise self._timed_out() from None
            raise TimeoutError from error

    # Entering and leaving awaits nothing, so ``with`` serves inside a coroutine and saves the
    # two coroutines ``async with`` makes; ``async with`` works as with asyncio.timeout.
    async def __aenter__(self) -> "cutoff":
        return self.__enter__()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.__exit__(kind, error, traceback)

    def _expire(self) -> None:
        self._alarm = None
        self._expired = True
        self._task.cancel()
