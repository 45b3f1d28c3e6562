"""How a client runs its overlays' hooks: per call, and per attempt from a transport under the retries.

The hooks themselves, and what they are told, are in ``_overlay.overlay``.
"""

import contextvars
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from inspect import isawaitable
from typing import Any, TypedDict, TypeVar

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._errors import DingTalkError
from .._extensions import OPERATION_EXTENSION
from .overlay import Attempt, Overlay, TokenRequest

_O = TypeVar("_O", bound=Overlay)


def _overriding(items: tuple[Overlay, ...], hook: str) -> tuple[Overlay, ...]:
    # Only overlays that override a hook are called for it: no cost on the hot path otherwise.
    return tuple(o for o in items if getattr(type(o), hook) is not getattr(Overlay, hook))


class _CallState:
    """One call in flight, for the transport under the retries and the retry layer's waits."""

    __slots__ = ("attempts", "request", "token_requests", "waited")

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.attempts = 0
        self.waited = 0.0
        self.token_requests: list[TokenRequest] = []


# The call being sent in this thread or task: how a token request or a retry wait, which
# the retry layer sees without knowing the call, is tied to it.
_current: contextvars.ContextVar[_CallState | None] = contextvars.ContextVar("dingtalk_call", default=None)
_NO_SCOPE = nullcontext()


