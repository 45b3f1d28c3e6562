# unasync: the source of _overlay/runner.py (generator/unasync.py); run `make generate` after editing.
"""How a client runs its overlays' hooks: per call, and per attempt from a transport under the retries."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypedDict

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._errors import DingTalkError
from .calls import (
    NO_SCOPE,
    CallState,
    OverlayHooks,
    ahook_done,
    asleep_noting,
    current,
    keep_token,
    token_request,
)
from .overlay import Attempt


class AsyncRetryOptions(TypedDict, total=False):
    sleep: Callable[[float], Awaitable[None]]


class AsyncOverlays(OverlayHooks):
    """The calls into the overlays' hooks, for the client that holds them."""

    __slots__ = ()

    # -- per call --------------------------------------------------------------------------

    async def request(self, request: httpx.Request) -> None:
        for overlay in self._on_request:
            await ahook_done(overlay.on_request(request), overlay, "on_request")

    async def response(self, response: httpx.Response) -> None:
        for overlay in self._on_response:
            await ahook_done(overlay.on_response(response), overlay, "on_response")

    async def error(self, error: DingTalkError) -> None:
        for overlay in self._on_error:
            await ahook_done(overlay.on_error(error), overlay, "on_error")

    def call(self, request: httpx.Request) -> AbstractAsyncContextManager[None]:
        """The scope of one call, around everything the call does."""
        if not self._scoped:
            return NO_SCOPE
        return self._call_scope(request)

    @asynccontextmanager
    async def _call_scope(self, request: httpx.Request) -> AsyncIterator[None]:
        reset = current.set(CallState(request))
        try:
            yield
        except BaseException as error:
            await self._call_end(request, error)
            raise
        else:
            await self._call_end(request, None)
        finally:
            current.reset(reset)

    async def _call_end(self, request: httpx.Request, error: BaseException | None) -> None:
        for overlay in self._on_call_end:
            await ahook_done(overlay.on_call_end(request, error), overlay, "on_call_end")

    # -- per attempt: the transport under the retries, and the retry layer's waits ---------

    def wrap(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """``transport`` with the per-attempt hooks around each sending (itself when there are none)."""
        return AsyncAttemptTransport(transport, self) if self.per_attempt else transport

    def retry_options(self) -> AsyncRetryOptions:
        """Arguments for the retry transport: a ``sleep`` that notes each wait for the call's next attempt."""
        return {"sleep": asleep_noting} if self.per_attempt else {}

    async def before_attempt(self, attempt: Attempt) -> None:
        token = attempt.request.headers.get(ACCESS_TOKEN_HEADER)
        for overlay in self._on_attempt:
            await ahook_done(overlay.on_attempt(attempt), overlay, "on_attempt")
        keep_token(attempt.request, token)

    async def after_attempt(self, attempt: Attempt) -> None:
        for overlay in self._on_attempt_end:
            await ahook_done(overlay.on_attempt_end(attempt), overlay, "on_attempt_end")


class AsyncAttemptTransport(httpx.AsyncBaseTransport):
    """Under the retry transport: runs the per-attempt hooks around each sending of a call's request."""

    def __init__(self, transport: httpx.AsyncBaseTransport, overlays: AsyncOverlays) -> None:
        self.transport = transport
        self._overlays = overlays

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        state = current.get()
        if state is None:
            return await self.transport.handle_async_request(request)
        if request is not state.request:  # a token request made for the call: noted, never shown
            try:
                response = await self.transport.handle_async_request(request)
            except Exception as error:
                state.token_requests.append(token_request(request, None, error))
                raise
            state.token_requests.append(token_request(request, response, None))
            return response
        attempt = self._overlays.start(state, request)
        await self._overlays.before_attempt(attempt)
        try:
            response = await self.transport.handle_async_request(request)
        except Exception as error:
            attempt.error = error
            await self._overlays.after_attempt(attempt)
            raise
        attempt.response = response
        await self._overlays.after_attempt(attempt)
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()
