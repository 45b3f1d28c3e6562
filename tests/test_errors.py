"""The exception hierarchy and how answers become exceptions.

First from answers built by hand (pure parsing: every documented code, odd bodies,
secrets), then over real HTTP against the emulator.
"""

import pickle
from typing import Any

import httpx
import pytest

from dingtalk_calendar._errors import (
    ERROR_CLASS_BY_CODE,
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
from dingtalk_calendar._extensions import ATTEMPTS_EXTENSION
from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS, OPERATIONS, DocumentedError
from tests.retry_support import TOKEN, answer

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
    assert {
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.QpsLimitForApi",
    } == THROTTLING_CODES


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
