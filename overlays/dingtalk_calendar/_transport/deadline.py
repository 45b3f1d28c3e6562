"""One time limit for a whole call: every attempt, every wait, and reading the answer's body.

httpx's timeouts bound each network operation, not a request (a byte every 0.3 s never trips a
2 s read timeout). Each request gets a :class:`Deadline` (its policy's ``max_elapsed``) within
the call's own (:func:`call_deadline`); docs/transport.md says how each client enforces it.
"""

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager, nullcontext
from contextvars import ContextVar

from .._errors import APITimeoutError

ErrorFactory = Callable[[str], APITimeoutError]
"""Builds the error to raise, given what was under way when the time ran out."""


class Deadline:
    """``limit`` seconds from now on ``clock`` (monotonic); no limit when ``limit`` is None.

    ``outer`` is a limit it may not outlast either (the whole call's, see :func:`call_deadline`).
    """

    __slots__ = ("_clock", "_ends", "_outer", "_started", "limit")

    def __init__(self, limit: float | None, clock: Callable[[], float], *, outer: "Deadline | None" = None) -> None:
        self.limit = limit
        self._clock = clock
        self._started = now = clock()
        self._ends = None if limit is None else now + limit
        self._outer = outer

    @classmethod
    def for_request(cls, limit: float | None, clock: Callable[[], float]) -> "Deadline":
        """A request's limit, within the call's when one is running."""
        return cls(limit, clock, outer=_call_deadline.get())

    def elapsed(self) -> float:
        """Seconds spent, as its own limit counts them: the outer limit running out first counts as reaching it."""
        left = self.left()
        if self.limit is None or left is None:
            return self._clock() - self._started
        return self.limit - left

    def _own_left(self) -> float | None:
        return None if self._ends is None else max(self._ends - self._clock(), 0.0)

    def left(self) -> float | None:
        """Seconds left (0 once passed), or None without a limit."""
        own = self._own_left()
        outer = None if self._outer is None else self._outer.left()
        if own is None or outer is None:
            return outer if own is None else own
        return min(own, outer)

    @property
    def expired(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0

    def reason(self, doing: str) -> str:
        """What to say once the time is up: the limit that ran out, own or outer."""
        limit = self.limit
        own, outer = self._own_left(), None if self._outer is None else self._outer.left()
        if self._outer is not None and outer is not None and (own is None or outer < own):
            limit = self._outer.limit
        return f"{doing}; time limit ({limit:g} s) reached"

    def enforce(self, error: ErrorFactory, doing: str) -> AbstractContextManager[None]:
        """The sync twin of :meth:`aenforce`: a blocked read cannot be cut off, only bounded (see :mod:`.sync`)."""
        return nullcontext()

    @asynccontextmanager
    async def aenforce(self, error: ErrorFactory, doing: str) -> AsyncIterator[None]:
        """``async with deadline.aenforce(...):`` cancels the block at the limit, raising ``error(...)``."""
        import asyncio  # here, not at import: a sync application never loads it

        scope = asyncio.timeout(self.left())
        try:
            async with scope:
                yield
        except TimeoutError:
            if scope.expired():
                raise error(self.reason(doing)) from None
            raise


_call_deadline: ContextVar[Deadline | None] = ContextVar("dingtalk_calendar_call_deadline", default=None)


def time_left() -> float | None:
    """Seconds left on the running call's limit (0 once passed), or None outside a call or without one."""
    deadline = _call_deadline.get()
    return None if deadline is None else deadline.left()


@contextmanager
def call_deadline(limit: float | None) -> Iterator[None]:
    """Within the block (in its thread or task), every request shares one limit; an inner block keeps the outer's."""
    if limit is None or _call_deadline.get() is not None:
        yield
        return
    token = _call_deadline.set(Deadline(limit, time.monotonic))
    try:
        yield
    finally:
        _call_deadline.reset(token)
