"""The extension point for other teams: an ``Overlay`` adds behaviour from its own package.

An overlay is passed to a client at construction (``CalendarClient(..., overlays=[...])``);
the client binds it, then calls its hooks around every call:

- ``on_request(request)``: before the request is sent (once per call, before retries);
  may add headers or read ``request.extensions["dingtalk_operation"]``.
- ``on_response(response)``: after a 2xx answer, before it is parsed.
- ``on_error(error)``: before an SDK error is raised; raise another exception to replace it.

and its helpers are reached with ``client.overlay(TheOverlayClass)``, typed. The same
overlay class serves the sync and the async client; on the async client a hook may also be
a coroutine function. Hooks see the request with its token header: never log headers.
"""

from collections.abc import Awaitable, Iterable
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._errors import DingTalkError

if TYPE_CHECKING:
    from ._async_client import AsyncCalendarClient
    from ._client import CalendarClient

_O = TypeVar("_O", bound="Overlay")


class Overlay:
    """Subclass, override the hooks you need, and add your own helper methods.

    ``self.client`` is the client the overlay is bound to.
    """

    client: "CalendarClient | AsyncCalendarClient"

    def bind(self, client: "CalendarClient | AsyncCalendarClient") -> None:
        """Called once by the client that takes this overlay."""
        self.client = client

    def on_request(self, request: httpx.Request) -> Awaitable[None] | None:
        """Called before a request is sent."""
        return None

    def on_response(self, response: httpx.Response) -> Awaitable[None] | None:
        """Called after a successful answer, before it is parsed."""
        return None

    def on_error(self, error: DingTalkError) -> Awaitable[None] | None:
        """Called before ``error`` is raised; raise another exception to replace it."""
        return None


class Overlays:
    """The overlays of one client, in order, and the calls into their hooks."""

    __slots__ = ("_by_type", "_on_error", "_on_request", "_on_response", "items")

    def __init__(self, items: Iterable[Overlay]) -> None:
        self.items = tuple(items)
        self._by_type = {type(o): o for o in self.items}
        # Only overlays that override a hook are called for it: no cost on the hot path otherwise.
        self._on_request = tuple(o for o in self.items if type(o).on_request is not Overlay.on_request)
        self._on_response = tuple(o for o in self.items if type(o).on_response is not Overlay.on_response)
        self._on_error = tuple(o for o in self.items if type(o).on_error is not Overlay.on_error)

    def get(self, kind: type[_O]) -> _O:
        overlay = self._by_type.get(kind)
        if overlay is None:
            raise LookupError(f"no {kind.__name__} overlay on this client")
        assert isinstance(overlay, kind)
        return overlay

    def request(self, request: httpx.Request) -> None:
        for overlay in self._on_request:
            _sync_only(overlay.on_request(request), overlay, "on_request")

    def response(self, response: httpx.Response) -> None:
        for overlay in self._on_response:
            _sync_only(overlay.on_response(response), overlay, "on_response")

    def error(self, error: DingTalkError) -> None:
        for overlay in self._on_error:
            _sync_only(overlay.on_error(error), overlay, "on_error")

    async def arequest(self, request: httpx.Request) -> None:
        for overlay in self._on_request:
            await _maybe_await(overlay.on_request(request))

    async def aresponse(self, response: httpx.Response) -> None:
        for overlay in self._on_response:
            await _maybe_await(overlay.on_response(response))

    async def aerror(self, error: DingTalkError) -> None:
        for overlay in self._on_error:
            await _maybe_await(overlay.on_error(error))


def _sync_only(result: object, overlay: Overlay, hook: str) -> None:
    if isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # don't leave a never-awaited coroutine behind
        raise TypeError(f"{type(overlay).__name__}.{hook} is async: use it with AsyncCalendarClient")


async def _maybe_await(result: Any) -> None:
    if isawaitable(result):
        await result
