"""Per-call ``extra_headers``/``extra_query``, per-client ``default_headers``, and ``client.request(...)``.

Against servers on 127.0.0.1 that record what they receive (tests/recording_server.py) or
act as DingTalk (the emulator), on both clients.
"""

import inspect
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    CalendarClient,
    InternalAppCredentials,
    InvalidParameterError,
    NotFoundError,
    RawResult,
    Scope,
    ServerError,
    ValidationError,
)
from dingtalk_calendar._defaults import USER_AGENT
from dingtalk_calendar._version import __version__
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator
from tests.client_support import TOKEN, Blocking, both, open_client, recorded_client
from tests.recording_server import Answer, recording_server


def with_options(client: Any, **options: Any) -> Any:
    if isinstance(client, Blocking):
        return Blocking(client.client.with_options(**options), client._runner)
    return client.with_options(**options)


# -- headers and query ---------------------------------------------------------------------


@both
def test_extra_headers_and_query_reach_dingtalk_for_one_call_only(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        client.get("alice", "cal-1", extra_headers={"x-acme-trace": "t-1"}, extra_query={"lang": "en"})
        client.get("alice", "cal-1")
    first, second = server.received
    assert first.headers["x-acme-trace"] == "t-1"
    assert parse_qs(urlsplit(first.raw_path).query) == {"lang": ["en"]}
    assert urlsplit(first.raw_path).path == "/v1.0/calendar/users/alice/subscribedCalendars/cal-1"
    assert "x-acme-trace" not in second.headers
    assert urlsplit(second.raw_path).query == ""


@both
def test_default_headers_go_with_every_call_and_with_options_adds_more(kind: str) -> None:
    with recorded_client(kind, default_headers={"x-team": "acme"}) as (client, server):
        client.subscribe("bob", "cal-1")
        tagged = with_options(client, default_headers={"x-job": "nightly"})
        tagged.unsubscribe("bob", "cal-1", extra_headers={"x-job": "this-call"})
        tagged.subscribe("bob", "cal-1")
    plain, overridden, copied = server.received
    assert plain.headers["x-team"] == "acme"
    assert "x-job" not in plain.headers
    assert overridden.headers["x-team"] == "acme"
    assert overridden.headers["x-job"] == "this-call"
    assert copied.headers["x-job"] == "nightly"
    assert all(r.headers[ACCESS_TOKEN_HEADER] == TOKEN for r in server.received)
    assert client.default_headers == {"x-team": "acme"}  # the original is unchanged


@both
def test_calls_name_the_sdk_as_their_user_agent_unless_the_caller_names_another(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        client.subscribe("bob", "cal-1")
        with_options(client, default_headers={"user-agent": "acme-sync/3.1"}).subscribe("bob", "cal-1")
        client.subscribe("bob", "cal-1", extra_headers={"User-Agent": "acme-once/1"})
    ours, theirs, once = (r.headers["user-agent"] for r in server.received)
    assert ours == USER_AGENT
    assert ours.startswith(f"dingtalk-calendar/{__version__} python/")
    assert theirs == "acme-sync/3.1"
    assert once == "acme-once/1"


@both
def test_a_call_without_a_body_names_no_content_type_and_a_json_body_names_json(kind: str) -> None:
    # Both clients send the same request: aiohttp, under the async one, would add its own
    # "application/octet-stream" to a bodiless POST.
    with recorded_client(kind) as (client, server):
        client.subscribe("bob", "cal-1")
        server.answer_json(200, {"calendarId": "cal-2"})
        client.create("alice", name="Releases", scope=Scope(users=["bob"]))
    bodiless, with_json = server.received
    assert bodiless.method == "POST"
    assert bodiless.body == b""
    assert "content-type" not in bodiless.headers
    assert with_json.headers["content-type"] == "application/json"


@both
def test_the_token_request_carries_the_client_s_user_agent_and_default_headers(kind: str) -> None:
    # A proxy that admits requests by a header, or DingTalk's own logs, see the token call as the calls.
    credentials = InternalAppCredentials("key", "secret")
    for headers, agent in (({"x-team": "acme"}, USER_AGENT), ({"user-agent": "acme-sync/3.1"}, "acme-sync/3.1")):
        with recorded_client(kind, credentials=credentials, default_headers=headers) as (client, server):
            server.queued.append(Answer(body=b'{"accessToken": "fetched", "expireIn": 7200}'))
            client.subscribe("bob", "cal-1")
        token_request, call = server.received
        assert urlsplit(token_request.raw_path).path == "/v1.0/oauth2/accessToken"
        assert call.headers[ACCESS_TOKEN_HEADER] == "fetched"
        for request in (token_request, call):
            assert request.headers["user-agent"] == agent
            assert all(request.headers[name] == value for name, value in headers.items())


@both
def test_no_header_may_replace_the_token_and_nothing_is_sent(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        for spelling in (ACCESS_TOKEN_HEADER, ACCESS_TOKEN_HEADER.upper(), f" {ACCESS_TOKEN_HEADER}"):
            with pytest.raises(ValidationError) as refused:
                client.get("alice", "cal-1", extra_headers={spelling: "stolen"})
            assert refused.value.field == "extra_headers"
            assert ACCESS_TOKEN_HEADER in str(refused.value)
        with pytest.raises(ValidationError) as refused:
            with_options(client, default_headers={ACCESS_TOKEN_HEADER: "stolen"})
        assert refused.value.field == "default_headers"
        with pytest.raises(ValidationError, match="line break"):
            client.get("alice", "cal-1", extra_headers={"x-evil": "a\r\nx-injected: 1"})
    assert server.received == []


@both
def test_no_header_may_frame_the_request_and_nothing_is_sent(kind: str) -> None:
    # Host, Content-Length and Transfer-Encoding are the client's: by hand they would disagree
    # with the body or the server, and the request would hang, be cut short or go elsewhere.
    with recorded_client(kind) as (client, server):
        for name, value in (("Host", "evil.example"), ("content-length", "5"), ("Transfer-Encoding", "chunked")):
            with pytest.raises(ValidationError, match=f"may not set {name}") as refused:
                client.get("alice", "cal-1", extra_headers={name: value})
            assert refused.value.field == "extra_headers"
            with pytest.raises(ValidationError) as refused:
                with_options(client, default_headers={name: value})
            assert refused.value.field == "default_headers"
    assert server.received == []


@both
def test_a_header_http_cannot_carry_is_refused_naming_it_and_not_quoting_its_value(kind: str) -> None:
    # Before, non-ASCII text was an untyped UnicodeEncodeError and a bad name an APIConnectionError
    # after trying to send; the value may be a secret (a gateway's key), so it is never quoted.
    cases = [("x-team", "钉钉-secret"), ("x-key", "abc\x01-secret"), ("x tea:m", "v"), ("x-é", "v")]
    with recorded_client(kind) as (client, server):
        for name, value in cases:
            with pytest.raises(ValidationError) as refused:
                client.subscribe("bob", "cal-1", extra_headers={name: value})
            assert refused.value.field == "extra_headers"
            assert repr(name) in str(refused.value)
            assert "secret" not in str(refused.value)
            with pytest.raises(ValidationError) as refused:
                with_options(client, default_headers={name: value})
            assert refused.value.field == "default_headers"
        client.subscribe("bob", "cal-1", extra_headers={"x-ok": "printable ASCII, tabs\tand spaces ~!"})
    assert [r.headers["x-ok"] for r in server.received] == ["printable ASCII, tabs\tand spaces ~!"]


def test_a_client_refuses_the_token_header_among_its_default_headers() -> None:
    with pytest.raises(ValidationError) as refused:
        CalendarClient(TOKEN, default_headers={ACCESS_TOKEN_HEADER: "stolen"})
    assert refused.value.field == "default_headers"


# -- client.request ------------------------------------------------------------------------


@both
def test_request_calls_a_known_operation_with_the_token_and_returns_json_and_the_answer(
    kind: str, dingtalk_emulator: Emulator
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        created = client.request(
            "POST",
            "/v1.0/calendar/users/alice/subscribedCalendars",
            json={"name": "Raw", "subscribeScope": {"corpIds": ["ding-acme"]}, "someFutureField": 1},
        )
        assert isinstance(created, RawResult)
        assert created.operation == "createSubscribedCalendar"
        assert created.status_code == 200
        calendar_id = created.body["calendarId"]
        read = client.request("GET", f"/v1.0/calendar/users/alice/subscribedCalendars/{calendar_id}")
    assert read.body["name"] == "Raw"
    assert read.raw_response.request.headers[ACCESS_TOKEN_HEADER]  # the client's own token went with it
    assert dingtalk_emulator.stats.token_requests == 1


@both
def test_request_raises_typed_errors_and_checks_a_known_body_before_sending(
    kind: str, dingtalk_emulator: Emulator
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        with pytest.raises(ValidationError) as refused:
            client.request("POST", "/v1.0/calendar/users/alice/subscribedCalendars", json={"name": "x" * 129})
        assert refused.value.field == "name"
        assert dingtalk_emulator.stats.requests("createSubscribedCalendar") == 0
        with pytest.raises(InvalidParameterError) as answered:
            client.request(
                "POST",
                "/v1.0/calendar/users/alice/subscribedCalendars",
                json={"name": "Not her group", "subscribeScope": {"openConversationIds": ["cid-book-club"]}},
            )
        assert answered.value.operation == "createSubscribedCalendar"
        with pytest.raises(NotFoundError):
            client.request("GET", "/v1.0/calendar/no/such/path")


@pytest.mark.parametrize(("method", "sent"), [("GET", 3), ("PUT", 3), ("POST", 1), ("PATCH", 1)])
@both
def test_request_to_an_unknown_path_retries_by_its_method(kind: str, method: str, sent: int) -> None:
    with recorded_client(kind) as (client, server):
        server.answer_json(500, {"code": "InternalError", "message": "boom"})
        with pytest.raises(ServerError) as failed:
            client.request(method, "/v2.0/somewhere/new", json={"a": 1}, params={"q": "1"}, headers={"x-a": "b"})
    assert failed.value.attempts == sent
    assert len(server.received) == sent
    assert all(r.method == method and r.headers["x-a"] == "b" and r.raw_path.endswith("?q=1") for r in server.received)


@both
def test_request_to_a_known_non_idempotent_operation_is_not_sent_twice(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        server.answer_json(500, {"code": "InternalError", "message": "boom"})
        with pytest.raises(ServerError) as failed:
            client.request(
                "POST",
                "/v1.0/calendar/users/alice/subscribedCalendars",
                json={"name": "Once", "subscribeScope": {"corpIds": ["ding-acme"]}},
            )
    assert failed.value.operation == "createSubscribedCalendar"
    assert len(server.received) == 1  # the spec says a create is not idempotent, whatever the method


@pytest.mark.parametrize(
    "path", ["https://evil.example/v1.0/x", "//evil.example/v1.0/x", "v1.0/no-slash", "/a b", "/a\r\nb"]
)
@both
def test_request_refuses_a_path_that_would_leave_the_base_url(kind: str, path: str) -> None:
    with recorded_client(kind) as (client, server):
        with pytest.raises(ValidationError) as refused:
            client.request("GET", path)
        assert refused.value.field == "path"
        with pytest.raises(ValidationError):
            client.request("BREW", "/v1.0/coffee")
        with pytest.raises(ValidationError) as refused:
            client.request("POST", "/v2.0/things", json={"when": object()})
        assert refused.value.field == "json"
    assert server.received == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"path": "/v2.0/\ud800"}, "path"),
        ({"json": {"note": "\udc00"}}, "json"),
        ({"json": {"ratio": float("nan")}}, "json"),
        ({"params": {"q": "\ud83d"}}, "extra_query"),
    ],
    ids=["path-surrogate", "json-surrogate", "json-nan", "query-surrogate"],
)
@both
def test_request_refuses_what_cannot_be_encoded_before_sending(
    kind: str, arguments: dict[str, Any], field: str
) -> None:
    # They were httpx's UnicodeEncodeError or ValueError, raised while building the request.
    with recorded_client(kind) as (client, server):
        with pytest.raises(ValidationError) as refused:
            client.request("POST", **{"path": "/v2.0/things", **arguments})
        assert refused.value.field == field
        with pytest.raises(ValidationError) as refused:
            client.get("alice", "cal-1", extra_query={"lang": "\ud800"})
        assert refused.value.field == "extra_query"
    assert server.received == []


@both
def test_request_with_an_empty_answer_gives_none(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        server.answer_raw(200, b"", "application/json")
        result = client.request("DELETE", "/v2.0/something/x")
    assert result.body is None
    assert result.operation is None
    assert result.status_code == 200


# -- the command line ------------------------------------------------------------------------


def test_the_cli_sends_the_headers_it_is_given_with_every_call(capsys: pytest.CaptureFixture[str]) -> None:
    from dingtalk_calendar.cli import main

    with recording_server() as server:
        environ = {"DINGTALK_BASE_URL": server.url, "DINGTALK_ACCESS_TOKEN": TOKEN}
        argv = ["--header", "x-team: acme", "--quiet", "subscribe", "bob", "cal-1", "--header", "x-job:nightly"]
        assert main(argv, environ=environ) == 0
        assert main(["--header", f"{ACCESS_TOKEN_HEADER}:stolen", "get", "alice", "cal-1"], environ=environ) == 2
        assert main(["--header", "no-colon", "get", "alice", "cal-1"], environ=environ) == 2
    (received,) = server.received
    assert received.headers["x-team"] == "acme"
    assert received.headers["x-job"] == "nightly"
    assert received.headers[ACCESS_TOKEN_HEADER] == TOKEN
    err = capsys.readouterr().err
    assert f"may not set {ACCESS_TOKEN_HEADER}" in err
    assert "invalid NAME:VALUE header value: 'no-colon'" in err
    assert "stolen" not in err


def test_a_tenants_client_made_with_credentials_keeps_the_default_headers() -> None:
    with (
        recorded_client("sync", default_headers={"x-team": "acme"}) as (client, server),
        client.with_credentials("another-tenants-token") as tenant,
    ):
        tenant.get("alice", "cal-1")
    (received,) = server.received
    assert received.headers["x-team"] == "acme"
    assert received.headers[ACCESS_TOKEN_HEADER] == "another-tenants-token"


@pytest.mark.parametrize("client_class", [CalendarClient, AsyncCalendarClient])
def test_every_operation_method_takes_extra_headers_and_extra_query(client_class: type) -> None:
    """Whatever operation is added later: a method with per-call options has all of them."""
    methods = {
        name: inspect.signature(member).parameters
        for name, member in inspect.getmembers(client_class, inspect.isfunction)
        if not name.startswith("_") and "max_retries" in inspect.signature(member).parameters
    }
    assert {"create", "get", "update", "subscribe", "unsubscribe"} <= methods.keys()
    lacking = {
        name
        for name, parameters in methods.items()
        if name not in ("request", "with_options") and not {"extra_headers", "extra_query"} <= parameters.keys()
    }
    assert not lacking, f"{client_class.__name__} methods without extra_headers/extra_query: {sorted(lacking)}"
