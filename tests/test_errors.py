"""The exception hierarchy and how answers become exceptions.

First from answers built by hand (pure parsing: every documented code, odd bodies,
secrets), then over real HTTP against the emulator.
"""

import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dingtalk_calendar._errors import (
    ERROR_CLASS_BY_CODE,
    PER_MINUTE_THROTTLING_CODES,
    THROTTLING_CODES,
    AccessTokenPermissionDeniedError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DingTalkError,
    InvalidCredentialsError,
    InvalidParameterError,
    MalformedRateLimitError,
    MalformedResponseError,
    MalformedServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RefreshTokenInvalidError,
    ServerError,
    SubscribeLimitExceededError,
    ValidationError,
    error_from_response,
)
from dingtalk_calendar._extensions import ATTEMPTS_EXTENSION, RETRY_EXTENSION
from dingtalk_calendar._retry.policy import NO_RETRIES
from dingtalk_calendar_api import Client
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
)
from dingtalk_calendar_api.api.oauth2 import get_access_token, get_user_access_token
from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    GetAccessTokenRequest,
    GetUserAccessTokenRequest,
    SubscribeScope,
)
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS, OPERATIONS, DocumentedError
from dingtalk_calendar_emulator import Emulator, InternalApp
from tests.retry_support import (
    QUICK,
    TOKEN,
    Answers,
    FakeTime,
    answer,
    calendar_client,
    create_calendar,
    quick_transport,
)

DOCUMENTED: list[tuple[str | None, DocumentedError]] = [(None, error) for error in GLOBAL_ERRORS] + [
    (operation.operation_id, error) for operation in OPERATIONS.values() for error in operation.errors
]


def _id(case: tuple[str | None, DocumentedError]) -> str:
    operation, error = case
    return f"{operation or 'global'}-{error.status}-{error.code}-{error.message or ''}"


# -- the table from codes to classes -------------------------------------------------


def test_every_error_code_has_a_class() -> None:
    # A code added to openapi.yaml regenerates ErrorCode; this fails until someone decides its class.
    assert set(ERROR_CLASS_BY_CODE) == set(ErrorCode)
    assert all(issubclass(cls, APIStatusError) for cls in ERROR_CLASS_BY_CODE.values())


def test_every_documented_code_and_message_is_in_the_generated_enums() -> None:
    for _, error in DOCUMENTED:
        assert ErrorCode.parse(error.code) is not None, error
        if error.message is not None:
            assert ErrorReason.parse(error.message) is not None, error


def test_throttling_codes_are_the_qps_limits() -> None:
    # Per second, and 429 busy: retried after about a second. Per minute: a wait of a minute.
    assert {
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.QpsLimitForApi",
        "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi",
        "system.busy",
        "systemBusy",
    } == THROTTLING_CODES
    assert {
        "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.QpmLimitForSuitekeyAndOrgAndApi",
    } == PER_MINUTE_THROTTLING_CODES


@pytest.mark.parametrize("case", DOCUMENTED, ids=[_id(case) for case in DOCUMENTED])
def test_every_documented_error_gets_its_class_and_fields(case: tuple[str | None, DocumentedError]) -> None:
    operation, documented = case
    body = {"code": documented.code, "message": documented.message or "some text", "requestid": "REQ-1"}
    error = error_from_response(answer(documented.status, body, operation=operation))

    assert type(error) is ERROR_CLASS_BY_CODE[ErrorCode(documented.code)]
    assert error.status_code == documented.status
    assert error.code == ErrorCode(documented.code)
    assert error.raw_code == documented.code
    assert error.request_id == "REQ-1"
    assert error.operation == operation
    if documented.message is not None:
        assert error.reason == ErrorReason(documented.message)
        assert error.message == documented.message


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "invalidParameter", InvalidParameterError),
        (400, "exceedSubscribeLimit", SubscribeLimitExceededError),
        (400, "permissionDenied", PermissionDeniedError),  # subscribe says it with a 400
        (403, "permissionDenied", PermissionDeniedError),
        (400, "InvalidAuthentication", AuthenticationError),
        (400, "invalidClientIdOrSecret", InvalidCredentialsError),
        (400, "invalidRefreshToken", RefreshTokenInvalidError),
        (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", RateLimitError),
        (403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", AccessTokenPermissionDeniedError),
        (500, "invalidParameter", InvalidParameterError),  # the code wins over the status
    ],
)
def test_the_code_decides_before_the_status(status: int, code: str, expected: type[APIStatusError]) -> None:
    error = error_from_response(answer(status, {"code": code, "message": "m"}))
    assert type(error) is expected


