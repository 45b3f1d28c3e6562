"""The extension point for other teams: an ``Overlay`` adds behaviour from its own package.

An overlay is passed to a client at construction (``CalendarClient(..., overlays=[...])``);
the client binds it, then calls its hooks around every call:

- ``on_request(request)``: before the request is sent (once per call, before retries);
  may add headers or read ``request.extensions["dingtalk_operation"]``.
- ``on_attempt(attempt)``: before each sending of the request, inside the retry loop: the
  first, every retry, and the re-send after a token refresh. ``attempt.number`` counts
  them, ``attempt.waited`` is the pause the retry policy took before it, and
  ``attempt.token_requests`` the token requests made for the call just before it. Headers
  added here go with this attempt only (the token header cannot be replaced).
- ``on_attempt_end(attempt)``: after each sending, with ``attempt.response`` (headers only:
  the body is not read yet) or ``attempt.error`` (the httpx exception: no answer).
- ``on_response(response)``: after a 2xx answer, before it is parsed.
- ``on_error(error)``: before an SDK error is raised; raise another exception to replace it.
- ``on_call_end(request, error)``: once the call is over, whatever happened: ``error`` is
  None on success, else what is being raised (a ``DingTalkError``, or anything else, such
  as a cancellation). For timers and spans that must always be closed.

and its helpers are reached with ``client.overlay(TheOverlayClass)``, typed. The same
overlay class serves the sync and the async client; on the async client a hook may also be
a coroutine function. Hooks see the request with its token header: never log headers.
Token requests are never shown to hooks (their bodies hold the app's secret).
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
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, TypeVar

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._errors import DingTalkError
from .._extensions import OPERATION_EXTENSION

if TYPE_CHECKING:
    from .._client.async_client import AsyncCalendarClient
    from .._client.client import CalendarClient

_O = TypeVar("_O", bound="Overlay")


# Plain classes, not attrs: this module loads with the SDK, and importing it stays cheap.
class TokenRequest(NamedTuple):
    """One sending of a token request made for a call (never its body or the token)."""

    operation: str | None
    """``getAccessToken``, ``getCorpAccessToken`` or ``getUserAccessToken``."""
    status_code: int | None
    """The answer's HTTP status; None when no answer came."""
    error: str | None = None
    """The httpx exception's class name when no answer came."""


class Attempt:
    """One sending of a call's request, as ``on_attempt`` and ``on_attempt_end`` see it."""

    __slots__ = ("error", "number", "operation", "request", "response", "token_requests", "waited")

    def __init__(
        self,
        request: httpx.Request,
        operation: str | None,
        number: int,
        *,
        waited: float = 0.0,
        token_requests: tuple[TokenRequest, ...] = (),
    ) -> None:
        self.request = request
        self.operation = operation
        """The spec's operationId; None for a ``client.request`` to a path the spec does not know."""
        self.number = number
        """1 for the first sending, 2 for the next (a retry, or the re-send with a refreshed token), ..."""
        self.waited = waited
        """Seconds the retry policy waited before this attempt (0.0 when there was no wait)."""
        self.token_requests = token_requests
        """Token requests made for this call since the previous attempt (a first fetch, a refresh)."""
        self.response: httpx.Response | None = None
        """After the attempt: the answer (status and headers; its body is read later)."""
        self.error: Exception | None = None
        """After the attempt: why no answer came (an ``httpx.TransportError``)."""

    def __repr__(self) -> str:
        return f"Attempt(operation={self.operation!r}, number={self.number}, waited={self.waited})"

    @property
    def resend_count(self) -> int:
        """How many times the request was sent before this attempt (OpenTelemetry's ``http.request.resend_count``)."""
        return self.number - 1


class Overlay:
    """Subclass, override the hooks you need, and add your own helper methods.

    ``self.client`` is the client the overlay is bound to.
    """

    client: "CalendarClient | AsyncCalendarClient"

    def bind(self, client: "CalendarClient | AsyncCalendarClient") -> None:
        """Called once by the client that takes this overlay."""
        self.client = client

    def on_request(self, request: httpx.Request) -> Awaitable[None] | None:
        """Once per call, before the first sending (not per retry); may add headers."""
        return None

    def on_attempt(self, attempt: Attempt) -> Awaitable[None] | None:
        """Before each sending (inside the retry loop): the first, each retry, the re-send after a new token."""
        return None

    def on_attempt_end(self, attempt: Attempt) -> Awaitable[None] | None:
        """After each sending, with ``attempt.response`` (status and headers) or ``attempt.error`` (no answer)."""
        return None

    def on_response(self, response: httpx.Response) -> Awaitable[None] | None:
        """After a 2xx answer, before it is parsed."""
        return None

    def on_error(self, error: DingTalkError) -> Awaitable[None] | None:
        """Before ``error`` (the SDK's typed error) is raised; raise another exception to replace it."""
        return None

    def on_call_end(self, request: httpx.Request, error: BaseException | None) -> Awaitable[None] | None:
        """Once the call is over, whatever happened: ``error`` is None on success, else what is raised."""
        return None


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
