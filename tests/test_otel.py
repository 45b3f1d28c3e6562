"""OpenTelemetry: one client span per call, its events, trace context in the headers, no secrets.

With the OpenTelemetry SDK's in-memory exporter, on both clients, against the emulator (and a
recording server for the headers). Each test renders the finished spans as a tree, so the
assertion reads as what a trace viewer would show.
"""

from collections.abc import Iterator, Sequence

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from dingtalk_calendar import InvalidParameterError, OpenTelemetryOverlay, RateLimitError, Scope
from dingtalk_calendar_api.spec_data import OPERATIONS
from dingtalk_calendar_emulator import Emulator
from tests.client_support import TOKEN, both, open_client, recorded_client

# What the tree shows of each span; the rest (server.port, ...) is asserted where it matters.
SHOWN = (
    "http.request.method",
    "url.template",
    "http.response.status_code",
    "http.request.resend_count",
    "error.type",
    "dingtalk.code",
)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def tree(spans: Sequence[ReadableSpan]) -> str:
    """The spans as an indented tree: name, kind, shown attributes, then events (waits as a flag)."""
    children: dict[int | None, list[ReadableSpan]] = {}
    ids = {span.context.span_id for span in spans if span.context}
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        parent = span.parent.span_id if span.parent and span.parent.span_id in ids else None
        children.setdefault(parent, []).append(span)
    lines: list[str] = []

    def show(span: ReadableSpan, depth: int) -> None:
        attributes = span.attributes or {}
        shown = " ".join(f"{key}={attributes[key]!s}" for key in SHOWN if key in attributes)
        lines.append(f"{'  ' * depth}{span.name} [{span.kind.name}] {shown}".rstrip())
        for event in span.events:
            details = {k: v for k, v in (event.attributes or {}).items() if k != "dingtalk.wait_seconds"}
            waited = " waited" if (event.attributes or {}).get("dingtalk.wait_seconds", 0) else ""
            described = " ".join(f"{k}={v}" for k, v in details.items())
            lines.append(f"{'  ' * (depth + 1)}* {event.name}{waited} {described}".rstrip())
        for child in children.get(span.context.span_id if span.context else None, []):
            show(child, depth + 1)

    for root in children.get(None, []):
        show(root, 0)
    return "\n".join(lines)


PATH = {name: operation.path for name, operation in OPERATIONS.items()}  # the spec's, ids as placeholders


