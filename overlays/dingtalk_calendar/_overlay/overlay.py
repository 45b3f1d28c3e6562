"""The extension point for other teams: an ``Overlay`` adds behaviour from its own package.

An overlay is passed to a client at construction (``CalendarClient(..., overlays=[...])``);
the client binds it, then calls its ``on_*`` hooks around every call (each hook's docstring
says when: the README's hooks table is generated from them), and its helpers are reached
with ``client.overlay(TheOverlayClass)``, typed. The same overlay class serves the sync and
the async client; on the async client a hook may also be a coroutine function. Hooks see the
request with its token header: never log headers. Token requests are never shown to hooks
(their bodies hold the app's secret).
"""

from collections.abc import Awaitable
from typing import NamedTuple, Protocol, TypeVar

import httpx

from .._errors import DingTalkError

_O = TypeVar("_O", bound="Overlay")


class BoundClient(Protocol):
    """What an overlay may use of either client without knowing which one it is bound to."""

    base_url: str

    def overlay(self, kind: type[_O]) -> _O: ...


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

    ``self.client`` is the client the overlay is bound to: narrow it with
    ``isinstance(self.client, CalendarClient)`` (or ``AsyncCalendarClient``) to make calls.
    """

    client: "BoundClient"

    def bind(self, client: "BoundClient") -> None:
        """Called once by the client that takes this overlay."""
        self.client = client

    def on_request(self, request: httpx.Request) -> Awaitable[None] | None:
        """Once per call, before the first sending (not per retry); may add headers."""
        return None

    def on_attempt(self, attempt: Attempt) -> Awaitable[None] | None:
        """Before each sending (inside the retry loop): the first, each retry, the re-send after a new token.

        Headers added here go with this attempt only (the token header cannot be replaced)."""
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