def test_code_classes_are_not_their_status_kind() -> None:
    # A 400 InvalidAuthentication is no BadRequestError, a 403 throttle no PermissionDeniedError.
    auth = error_from_response(answer(400, {"code": "InvalidAuthentication"}))
    throttled = error_from_response(answer(403, {"code": "Forbidden.AccessDenied.QpsLimitForApi"}))
    assert not isinstance(auth, BadRequestError)
    assert not isinstance(throttled, PermissionDeniedError)
    assert isinstance(error_from_response(answer(400, {"code": "invalidRefreshToken"})), AuthenticationError)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, APIStatusError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_an_unknown_code_is_classified_by_status_and_kept(status: int, expected: type[APIStatusError]) -> None:
    body = {"code": "Some.New.Code", "message": "what DingTalk said", "requestid": "R9", "extra": [1, 2]}
    error = error_from_response(answer(status, body))

    assert type(error) is expected
    assert error.code is None
    assert error.raw_code == "Some.New.Code"
    assert error.message == "what DingTalk said"
    assert error.reason is None
    assert error.request_id == "R9"
    assert error.body == body
    assert "Some.New.Code" in str(error)


def test_a_json_body_without_code_is_classified_by_status() -> None:
    error = error_from_response(answer(404, {"message": "no such calendar"}))
    assert type(error) is NotFoundError
    assert error.raw_code is None
    assert str(error) == "createSubscribedCalendar: HTTP 404: no such calendar (1 attempt)"


def test_a_numeric_code_is_kept_as_text() -> None:
    error = error_from_response(answer(500, {"code": 50001, "message": "busy"}))
    assert type(error) is ServerError
    assert error.raw_code == "50001"


# -- what an error says ----------------------------------------------------------------


def test_str_is_one_readable_line() -> None:
    body = {"code": "invalidParameter", "message": "calendar name cannot be blank", "requestid": "1A2B3C"}
    error = error_from_response(answer(400, body), attempts=1)
    assert str(error) == (
        "createSubscribedCalendar: HTTP 400 invalidParameter: calendar name cannot be blank "
        "(request id 1A2B3C, 1 attempt)"
    )
    assert error.reason is ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK


def test_str_folds_and_cuts_long_messages() -> None:
    error = error_from_response(
        answer(400, {"code": "invalidParameter", "message": "line one\nline two\t" + "x" * 500})
    )
    text = str(error)
    assert "\n" not in text
    assert "line one line two x" in text
    assert len(text) < 400
    assert error.message is not None
    assert len(error.message) > 500


def test_attempts_come_from_the_retry_transport_unless_given() -> None:
    recorded = answer(500, {"code": "x"}, extensions={ATTEMPTS_EXTENSION: 3})
    assert error_from_response(recorded).attempts == 3
    assert "3 attempts" in str(error_from_response(recorded))
    assert error_from_response(recorded, attempts=5).attempts == 5
    assert error_from_response(answer(500, {"code": "x"})).attempts == 1


def test_operation_comes_from_the_request_unless_given() -> None:
    response = answer(400, {"code": "invalidParameter"}, operation="subscribeCalendar")
    assert error_from_response(response).operation == "subscribeCalendar"
    assert error_from_response(response, operation="other").operation == "other"
    bare = httpx.Response(400, json={"code": "invalidParameter", "message": "m"})  # no request at all
    error = error_from_response(bare)
    assert error.operation is None
    assert str(error) == "HTTP 400 invalidParameter: m (1 attempt)"


def test_repr_names_the_class_and_fields() -> None:
    error = error_from_response(answer(403, {"code": "permissionDenied", "message": "permission denied"}))
    assert repr(error).startswith("PermissionDeniedError(status_code=403, raw_code='permissionDenied'")


