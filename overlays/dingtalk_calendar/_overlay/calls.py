"""What a client's overlay runner keeps, sync or async: which overlays override which hook, and the call in flight.

``_overlay/async_runner.py`` runs the hooks for the async client; its sync twin
``_overlay/runner.py`` is generated from it. The hooks themselves are in ``_overlay.overlay``.
"""

import contextvars
import time
from collections.abc import Iterable
from contextlib import nullcontext
from inspect import isawaitable
from typing import Any, TypeVar

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._errors import ConfigurationError
from .._extensions import OPERATION_EXTENSION
from .overlay import Attempt, Overlay, TokenRequest

_O = TypeVar("_O", bound=Overlay)


def _overriding(items: tuple[Overlay, ...], hook: str) -> tuple[Overlay, ...]:
    # Only overlays that override a hook are called for it: no cost on the hot path otherwise.
    return tuple(o for o in items if getattr(type(o), hook) is not getattr(Overlay, hook))


class CallState:
    """One call in flight, for the transport under the retries and the retry layer's waits."""

    __slots__ = ("attempts", "request", "token_requests", "waited")

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.attempts = 0
        self.waited = 0.0
        self.token_requests: list[TokenRequest] = []


# The call being sent in this thread or task: how a token request or a retry wait, which
# the retry layer sees without knowing the call, is tied to it.
current: contextvars.ContextVar[CallState | None] = contextvars.ContextVar("dingtalk_call", default=None)
NO_SCOPE = nullcontext()  # serves ``with`` and ``async with``; no state, so one serves every call


class OverlayHooks:
    """The overlays of one client, in order, and which of them override each hook."""

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

    def start(self, state: CallState, request: httpx.Request) -> Attempt:
        """The next attempt of the call in ``state``, with the waits and token requests since the last."""
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


def hook_done(result: object, overlay: Overlay, hook: str) -> None:
    """A hook's return on the sync client: an awaitable means an async hook, which it cannot run."""
    if isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # don't leave a never-awaited coroutine behind
        raise ConfigurationError(f"{type(overlay).__name__}.{hook} is async: use it with AsyncCalendarClient")


async def ahook_done(result: Any, overlay: Overlay, hook: str) -> None:
    """A hook's return on the async client: awaited when it is a coroutine."""
    if isawaitable(result):
        await result


def sleep_noting(seconds: float) -> None:
    """The retry layer's wait, noted for the call's next attempt (``Attempt.waited``)."""
    note_wait(seconds)
    time.sleep(seconds)


async def asleep_noting(seconds: float) -> None:
    import asyncio  # here: a sync application never loads it

    note_wait(seconds)
    await asyncio.sleep(seconds)


def note_wait(seconds: float) -> None:
    state = current.get()
    if state is not None:
        state.waited += seconds


def keep_token(request: httpx.Request, token: str | None) -> None:
    # A hook may add headers to an attempt, but the token is the client's to send.
    if request.headers.get(ACCESS_TOKEN_HEADER) != token:
        if token is None:
            del request.headers[ACCESS_TOKEN_HEADER]
        else:
            request.headers[ACCESS_TOKEN_HEADER] = token


def token_request(request: httpx.Request, response: httpx.Response | None, error: Exception | None) -> TokenRequest:
    operation = request.extensions.get(OPERATION_EXTENSION)
    return TokenRequest(
        operation if isinstance(operation, str) else None,
        None if response is None else response.status_code,
        None if error is None else type(error).__name__,
    )
