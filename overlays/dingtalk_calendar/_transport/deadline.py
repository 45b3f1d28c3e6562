"""One time limit for a whole call: every attempt, every wait, and reading the answer's body.

httpx's timeouts bound each network operation, not a request (a byte every 0.3 s never trips a
2 s read timeout). Each request gets a :class:`Deadline` (its policy's ``max_elapsed``) within
the call's own (:func:`call_deadline`); docs/transport.md says how each client enforces it.
"""

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager, nullcontext
from contextvars import ContextVar, Token
from types import TracebackType

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

    def aenforce(self, error: ErrorFactory, doing: str) -> AbstractAsyncContextManager[None]:
        """``async with deadline.aenforce(...):`` cancels the block at the limit, raising ``error(...)``."""
        return _Scope(self.left(), lambda: error(self.reason(doing)))


class _Scope:
    """``asyncio.timeout(delay)``, its ``TimeoutError`` turned into the SDK's error."""

    __slots__ = ("_delay", "_error", "_timeout")

    def __init__(self, delay: float | None, error: Callable[[], APITimeoutError]) -> None:
        self._delay = delay
        self._error = error

    async def __aenter__(self) -> None:
        import asyncio  # here, not at import: a sync application never loads it

        self._timeout: asyncio.Timeout = asyncio.timeout(self._delay)
        await self._timeout.__aenter__()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            await self._timeout.__aexit__(kind, error, traceback)
        except TimeoutError:
            if self._timeout.expired():
                raise self._error() from None
            raise


_call_deadline: ContextVar[Deadline | None] = ContextVar("dingtalk_calendar_call_deadline", default=None)


def time_left() -> float | None:
    """Seconds left on the running call's limit (0 once passed), or None outside a call or without one."""
    deadline = _call_deadline.get()
    return None if deadline is None else deadline.left()


class call_deadline:  # lower case, used as a function: ``with call_deadline(60.0): ...``
    """Within the block (in its thread or task), every request shares one limit; an inner block keeps the outer's."""

    __slots__ = ("_limit", "_token")

    def __init__(self, limit: float | None) -> None:
        self._limit = limit
        self._token: Token[Deadline | None] | None = None

    def __enter__(self) -> None:
        if self._limit is not None and _call_deadline.get() is None:
            self._token = _call_deadline.set(Deadline(self._limit, time.monotonic))

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _call_deadline.reset(self._token)
            self._token = None