def test_required_scopes_of_a_missing_app_permission() -> None:
    body = {
        "code": "Forbidden.AccessDenied.AccessTokenPermissionDenied",
        "message": "no permission",
        "accessdenieddetail": {"requiredScopes": ["Calendar.Calendar.Write"]},
    }
    error = error_from_response(answer(403, body))
    assert isinstance(error, AccessTokenPermissionDeniedError)
    assert error.required_scopes == ("Calendar.Calendar.Write",)
    bare = error_from_response(answer(403, {"code": "Forbidden.AccessDenied.AccessTokenPermissionDenied"}))
    assert isinstance(bare, AccessTokenPermissionDeniedError)
    assert bare.required_scopes == ()


def test_errors_survive_pickling() -> None:
    error = error_from_response(answer(400, {"code": "invalidParameter", "message": "m", "requestid": "R"}))
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(copy) is InvalidParameterError
    assert (copy.code, copy.request_id, copy.status_code, str(copy)) == (
        error.code,
        "R",
        400,
        str(error),
    )
    connection = pickle.loads(pickle.dumps(APITimeoutError("timed out", operation="op", attempts=3)))  # noqa: S301
    assert (type(connection), connection.attempts, connection.operation) == (APITimeoutError, 3, "op")


# -- bodies that are not DingTalk's JSON -------------------------------------------------


HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_an_html_502_is_a_server_error_that_says_malformed() -> None:
    response = answer(502, content=HTML_502, headers={"content-type": "text/html"}, operation="getSubscribedCalendar")
    error = error_from_response(response)

    assert type(error) is MalformedServerError
    assert isinstance(error, ServerError)
    assert isinstance(error, MalformedResponseError)
    assert error.status_code == 502
    assert error.body is None
    assert error.raw_code is None
    assert error.body_preview is not None
    assert "502 Bad Gateway" in error.body_preview
    assert str(error) == "getSubscribedCalendar: HTTP 502: not a DingTalk error body (text/html, 74 bytes) (1 attempt)"
    assert error.__cause__ is None  # no JSONDecodeError behind it


@pytest.mark.parametrize(
    ("status", "content", "expected", "kind"),
    [
        (502, b"", MalformedServerError, "empty body"),
        (503, b'{"code": "trunc', MalformedServerError, "application/json"),
        (429, b"<html>slow down</html>", MalformedRateLimitError, "text/html"),
        (404, b"<html>not found</html>", MalformedResponseError, "text/html"),
        (400, b"[1, 2]", MalformedResponseError, "application/json"),
        (400, b"\xff\xfe not utf-8", MalformedResponseError, "application/json"),
        (200, b'{"calendarId": "c', MalformedResponseError, "application/json"),
    ],
)
def test_bodies_that_are_not_the_json_we_expect(
    status: int, content: bytes, expected: type[APIStatusError], kind: str
) -> None:
    content_type = "text/html" if content.startswith(b"<") else "application/json"
    response = answer(status, content=content, headers={"content-type": content_type})
    error = error_from_response(response)

    assert type(error) is expected
    assert error.status_code == status
    assert kind in str(error)
    assert f"HTTP {status}" in str(error)


def test_a_404_html_page_is_not_a_missing_calendar() -> None:
    # A proxy's 404 page means a wrong base URL, not "no such calendar".
    error = error_from_response(answer(404, content=b"<html>nope</html>", headers={"content-type": "text/html"}))
    assert not isinstance(error, NotFoundError)


def test_a_2xx_handed_over_means_its_body_was_unusable() -> None:
    error = error_from_response(answer(200, {"unexpected": True}))
    assert type(error) is MalformedResponseError
    assert error.body == {"unexpected": True}
    assert "success answer with an unexpected body" in str(error)


# -- secrets ---------------------------------------------------------------------------

REFRESH = "refresh-SECRET-77aa11bb"
CLIENT_SECRET = "client-SECRET-99cc22dd"


def _everything_said(error: BaseException) -> str:
    parts: list[Any] = [str(error), repr(error), error.args, getattr(error, "body", None)]
    parts.append(getattr(error, "body_preview", None))
    parts.append(dict(getattr(error, "headers", {})))
    return repr(parts)


