"""The generated low-level client on the wire, against a real HTTP server on 127.0.0.1."""

from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest

from dingtalk_calendar_api import AuthenticatedClient, Client
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
    unsubscribe_calendar,
    update_subscribed_calendar,
)
from dingtalk_calendar_api.api.oauth2 import get_access_token, get_corp_access_token, get_user_access_token
from dingtalk_calendar_api.models import (
    AccessTokenResponse,
    CreateSubscribedCalendarRequest,
    CreateSubscribedCalendarResponse,
    Error,
    GetAccessTokenRequest,
    GetCorpAccessTokenRequest,
    GetSubscribedCalendarResponse,
    GetUserAccessTokenRequest,
    ResultResponse,
    SubscribeScope,
    UpdateSubscribedCalendarRequest,
    UserAccessTokenResponse,
)
from tests.recording_server import RecordingServer, recording_server

TOKEN = "test-token-0123"
HEADER = "x-acs-dingtalk-access-token"


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as s:
        yield s


@pytest.fixture
def client(server: RecordingServer) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=server.url, token=TOKEN) as c:
        yield c


def test_create_sends_method_path_header_and_body(server: RecordingServer, client: AuthenticatedClient) -> None:
    server.answer_json(200, {"calendarId": "cal-1"})
    body = CreateSubscribedCalendarRequest(
        name="Festivals",
        description="Traditional festivals",
        managers=["u2"],
        subscribe_scope=SubscribeScope(union_ids=["u1"], open_conversation_ids=["cid1"], corp_ids=["ding1"]),
    )
    parsed = create_subscribed_calendar.sync(user_id="u1", client=client, body=body)

    sent = server.received[-1]
    assert (sent.method, sent.raw_path) == ("POST", "/v1.0/calendar/users/u1/subscribedCalendars")
    assert sent.headers[HEADER] == TOKEN
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {
        "name": "Festivals",
        "description": "Traditional festivals",
        "managers": ["u2"],
        "subscribeScope": {"unionIds": ["u1"], "openConversationIds": ["cid1"], "corpIds": ["ding1"]},
    }
    assert parsed == CreateSubscribedCalendarResponse(calendar_id="cal-1")


def test_get_parses_every_field(server: RecordingServer, client: AuthenticatedClient) -> None:
    server.answer_json(
        200,
        {
            "calendarId": "cal-1",
            "name": "Festivals",
            "description": "d",
            "author": "u1",
            "managers": ["u2"],
            "subscribeScope": {"unionIds": ["u1"], "corpIds": ["ding1"]},
            "newField": 1,
        },
    )
    parsed = get_subscribed_calendar.sync("u1", "cal-1", client=client)

    sent = server.received[-1]
    assert (sent.method, sent.raw_path, sent.body) == ("GET", "/v1.0/calendar/users/u1/subscribedCalendars/cal-1", b"")
    assert sent.headers[HEADER] == TOKEN
    assert isinstance(parsed, GetSubscribedCalendarResponse)
    assert (parsed.calendar_id, parsed.name, parsed.description, parsed.author) == ("cal-1", "Festivals", "d", "u1")
    assert parsed.managers == ["u2"]
    assert isinstance(parsed.subscribe_scope, SubscribeScope)
    assert parsed.subscribe_scope.union_ids == ["u1"]
    assert parsed.subscribe_scope.corp_ids == ["ding1"]
    assert parsed.additional_properties == {"newField": 1}  # unknown keys are kept


def test_update_sends_only_the_fields_given(server: RecordingServer, client: AuthenticatedClient) -> None:
    server.answer_json(200, {"result": True})
    parsed = update_subscribed_calendar.sync(
        "u1", "cal-1", client=client, body=UpdateSubscribedCalendarRequest(name="New name")
    )
    sent = server.received[-1]
    assert (sent.method, sent.raw_path) == ("PUT", "/v1.0/calendar/users/u1/subscribedCalendars/cal-1")
    assert sent.json() == {"name": "New name"}
    assert parsed == ResultResponse(result=True)


@pytest.mark.parametrize(
    ("module", "action"), [(subscribe_calendar, "subscribe"), (unsubscribe_calendar, "unsubscribe")]
)
def test_subscribe_and_unsubscribe(
    server: RecordingServer, client: AuthenticatedClient, module: ModuleType, action: str
) -> None:
    server.answer_json(200, {"result": True})
    assert module.sync("u9", "cal-1", client=client) == ResultResponse(result=True)
    sent = server.received[-1]
    assert (sent.method, sent.raw_path) == ("POST", f"/v1.0/calendar/users/u9/calendars/cal-1/{action}")
    assert sent.headers[HEADER] == TOKEN


def test_subscribe_with_an_empty_body_is_no_content(server: RecordingServer, client: AuthenticatedClient) -> None:
    server.answer_raw(200, b"", content_type="application/json")
    response = subscribe_calendar.sync_detailed("u9", "cal-1", client=client)
    assert response.status_code == 200
    assert response.parsed is None
    assert response.content == b""


