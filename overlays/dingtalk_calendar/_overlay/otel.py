"""OpenTelemetry tracing: one client span per SDK call, as an overlay (the ``otel`` extra).

``CalendarClient(..., overlays=[OpenTelemetryOverlay()])``, on either client, whatever the
transport: the span is made from the SDK's own hooks, not from httpx's instrumentation.

Each call gets one ``CLIENT`` span named after its operation (``getSubscribedCalendar``),
with the semantic conventions' HTTP client attributes: ``http.request.method``,
``server.address``, ``server.port``, ``url.template`` (the spec's path, whose ids are
placeholders), ``http.response.status_code``, ``http.request.resend_count`` (when the
request was sent more than once) and ``error.type``; plus ``dingtalk.operation``,
``dingtalk.code`` and ``dingtalk.request_id``. Events: ``dingtalk.token_request`` for each
token request made for the call (its operation and status), ``dingtalk.throttled`` or
``dingtalk.retry`` for each wait before a retry (``dingtalk.wait_seconds`` and what the
previous attempt got). The W3C trace context goes into each request's headers.

Never in a span: the URL itself (it holds user ids), headers, bodies, tokens, secrets, or
error messages (DingTalk's may quote ids back).
"""

import weakref
from typing import Final

import httpx

try:
    from opentelemetry import propagate, trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider
except ImportError as missing:  # pragma: no cover - what a user without the extra sees
    raise ImportError(
        "OpenTelemetryOverlay needs opentelemetry-api: pip install 'dingtalk-calendar[otel]'"
    ) from missing

from dingtalk_calendar_api.spec_data import OPERATIONS

from .._errors import APIStatusError, DingTalkError, request_id_of
from .._extensions import OPERATION_EXTENSION
from .._version import __version__
from .overlay import Attempt, Overlay

_THROTTLED_STATUSES: Final = frozenset({403, 429})  # a retried 403 is always one of DingTalk's throttling codes


class _Trace:
    __slots__ = ("last_error", "last_status", "span")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.last_status: int | None = None
        self.last_error: str | None = None


def _error_type(error: BaseException) -> str:
    """Semantic conventions: a status code as text when there was an answer, else the exception's type."""
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    if isinstance(error, DingTalkError):
        return f"dingtalk_calendar.{type(error).__name__}"  # the public name, not the private module's
    return f"{type(error).__module__}.{type(error).__qualname__}"


class OpenTelemetryOverlay(Overlay):
    """Traces every call of the client it is given to (both clients; hooks are plain functions).

    ``tracer_provider`` defaults to the global one; ``propagate=False`` leaves the request
    headers alone (no ``traceparent``).
    """

    def __init__(self, *, tracer_provider: TracerProvider | None = None, propagate: bool = True) -> None:
        self._tracer = trace.get_tracer("dingtalk_calendar", __version__, tracer_provider=tracer_provider)
        self._propagate = propagate
        self._traces: weakref.WeakKeyDictionary[httpx.Request, _Trace] = weakref.WeakKeyDictionary()

    def on_request(self, request: httpx.Request) -> None:
        operation = request.extensions.get(OPERATION_EXTENSION)
        known = OPERATIONS.get(operation) if isinstance(operation, str) else None
        attributes: dict[str, str | int] = {
            "http.request.method": request.method,
            "server.address": request.url.host,
        }
        if request.url.port is not None:
            attributes["server.port"] = request.url.port
        else:
            attributes["server.port"] = 443 if request.url.scheme == "https" else 80
        if known is not None:
            attributes["url.template"] = known.path
            attributes["dingtalk.operation"] = known.operation_id
        # A path the spec does not know is named by its method alone: its ids stay out of the span.
        name = known.operation_id if known is not None else request.method
        span = self._tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        self._traces[request] = _Trace(span)
        if self._propagate:
            propagate.inject(request.headers, context=trace.set_span_in_context(span))

    def on_attempt(self, attempt: Attempt) -> None:
        traced = self._traces.get(attempt.request)
        if traced is None:
            return
        for token_request in attempt.token_requests:
            event: dict[str, str | int] = {"dingtalk.operation": token_request.operation or "unknown"}
            if token_request.status_code is not None:
                event["http.response.status_code"] = token_request.status_code
            if token_request.error is not None:
                event["error.type"] = f"httpx.{token_request.error}"
            traced.span.add_event("dingtalk.token_request", event)
        if attempt.number > 1 and attempt.waited > 0:
            throttled = traced.last_status in _THROTTLED_STATUSES
            after: dict[str, str | int | float] = {"dingtalk.wait_seconds": attempt.waited}
            if traced.last_status is not None:
                after["http.response.status_code"] = traced.last_status
            elif traced.last_error is not None:
                after["error.type"] = traced.last_error
            traced.span.add_event("dingtalk.throttled" if throttled else "dingtalk.retry", after)
        if attempt.resend_count:
            traced.span.set_attribute("http.request.resend_count", attempt.resend_count)

    def on_attempt_end(self, attempt: Attempt) -> None:
        traced = self._traces.get(attempt.request)
        if traced is None:
            return
        if attempt.response is not None:
            traced.last_status, traced.last_error = attempt.response.status_code, None
            traced.span.set_attribute("http.response.status_code", attempt.response.status_code)
        elif attempt.error is not None:
            traced.last_status, traced.last_error = None, f"httpx.{type(attempt.error).__name__}"

    def on_response(self, response: httpx.Response) -> None:
        traced = self._traces.get(response.request)
        if traced is None:
            return
        traced.span.set_attribute("http.response.status_code", response.status_code)
        if request_id := request_id_of(response):
            traced.span.set_attribute("dingtalk.request_id", request_id)

    def on_call_end(self, request: httpx.Request, error: BaseException | None) -> None:
        traced = self._traces.pop(request, None)
        if traced is None:
            return
        span = traced.span
        if error is not None:
            if isinstance(error, APIStatusError):
                span.set_attribute("http.response.status_code", error.status_code)
                if error.raw_code:
                    span.set_attribute("dingtalk.code", error.raw_code)
                if error.request_id:
                    span.set_attribute("dingtalk.request_id", error.request_id)
            span.set_attribute("error.type", _error_type(error))
            span.set_status(Status(StatusCode.ERROR, _error_type(error)))
        span.end()