def test_no_token_or_secret_in_what_an_error_keeps() -> None:
    user_token_request = {
        "clientId": "app-1",
        "clientSecret": CLIENT_SECRET,
        "refreshToken": REFRESH,
        "grantType": "refresh_token",
    }
    body = {
        "code": "invalidRefreshToken",
        "message": f"refresh token {REFRESH} is unknown (token {TOKEN})",
        "accessToken": "leaked-access-token-xyz",
    }
    response = answer(400, body, operation="getUserAccessToken", request_json=user_token_request)
    error = error_from_response(response)

    said = _everything_said(error)
    for secret in (REFRESH, CLIENT_SECRET, TOKEN, "leaked-access-token-xyz"):
        assert secret not in said
    assert isinstance(error, RefreshTokenInvalidError)
    assert "refresh token [redacted] is unknown" in str(error)


def test_a_malformed_token_answer_shows_no_preview() -> None:
    # A cut-off token answer holds the token: no preview for token endpoints.
    response = answer(200, content=b'{"accessToken": "tok-abcdef123456", "expireIn', operation="getAccessToken")
    error = error_from_response(response)
    assert isinstance(error, MalformedResponseError)
    assert error.body_preview is None
    assert "tok-abcdef123456" not in _everything_said(error)


def test_the_request_headers_are_not_kept() -> None:
    error = error_from_response(answer(500, {"code": "x"}, headers={"x-acs-request-id": "HDR-1"}))
    assert TOKEN not in _everything_said(error)
    assert error.headers["x-acs-request-id"] == "HDR-1"
    assert error.request_id == "HDR-1"  # the header stands in when the body has no requestid
    assert not any(isinstance(value, httpx.Request) for value in vars(error).values())


# -- the other branches ----------------------------------------------------------------


def test_the_hierarchy() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ValidationError, DingTalkError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIStatusError, DingTalkError)
    assert issubclass(MalformedServerError, ServerError)
    assert issubclass(MalformedRateLimitError, RateLimitError)


def test_validation_error_says_nothing_was_sent() -> None:
    error = ValidationError("name", ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK, operation="createSubscribedCalendar")
    assert (error.field, error.reason) == ("name", "calendar name cannot be blank")
    assert str(error) == "createSubscribedCalendar: invalid name: calendar name cannot be blank (not sent)"


def test_connection_errors_say_how_many_attempts() -> None:
    error = APIConnectionError(
        "could not connect (ConnectError: refused)", operation="getSubscribedCalendar", attempts=3
    )
    assert str(error) == "getSubscribedCalendar: could not connect (ConnectError: refused) (3 attempts)"


def test_a_refresh_token_the_sdk_knows_is_gone() -> None:
    # The token layer raises it itself when it has no refresh token left to send.
    error = RefreshTokenInvalidError("no refresh token left; the user must authorise the app again")
    assert error.code is ErrorCode.INVALID_REFRESH_TOKEN
    assert error.attempts == 0
    assert str(error) == "invalidRefreshToken: no refresh token left; the user must authorise the app again (not sent)"


# -- over HTTP, against the emulator -----------------------------------------------------


class Calls:
    """The generated client on one emulator, sending once (no retries) unless told otherwise."""

    def __init__(self, emu: Emulator, token: str | None = None) -> None:
        self.emu = emu
        self.answers = Answers()
        self.fake = FakeTime()
        self.client: Client = calendar_client(
            emu.url, quick_transport(self.fake, NO_RETRIES), self.answers, token=token or emu.issue_token()
        )

    def raised(self, call: Callable[[Client], object]) -> APIStatusError:
        """The exception the SDK raises for ``call``'s answer (it must be an error)."""
        call(self.client)
        with pytest.raises(APIStatusError) as caught:
            self.answers.raise_for_error()
        return caught.value


@pytest.fixture
def calls(dingtalk_emulator: Emulator) -> Calls:
    return Calls(dingtalk_emulator)