class Overlays:
    """The overlays of one client, in order, and the calls into their hooks."""

    __slots__ = (
        "_by_type",
        "_on_attempt",
        "_on_attempt_end",
        "_on_call_end",
        "_on_error",
        "_on_request",
        "_on_response",
        "_scoped",
        "items",
        "per_attempt",
        "per_call",
    )

    def __init__(self, items: Iterable[Overlay]) -> None:
        self.items = tuple(items)
        self._by_type = {type(o): o for o in self.items}
        self._on_request = _overriding(self.items, "on_request")
        self._on_attempt = _overriding(self.items, "on_attempt")
        self._on_attempt_end = _overriding(self.items, "on_attempt_end")
        self._on_response = _overriding(self.items, "on_response")
        self._on_error = _overriding(self.items, "on_error")
        self._on_call_end = _overriding(self.items, "on_call_end")
        self.per_attempt = bool(self._on_attempt or self._on_attempt_end)
        """Whether the client must wrap its transport so that the per-attempt hooks run."""
        self._scoped = self.per_attempt or bool(self._on_call_end)
        self.per_call = bool(self._scoped or self._on_request or self._on_response or self._on_error)
        """Whether any hook runs per call: a client without one skips the calls into them."""

    def get(self, kind: type[_O]) -> _O:
        overlay = self._by_type.get(kind)
        if overlay is None:
            raise LookupError(f"no {kind.__name__} overlay on this client")
        assert isinstance(overlay, kind)
        return overlay

    # -- per call --------------------------------------------------------------------------

    def request(self, request: httpx.Request) -> None:
        for overlay in self._on_request:
            _sync_only(overlay.on_request(request), overlay, "on_request")

    def response(self, response: httpx.Response) -> None:
        for overlay in self._on_response:
            _sync_only(overlay.on_response(response), overlay, "on_response")

    def error(self, error: DingTalkError) -> None:
        for overlay in self._on_error:
            _sync_only(overlay.on_error(error), overlay, "on_error")

    def call(self, request: httpx.Request) -> AbstractContextManager[None]:
        """The scope of one call: ``with overlays.call(request): ...`` around everything the call does."""
        if not self._scoped:
            return _NO_SCOPE
        return self._call_scope(request)

    @contextmanager
    def _call_scope(self, request: httpx.Request) -> Iterator[None]:
        reset = _current.set(_CallState(request))
        try:
            yield
        except BaseException as error:
            self._call_end(request, error)
            raise
        else:
            self._call_end(request, None)
        finally:
            _current.reset(reset)

    def _call_end(self, request: httpx.Request, error: BaseException | None) -> None:
        for overlay in self._on_call_end:
            _sync_only(overlay.on_call_end(request, error), overlay, "on_call_end")

    async def arequest(self, request: httpx.Request) -> None:
        for overlay in self._on_request:
            await _maybe_await(overlay.on_request(request))

    async def aresponse(self, response: httpx.Response) -> None:
        for overlay in self._on_response:
            await _maybe_await(overlay.on_response(response))

    async def aerror(self, error: DingTalkError) -> None:
        for overlay in self._on_error:
            await _maybe_await(overlay.on_error(error))

    def acall(self, request: httpx.Request) -> AbstractAsyncContextManager[None]:
        """The async twin of :meth:`call`: ``async with overlays.acall(request): ...``."""
        if not self._scoped:
            return _NO_ASYNC_SCOPE
        return self._acall_scope(request)

    @asynccontextmanager
    async def _acall_scope(self, request: httpx.Request) -> AsyncIterator[None]:
        reset = _current.set(_CallState(request))
        try:
            yield
        except BaseException as error:
            await self._acall_end(request, error)
            raise
        else:
            await self._acall_end(request, None)
        finally:
            _current.reset(reset)

    async def _acall_end(self, request: httpx.Request, error: BaseException | None) -> None:
        for overlay in self._on_call_end:
            await _maybe_await(overlay.on_call_end(request, error))

    # -- per attempt: the transport under the retries, and the retry layer's waits ---------

    def wrap(self, transport: httpx.BaseTransport) -> httpx.BaseTransport:
        """``transport`` with the per-attempt hooks around each sending (itself when there are none)."""
        return _AttemptTransport(transport, self) if self.per_attempt else transport

    def awrap(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return _AsyncAttemptTransport(transport, self) if self.per_attempt else transport

    def retry_options(self) -> "_RetryOptions":
        """Arguments for ``RetryTransport``: a ``sleep`` that notes each wait for the call's next attempt."""
        if not self.per_attempt:
            return {}

        def noted(seconds: float) -> None:
            _note_wait(seconds)
            time.sleep(seconds)

        return {"sleep": noted}

    def aretry_options(self) -> "_AsyncRetryOptions":
        """The same for ``AsyncRetryTransport``."""
        if not self.per_attempt:
            return {}

        async def noted(seconds: float) -> None:
            import asyncio  # here: a sync application never loads it

            _note_wait(seconds)
            await asyncio.sleep(seconds)

        return {"sleep": noted}

    def _start(self, state: _CallState, request: httpx.Request) -> Attempt:
        state.attempts += 1
        operation = request.extensions.get(OPERATION_EXTENSION)
        attempt = Attempt(
            request,
            operation if isinstance(operation, str) else None,
            state.attempts,
            waited=state.waited,
            token_requests=tuple(state.token_requests),
        )
        state.waited = 0.0
        state.token_requests.clear()
        return attempt

    def attempt(self, attempt: Attempt) -> None:
        token = attempt.request.headers.get(ACCESS_TOKEN_HEADER)
        for overlay in self._on_attempt:
            _sync_only(overlay.on_attempt(attempt), overlay, "on_attempt")
        _keep_token(attempt.request, token)

    def attempt_end(self, attempt: Attempt) -> None:
        for overlay in self._on_attempt_end:
            _sync_only(overlay.on_attempt_end(attempt), overlay, "on_attempt_end")

    async def aattempt(self, attempt: Attempt) -> None:
        token = attempt.request.headers.get(ACCESS_TOKEN_HEADER)
        for overlay in self._on_attempt:
            await _maybe_await(overlay.on_attempt(attempt))
        _keep_token(attempt.request, token)

    async def aattempt_end(self, attempt: Attempt) -> None:
        for overlay in self._on_attempt_end:
            await _maybe_await(overlay.on_attempt_end(attempt))


class _RetryOptions(TypedDict, total=False):
    sleep: Callable[[float], None]


class _AsyncRetryOptions(TypedDict, total=False):
    sleep: Callable[[float], Awaitable[None]]


def _note_wait(seconds: float) -> None:
    state = _current.get()
    if state is not None:
        state.waited += seconds


def _keep_token(request: httpx.Request, token: str | None) -> None:
    # A hook may add headers to an attempt, but the token is the client's to send.
    if request.headers.get(ACCESS_TOKEN_HEADER) != token:
        if token is None:
            del request.headers[ACCESS_TOKEN_HEADER]
        else:
            request.headers[ACCESS_TOKEN_HEADER] = token


def _token_request(request: httpx.Request, response: httpx.Response | None, error: Exception | None) -> TokenRequest:
    operation = request.extensions.get(OPERATION_EXTENSION)
    return TokenRequest(
        operation if isinstance(operation, str) else None,
        None if response is None else response.status_code,
        None if error is None else type(error).__name__,
    )


class _AttemptTransport(httpx.BaseTransport):
    """Under the retry transport: runs the per-attempt hooks around each sending of a call's request."""

    def __init__(self, transport: httpx.BaseTransport, overlays: Overlays) -> None:
        self.transport = transport
        self._overlays = overlays

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        state = _current.get()
        if state is None:
            return self.transport.handle_request(request)
        if request is not state.request:  # a token request made for the call: noted, never shown
            try:
                response = self.transport.handle_request(request)
            except Exception as error:
                state.token_requests.append(_token_request(request, None, error))
                raise
            state.token_requests.append(_token_request(request, response, None))
            return response
        attempt = self._overlays._start(state, request)
        self._overlays.attempt(attempt)
        try:
            response = self.transport.handle_request(request)
        except Exception as error:
            attempt.error = error
            self._overlays.attempt_end(attempt)
            raise
        attempt.response = response
        self._overlays.attempt_end(attempt)
        return response

    def close(self) -> None:
        self.transport.close()


class _AsyncAttemptTransport(httpx.AsyncBaseTransport):
    """The async twin of ``_AttemptTransport``."""

    def __init__(self, transport: httpx.AsyncBaseTransport, overlays: Overlays) -> None:
        self.transport = transport
        self._overlays = overlays

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        state = _current.get()
        if state is None:
            return await self.transport.handle_async_request(request)
        if request is not state.request:
            try:
                response = await self.transport.handle_async_request(request)
            except Exception as error:
                state.token_requests.append(_token_request(request, None, error))
                raise
            state.token_requests.append(_token_request(request, response, None))
            return response
        attempt = self._overlays._start(state, request)
        await self._overlays.aattempt(attempt)
        try:
            response = await self.transport.handle_async_request(request)
        except Exception as error:
            attempt.error = error
            await self._overlays.aattempt_end(attempt)
            raise
        attempt.response = response
        await self._overlays.aattempt_end(attempt)
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()


class _NoAsyncScope(AbstractAsyncContextManager[None]):
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc_info: object) -> None:
        return None


_NO_ASYNC_SCOPE = _NoAsyncScope()  # no state: one serves every call, however concurrent


def _sync_only(result: object, overlay: Overlay, hook: str) -> None:
    if isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # don't leave a never-awaited coroutine behind
        raise TypeError(f"{type(overlay).__name__}.{hook} is async: use it with AsyncCalendarClient")


async def _maybe_await(result: Any) -> None:
    if isawaitable(result):
        await result