@both
def test_a_call_throttled_once_then_retried_and_a_call_that_refreshed_its_token(
    kind: str, dingtalk_emulator: Emulator, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("the-application")
    with (
        open_client(kind, dingtalk_emulator, overlays=[OpenTelemetryOverlay(tracer_provider=provider)]) as client,
        tracer.start_as_current_span("nightly-sync"),
    ):
        created = client.create("alice", name="Traced", scope=Scope(organisations=["ding-acme"]))
        dingtalk_emulator.faults.next("throttle", count=1, operation="getSubscribedCalendar")
        client.get("alice", created.calendar_id)
        dingtalk_emulator.revoke_tokens()
        client.subscribe("bob", created.calendar_id)
    assert tree(exporter.get_finished_spans()) == "\n".join(
        [
            "nightly-sync [INTERNAL]",
            "  createSubscribedCalendar [CLIENT] http.request.method=POST"
            f" url.template={PATH['createSubscribedCalendar']} http.response.status_code=200",
            "    * dingtalk.token_request dingtalk.operation=getAccessToken http.response.status_code=200",
            f"  getSubscribedCalendar [CLIENT] http.request.method=GET url.template={PATH['getSubscribedCalendar']}"
            " http.response.status_code=200 http.request.resend_count=1",
            "    * dingtalk.throttled waited http.response.status_code=403",
            f"  subscribeCalendar [CLIENT] http.request.method=POST url.template={PATH['subscribeCalendar']}"
            " http.response.status_code=200 http.request.resend_count=1",
            "    * dingtalk.token_request dingtalk.operation=getAccessToken http.response.status_code=200",
        ]
    )
    spans = {span.name: span for span in exporter.get_finished_spans()}
    get_span = spans["getSubscribedCalendar"]
    assert get_span.kind is SpanKind.CLIENT
    assert get_span.attributes is not None
    assert get_span.attributes["server.address"] == "127.0.0.1"
    assert get_span.attributes["server.port"] == int(dingtalk_emulator.url.rsplit(":", 1)[1])
    assert isinstance(get_span.attributes["dingtalk.request_id"], str)
    throttled = get_span.events[0].attributes
    assert throttled is not None
    assert throttled["dingtalk.wait_seconds"] > 0  # type: ignore[operator]


@both
def test_a_failed_call_has_an_error_span_with_dingtalks_code_and_no_secret_anywhere(
    kind: str, dingtalk_emulator: Emulator, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    overlay = OpenTelemetryOverlay(tracer_provider=provider)
    with open_client(kind, dingtalk_emulator, overlays=[overlay], max_retries=0) as client:
        dingtalk_emulator.faults.next("throttle", count=1, operation="subscribeCalendar")
        with pytest.raises(RateLimitError):
            client.subscribe("secret-user-id-bob", "cal-secret-id")
    (span,) = exporter.get_finished_spans()
    assert tree([span]) == (
        f"subscribeCalendar [CLIENT] http.request.method=POST url.template={PATH['subscribeCalendar']}"
        " http.response.status_code=403 error.type=403 dingtalk.code=Forbidden.AccessDenied.QpsLimitForAppkeyAndApi\n"
        "  * dingtalk.token_request dingtalk.operation=getAccessToken http.response.status_code=200"
    )
    assert span.status.status_code is StatusCode.ERROR
    app = dingtalk_emulator.internal_app
    secrets = [
        "secret-user-id-bob",
        "cal-secret-id",
        app.app_secret,
        dingtalk_emulator.issue_token(),
    ]  # the token the client holds
    everything = repr(span.attributes) + repr([(e.name, e.attributes) for e in span.events]) + span.name
    everything += repr(span.status.description)
    assert not [s for s in secrets if s in everything]


@both
def test_trace_context_goes_into_the_request_headers(
    kind: str, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    with recorded_client(kind, overlays=[OpenTelemetryOverlay(tracer_provider=provider)]) as (client, server):
        client.get("alice", "cal-1")
    (received,) = server.received
    (span,) = exporter.get_finished_spans()
    assert span.context is not None
    version, trace_id, parent_id, _flags = received.headers["traceparent"].split("-")
    assert (version, trace_id, parent_id) == ("00", f"{span.context.trace_id:032x}", f"{span.context.span_id:016x}")
    assert received.headers["x-acs-dingtalk-access-token"] == TOKEN


@both
def test_a_raw_request_to_a_path_the_spec_does_not_know_is_named_by_its_method(
    kind: str, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    with recorded_client(kind, overlays=[OpenTelemetryOverlay(tracer_provider=provider, propagate=False)]) as (
        client,
        server,
    ):
        client.request("GET", "/v2.0/users/alice/things")
    (span,) = exporter.get_finished_spans()
    assert tree([span]) == "GET [CLIENT] http.request.method=GET http.response.status_code=200"
    assert "traceparent" not in server.received[0].headers
    assert "alice" not in repr(span.attributes)


@both
def test_spans_are_the_same_on_a_transport_of_the_callers_own(
    kind: str, dingtalk_emulator: Emulator, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # httpx's own transports, not the SDK's default: the spans come from the SDK's hooks, not the transport's.
    transport = httpx.HTTPTransport() if kind == "sync" else httpx.AsyncHTTPTransport()
    overlay = OpenTelemetryOverlay(tracer_provider=provider)
    with open_client(kind, dingtalk_emulator, overlays=[overlay], transport=transport) as client:
        dingtalk_emulator.faults.next("503", count=1, operation="getSubscribedCalendar")
        with pytest.raises(InvalidParameterError):  # 503, then DingTalk's answer to an unknown calendar
            client.get("alice", "any-calendar-id")
    (span,) = exporter.get_finished_spans()
    attributes = span.attributes or {}
    assert attributes["http.request.resend_count"] == 1
    assert [event.name for event in span.events] == ["dingtalk.token_request", "dingtalk.retry"]
    assert span.events[1].attributes is not None
    assert span.events[1].attributes["http.response.status_code"] == 503
    # DingTalk's message quotes the calendar id back ("calendar not found: ..."): no message in a span.
    assert "any-calendar-id" not in repr(attributes) + repr(span.status.description)