def test_http_invalid_parameter(calls: Calls) -> None:
    body = CreateSubscribedCalendarRequest(name="   ", subscribe_scope=SubscribeScope(corp_ids=["ding-acme"]))
    error = calls.raised(lambda c: create_subscribed_calendar.sync_detailed("alice", client=c, body=body))

    assert type(error) is InvalidParameterError
    assert error.status_code == 400
    assert error.reason is ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK
    assert error.operation == "createSubscribedCalendar"
    assert error.request_id  # the emulator's requestid, in the body and in str()
    assert str(error) == (
        f"createSubscribedCalendar: HTTP 400 invalidParameter: calendar name cannot be blank "
        f"(request id {error.request_id}, 1 attempt)"
    )


def test_http_permission_denied_on_get_is_403(calls: Calls) -> None:
    calendar_id = create_calendar(calls.client, calls.answers, "alice")
    error = calls.raised(lambda c: get_subscribed_calendar.sync_detailed("bob", calendar_id, client=c))
    assert type(error) is PermissionDeniedError
    assert (error.status_code, error.reason) == (403, ErrorReason.PERMISSION_DENIED)


def test_http_permission_denied_on_subscribe_is_400_and_still_permission_denied(calls: Calls) -> None:
    calendar_id = create_calendar(calls.client, calls.answers, "alice")  # scope: Acme; dave is in Globex
    error = calls.raised(lambda c: subscribe_calendar.sync_detailed("dave", calendar_id, client=c))
    assert type(error) is PermissionDeniedError
    assert error.status_code == 400
    assert error.reason is ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE


def test_http_subscribe_limit_exceeded(calls: Calls) -> None:
    calendar_id = create_calendar(calls.client, calls.answers, "alice")
    calls.emu.subscribe_limit = 0
    error = calls.raised(lambda c: subscribe_calendar.sync_detailed("bob", calendar_id, client=c))
    assert type(error) is SubscribeLimitExceededError
    assert error.reason is ErrorReason.EXCEED_SUBSCRIBE_LIMIT


def test_http_invalid_authentication(dingtalk_emulator: Emulator) -> None:
    calls = Calls(dingtalk_emulator, token="not-a-token-at-all")
    error = calls.raised(lambda c: get_subscribed_calendar.sync_detailed("alice", "c1", client=c))
    assert type(error) is AuthenticationError
    assert (error.status_code, error.code) == (400, ErrorCode.INVALID_AUTHENTICATION)
    assert "not-a-token-at-all" not in _everything_said(error)


def test_http_missing_app_permission_names_the_scope(dingtalk_emulator: Emulator) -> None:
    reader = dingtalk_emulator.add_app(
        InternalApp(app_key="reader-key", app_secret="reader-secret", permissions=["Calendar.Calendar.Read"])
    )
    calls = Calls(dingtalk_emulator, token=dingtalk_emulator.issue_token(reader))
    body = CreateSubscribedCalendarRequest(name="x", subscribe_scope=SubscribeScope(corp_ids=["ding-acme"]))
    error = calls.raised(lambda c: create_subscribed_calendar.sync_detailed("alice", client=c, body=body))
    assert type(error) is AccessTokenPermissionDeniedError
    assert error.status_code == 403
    assert error.required_scopes == ("Calendar.Calendar.Write",)


def test_http_throttling_is_a_rate_limit_error_when_not_retried(calls: Calls) -> None:
    calls.emu.faults.next("throttle", operation="getSubscribedCalendar")
    error = calls.raised(lambda c: get_subscribed_calendar.sync_detailed("alice", "c1", client=c))
    assert type(error) is RateLimitError
    assert (error.status_code, error.code) == (403, ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_APPKEY_AND_API)


def test_http_bad_app_secret_is_a_credentials_error_without_the_secret(calls: Calls) -> None:
    body = GetAccessTokenRequest(app_key=calls.emu.internal_app.app_key, app_secret="wrong-secret-123456")
    error = calls.raised(lambda c: get_access_token.sync_detailed(client=c, body=body))
    assert type(error) is InvalidCredentialsError
    assert error.code is ErrorCode.INVALID_CLIENT_ID_OR_SECRET
    assert error.operation == "getAccessToken"
    assert "wrong-secret-123456" not in _everything_said(error)


