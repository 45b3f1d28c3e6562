"""One time limit for a whole call: every attempt, every wait, and reading the answer's body.

httpx's timeouts bound each network operation, not a request: a server that sends one byte
every 0.3 s never trips a 2 s read timeout, and the body is read after the transport has
returned. So the retry transport gives each request a :class:`Deadline` (its policy's
``max_elapsed``): each attempt's timeouts are cut to the time left, no wait runs past it,
and the answer's body is read through a stream that stops once the time is up, raising
``APITimeoutError``.

The clients run each call inside :func:`call_deadline`, so that every request one call
makes (the token fetch it may need, the resend after DingTalk refused a token) shares one
limit rather than getting a fresh one each.

How close to the limit a call ends: the async transport cancels the read under way at the
limit, in the head or the body. The sync one cannot interrupt a blocked read, so it stops
at the first chunk of the body that arrives after the limit, and a server that goes silent
is bounded by the read timeout, itself cut to the time left when the attempt began. The
sync default transport's sockets (see :mod:`._transports`) cut each read and write, the
head's included, to the time left on the call's limit (:func:`time_left`) and fail with a
read or write timeout once it has passed, so a head that trickles ends at the limit too.
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, TypeVar

import httpx

from ._errors import APITimeoutError

if TYPE_CHECKING:
    from ._alarms import cutoff

T = TypeVar("T")

ErrorFactory = Callable[[str], APITimeoutError]
"""Builds the error to raise, given what was under way when the time ran out."""


class Deadline:
    """``limit`` seconds from now on ``clock`` (monotonic); no limit when ``limit`` is None.

    ``outer`` is a limit it may not outlast either (the whole call's, see :func:`call_deadline`).
    """

    __slots__ = ("_clock", "_ends", "_ends_for", "_outer", "_started", "limit")

    def __init__(self, limit: float | None, clock: Callable[[], float], *, outer: "Deadline | None" = None) -> None:
        self.limit = limit
        self._clock = clock
        self._started = now = clock()
        self._ends = None if limit is None else now + limit
        self._ends_for = limit  # the limit ``_ends`` is the end of
        if outer is not None and outer._clock is clock and outer._outer is None:
            # On one clock the nearer end is known now: each left() then reads the clock once.
            if outer._ends is not None and (self._ends is None or outer._ends < self._ends):
                self._ends, self._ends_for = outer._ends, outer.limit
            outer = None
        self._outer: Deadline | None = outer

    @classmethod
    def for_request(cls, limit: float | None, clock: Callable[[], float]) -> "Deadline":
        """A request's limit, within the call's when one is running."""
        outer = _call_deadline.get()
        if outer is not None and outer.limit == limit and outer._clock is clock and outer._outer is None:
            return outer  # the same limit on the same clock, started earlier: it ends first anyway
        return cls(limit, clock, outer=outer)

    def elapsed(self) -> float:
        """Seconds spent, as its own limit counts them: the outer limit running out first counts as reaching it."""
        left = self.left()
        if self.limit is None or left is None:
            return self._clock() - self._started
        return self.limit - left

    def left(self) -> float | None:
        """Seconds left (0 once passed), or None without a limit."""
        own = None if self._ends is None else max(self._ends - self._clock(), 0.0)
        if self._outer is None:
            return own
        outer = self._outer.left()
        if own is None or outer is None:
            return outer if own is None else own
        return min(own, outer)

    @property
    def expired(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0

    def reason(self, doing: str) -> str:
        """What to say once the time is up: the limit that ran out, own or outer."""
        limit = self._ends_for
        if self._outer is not None:
            own = None if self._ends is None else max(self._ends - self._clock(), 0.0)
            outer = self._outer.left()
            if outer is not None and (own is None or outer < own):
                limit = self._outer.limit
        return f"{doing}; time limit ({limit:g} s) reached"

    def bound(self, response: httpx.Response, error: ErrorFactory) -> None:
        """Make reading ``response``'s body stop at the limit (raising ``error(...)``)."""
        if response.is_stream_consumed or _is_read(response) or self.left() is None:
            return  # read already (a small answer, a mock, a cache), or nothing to bound
        stream = response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            response.stream = _AsyncBoundedStream(stream, self, error)
        elif isinstance(stream, httpx.SyncByteStream):
            response.stream = _BoundedStream(stream, self, error)

    def enforce(self, error: ErrorFactory, doing: str) -> AbstractContextManager[None]:
        """The sync twin of :meth:`aenforce`: a blocked sync call cannot be cut off, only bounded
        by its timeouts (cut to the time left)."""
        return _NO_LIMIT

    def aenforce(self, error: ErrorFactory, doing: str) -> AbstractContextManager[object]:
        """``with deadline.aenforce(...):``, in a task, cancels the block at the limit, raising ``error(...)``."""
        left = self.left()
        if left is None:
            return _NO_LIMIT
        return _cutoff()(left, lambda: error(self.reason(doing)))

    async def awithin(self, awaitable: Awaitable[T], error: ErrorFactory, doing: str) -> T:
        """Await ``awaitable``, cancelled at the limit (raising ``error(...)``)."""
        left = self.left()
        if left is None:
            return await awaitable
        try:
            with _cutoff()(left) as scope:
                return await awaitable
        except TimeoutError:
            if scope.expired():
                raise error(self.reason(doing)) from None
            raise


def _is_read(response: httpx.Response) -> bool:
    try:
        response.content  # noqa: B018 - raises until the body has been read
    except httpx.ResponseNotRead:
        return False
    return True


def _cutoff() -> "type[cutoff]":
    """``_alarms.cutoff``, imported on the first async call: a sync application never loads asyncio."""
    global _cutoff_class
    if _cutoff_class is None:
        from ._alarms import cutoff

        _cutoff_class = cutoff
    return _cutoff_class


_cutoff_class: "type[cutoff] | None" = None
_NO_LIMIT: AbstractContextManager[None] = nullcontext()

_call_deadline: ContextVar[Deadline | None] = ContextVar("dingtalk_calendar_call_deadline", default=None)


def time_left() -> float | None:
    """Seconds left on the running call's limit (0 once passed), or None outside a call or without one."""
    deadline = _call_deadline.get()
    return None if deadline is None else deadline.left()


class call_deadline:  # lower case, used as a function: ``with call_deadline(60.0): ...``
    """Within the block, every request made shares one limit of ``limit`` seconds.

    A block inside another keeps the outer limit. Context variables carry it, so it follows
    the call through the auth flow in its thread or task and no further. A class, not
    ``contextlib.contextmanager``, which costs several microseconds a call.
    """

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


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, deadline: Deadline, error: ErrorFactory) -> None:
        self._stream = stream
        self._deadline = deadline
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except httpx.TimeoutException:
                # The default transport cuts each read to the time left: its timeout is the limit's.
                if self._deadline.expired:
                    raise self._error(self._deadline.reason("the answer was still arriving")) from None
                raise
            # A blocked read cannot be interrupted here; the chunk that ends it is checked.
            if self._deadline.expired:
                raise self._error(self._deadline.reason("the answer was still arriving"))
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, deadline: Deadline, error: ErrorFactory) -> None:
        self._stream = stream
        self._deadline = deadline
        self._error = error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = aiter(self._stream)
        while True:
            try:
                chunk = await self._deadline.awithin(anext(chunks), self._error, "the answer was still arriving")
            except StopAsyncIteration:
                return
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()