@pytest.mark.parametrize("status", [400, 403])
def test_documented_errors_parse_into_the_error_body(
    server: RecordingServer, client: AuthenticatedClient, status: int
) -> None:
    server.answer_json(
        status,
        {
            "code": "permissionDenied",
            "message": "permission denied",
            "requestid": "REQ-1",
            "accessdenieddetail": {"requiredScopes": ["Calendar.Calendar.Read"]},
        },
    )
    parsed = get_subscribed_calendar.sync("u1", "cal-1", client=client)
    assert isinstance(parsed, Error)
    assert (parsed.code, parsed.message, parsed.requestid) == ("permissionDenied", "permission denied", "REQ-1")
    assert parsed.accessdenieddetail
    assert parsed.accessdenieddetail.required_scopes == ["Calendar.Calendar.Read"]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, b"<html>bad gateway</html>"),
        (200, b"not json"),
        (200, b"[1, 2]"),
        (403, b"{"),
        (200, b"[" * 100_000 + b"]" * 100_000),  # past the JSON parser's depth: RecursionError inside
    ],
)
def test_a_body_that_is_not_the_json_we_expect_parses_as_none(
    server: RecordingServer, client: AuthenticatedClient, status: int, body: bytes
) -> None:
    server.answer_raw(status, body)
    response = get_subscribed_calendar.sync_detailed("u1", "cal-1", client=client)
    assert response.status_code == status
    assert response.parsed is None
    assert response.content == body  # kept for the caller to report


@pytest.mark.parametrize(
    ("user_id", "encoded"),
    [
        ("../../admin", "..%2F..%2Fadmin"),
        ("a/b?c=d#e", "a%2Fb%3Fc%3Dd%23e"),
        ("中文", "%E4%B8%AD%E6%96%87"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a b", "a%20b"),
    ],
)
def test_path_parameters_stay_inside_their_segment(
    server: RecordingServer, client: AuthenticatedClient, user_id: str, encoded: str
) -> None:
    server.answer_json(200, {"result": True})
    subscribe_calendar.sync(user_id, "cal/../x", client=client)
    assert server.received[-1].raw_path == f"/v1.0/calendar/users/{encoded}/calendars/cal%2F..%2Fx/subscribe"


def test_token_endpoints_send_their_bodies_without_a_token(server: RecordingServer) -> None:
    with Client(base_url=server.url) as plain:
        server.answer_json(200, {"accessToken": "t1", "expireIn": 7200})
        parsed = get_access_token.sync(client=plain, body=GetAccessTokenRequest(app_key="k", app_secret="s"))
        assert parsed == AccessTokenResponse(access_token="t1", expire_in=7200)
        assert server.received[-1].raw_path == "/v1.0/oauth2/accessToken"
        assert server.received[-1].json() == {"appKey": "k", "appSecret": "s"}
        assert HEADER not in server.received[-1].headers

        get_corp_access_token.sync(
            client=plain,
            body=GetCorpAccessTokenRequest(suite_key="sk", suite_secret="ss", auth_corp_id="c1", suite_ticket="t"),
        )
        assert server.received[-1].raw_path == "/v1.0/oauth2/corpAccessToken"
        assert server.received[-1].json() == {
            "suiteKey": "sk",
            "suiteSecret": "ss",
            "authCorpId": "c1",
            "suiteTicket": "t",
        }

        server.answer_json(200, {"accessToken": "u1", "refreshToken": "r2", "expireIn": 7200, "corpId": "c"})
        user = get_user_access_token.sync(
            client=plain,
            body=GetUserAccessTokenRequest(
                client_id="ci",
                client_secret="cs",
                grant_type="refresh_token",
                refresh_token="r1",
            ),
        )
        assert isinstance(user, UserAccessTokenResponse)
        assert (user.access_token, user.refresh_token, user.corp_id) == ("u1", "r2", "c")
        assert server.received[-1].json() == {
            "clientId": "ci",
            "clientSecret": "cs",
            "grantType": "refresh_token",
            "refreshToken": "r1",
        }


def test_per_call_timeout_headers_and_operation_extension(server: RecordingServer) -> None:
    seen: list[httpx.Request] = []
    with AuthenticatedClient(
        base_url=server.url, token=TOKEN, httpx_args={"event_hooks": {"request": [seen.append]}}
    ) as client:
        server.answer_json(200, {"result": True})
        unsubscribe_calendar.sync(
            "u1", "c1", client=client, timeout=3.5, headers={"x-trace": "abc"}, extensions={"mine": 1}
        )
    request = seen[-1]
    assert request.extensions["dingtalk_operation"] == "unsubscribeCalendar"
    assert request.extensions["mine"] == 1
    assert request.extensions["timeout"]["read"] == 3.5
    assert server.received[-1].headers["x-trace"] == "abc"


def test_token_changes_take_effect_and_never_show_in_repr(server: RecordingServer) -> None:
    server.answer_json(200, {"result": True})
    with AuthenticatedClient(base_url=server.url, token="first-secret") as client:
        subscribe_calendar.sync("u1", "c1", client=client)
        client.token = "second-secret"
        subscribe_calendar.sync("u1", "c1", client=client)
        assert "secret" not in repr(client)
    assert [r.headers[HEADER] for r in server.received] == ["first-secret", "second-secret"]


def test_with_headers_leaves_the_original_client_alone(server: RecordingServer) -> None:
    server.answer_json(200, {"result": True})
    with AuthenticatedClient(base_url=server.url, token=TOKEN) as client:
        subscribe_calendar.sync("u1", "c1", client=client)  # builds the httpx client first
        traced = client.with_headers({"x-trace": "t"})
        subscribe_calendar.sync("u1", "c1", client=traced)
        subscribe_calendar.sync("u1", "c1", client=client)
        traced.get_httpx_client().close()
    assert ["x-trace" in r.headers for r in server.received] == [False, True, False]