def test_http_unknown_refresh_token(calls: Calls) -> None:
    app = calls.emu.personal_app
    body = GetUserAccessTokenRequest(
        client_id=app.client_id,
        client_secret=app.client_secret,
        grant_type="refresh_token",
        refresh_token="refresh-token-nobody-issued",
    )
    error = calls.raised(lambda c: get_user_access_token.sync_detailed(client=c, body=body))
    assert type(error) is RefreshTokenInvalidError
    assert error.attempts == 1
    assert "refresh-token-nobody-issued" not in _everything_said(error)
    assert app.client_secret not in _everything_said(error)


def test_http_a_5xx_with_a_code_the_spec_does_not_know_still_raises_with_it(calls: Calls) -> None:
    calls.emu.faults.next("500", operation="getSubscribedCalendar")
    error = calls.raised(lambda c: get_subscribed_calendar.sync_detailed("alice", "c1", client=c))
    assert type(error) is ServerError
    assert error.code is None
    assert error.raw_code == "InternalError"  # the emulator's, as DingTalk's gateway sends it
    assert error.message
    assert error.body is not None
    assert error.body["code"] == "InternalError"
    assert "HTTP 500 InternalError" in str(error)


def test_http_an_html_502_is_a_malformed_server_error_with_its_status(calls: Calls) -> None:
    calls.emu.faults.next("502_html", operation="getSubscribedCalendar")
    error = calls.raised(lambda c: get_subscribed_calendar.sync_detailed("alice", "c1", client=c))
    assert type(error) is MalformedServerError
    assert error.status_code == 502
    assert error.request_id  # from the x-acs-request-id header
    assert "text/html" in str(error)
    assert "Traceback" not in str(error)
    assert "JSONDecodeError" not in str(error)


@pytest.mark.parametrize("fault", ["malformed", "html"])
def test_http_a_2xx_with_a_broken_body(calls: Calls, fault: str) -> None:
    calendar_id = create_calendar(calls.client, calls.answers, "alice")
    calls.emu.faults.next(fault, operation="getSubscribedCalendar")
    detailed = get_subscribed_calendar.sync_detailed("alice", calendar_id, client=calls.client)
    assert detailed.parsed is None  # the generated layer could not parse it ...
    error = error_from_response(calls.answers.last)  # ... and the SDK says so
    assert type(error) is MalformedResponseError
    assert error.status_code == 200
    assert error.operation == "getSubscribedCalendar"


def test_http_the_attempts_reach_the_error(dingtalk_emulator: Emulator) -> None:
    calls = Calls(dingtalk_emulator)
    calls.emu.faults.next("503", count=3, operation="getSubscribedCalendar")
    retrying = {RETRY_EXTENSION: QUICK}  # the client sends once; this call may retry twice
    get_subscribed_calendar.sync_detailed("alice", "c1", client=calls.client, extensions=retrying)
    with pytest.raises(ServerError) as caught:
        calls.answers.raise_for_error()
    assert caught.value.attempts == 3
    assert "3 attempts" in str(caught.value)
    assert dingtalk_emulator.stats.requests("getSubscribedCalendar") == 3


def test_the_readmes_error_tree_names_every_public_error_under_its_parent() -> None:
    import re
    from pathlib import Path

    import dingtalk_calendar

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Errors", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in tree.splitlines():
        node = re.match(r"^([│ ]*)(?:├── |└── )?([A-Z]\w+Error)\b", line)
        if node is None:
            continue
        depth, name = node.start(2), node.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    public = {
        name
        for name in dingtalk_calendar.__all__
        if isinstance(cls := getattr(dingtalk_calendar, name), type)
        and issubclass(cls, dingtalk_calendar.DingTalkError)
    }
    also_named = set(re.findall(r"\b([A-Z]\w+Error)\b", tree))
    assert public <= also_named
    for name, parent in parents.items():
        assert issubclass(getattr(dingtalk_calendar, name), getattr(dingtalk_calendar, parent)), (name, parent)
    assert parents["ConfigurationError"] == parents["TokenStoreError"] == "DingTalkError"
