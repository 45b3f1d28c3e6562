"""One time limit for a whole call: every attempt, every wait, and reading the answer's body.

httpx's timeouts bound each network operation, not a request (a byte every 0.3 s never trips a
2 s read timeout). Each request gets a :class:`Deadline` (its policy's ``max_elapsed``) within
the call's own (:class:`CallDeadline`); docs/transport.md says how each client enforces it.
"""

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar, Token
from typing import Any

from .._errors import APITimeoutError

ErrorFactory = Callable[[str], APITimeoutError]
"""Builds the error to raise, given what was under way when the time ran out."""


class Deadline:
    """``limit`` seconds from now on ``clock`` (monotonic); no limit when ``limit`` is None.

    ``outer`` is a limit it may not outlast either (the whole call's, see :class:`CallDeadline`).
    """

    __slots__ = ("_clock", "_ends", "_outer", "_started", "limit", "operation")

    def __init__(
        self,
        limit: float | None,
        clock: Callable[[], float],
        *,
        outer: "Deadline | None" = None,
        operation: str | None = None,
    ) -> None:
        self.limit = limit
        self.operation = operation
        """The spec's operationId of the call it bounds, for an error raised where no request names it."""
        self._clock = clock
        self._started = now = clock()
        self._ends = None if limit is None else now + limit
        self._outer = outer

    @classmethod
    def for_request(cls, limit: float | None, clock: Callable[[], float]) -> "Deadline":
        """A request's limit, within the call's when one is running (the call's own, when the two are alike)."""
        outer = _call_deadline.get()
        if outer is not None and outer.limit == limit and outer._clock is clock:
            return outer  # it started first, so it ends first: a second one would change nothing
        return cls(limit, clock, outer=outer)

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

    def aenforce(self, error: ErrorFactory, doing: str) -> "_Enforced":
        """``async with deadline.aenforce(...):`` cancels the block at the limit, raising ``error(...)``."""
        return _Enforced(self, error, doing)


class _Enforced:
    """``asyncio.timeout``, its expiry raised as the SDK's error (a class: it wraps every request)."""

    __slots__ = ("_deadline", "_doing", "_error", "_scope")

    def __init__(self, deadline: Deadline, error: ErrorFactory, doing: str) -> None:
        import asyncio  # here, not at import: a sync application never loads it

        self._deadline, self._error, self._doing = deadline, error, doing
        self._scope = asyncio.timeout(deadline.left())

    async def __aenter__(self) -> None:
        await self._scope.__aenter__()

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        try:
            await self._scope.__aexit__(kind, error, tb)
        except TimeoutError:
            if self._scope.expired():
                raise self._error(self._deadline.reason(self._doing)) from None
            raise


_call_deadline: ContextVar[Deadline | None] = ContextVar("dingtalk_calendar_call_deadline", default=None)


def time_up(doing: str) -> APITimeoutError:
    """The error for a call whose time ran out while ``doing`` (waiting for a token, say): nothing was sent.

    It names the limit that ran out and the call's operation, as an attempt's own time-up does.
    """
    deadline = _call_deadline.get()
    if deadline is None:
        return APITimeoutError(f"{doing}; the call's time limit was reached", attempts=0)
    return APITimeoutError(deadline.reason(doing), operation=deadline.operation, attempts=0)


def time_left() -> float | None:
    """Seconds left on the running call's limit (0 once passed), or None outside a call or without one."""
    deadline = _call_deadline.get()
    return None if deadline is None else deadline.left()


class CallDeadline:
    """``with CallDeadline(limit, operation):`` every request within the block (in its thread or task)
    shares one limit; an inner block keeps the outer's. ``operation`` is named by an error raised while
    it waits. A class, not ``@contextmanager``: it wraps every call."""

    __slots__ = ("_deadline", "_token")
    _token: Token[Deadline | None]

    def __init__(self, limit: float | None, operation: str | None = None) -> None:
        fresh = limit is not None and _call_deadline.get() is None
        self._deadline = Deadline(limit, time.monotonic, operation=operation) if fresh else None

    def __enter__(self) -> None:
        if self._deadline is not None:
            self._token = _call_deadline.set(self._deadline)

    def __exit__(self, *exc_info: object) -> None:
        if self._deadline is not None:
            _call_deadline.reset(self._token)
