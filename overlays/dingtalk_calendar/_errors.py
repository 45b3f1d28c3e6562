"""The exceptions the SDK raises, and how a DingTalk error answer becomes one.

Catch at the level you care about::

    DingTalkError                     anything the SDK raises
    ├── ConfigurationError            unusable settings: arguments, DINGTALK_* variables, CLI flags (a ValueError)
    ├── ValidationError               bad input found before sending (also a ValueError)
    ├── TokenStoreError               the shared token store (Redis) failed or did not answer in time
    ├── APIConnectionError            no answer: connection refused, dropped, ...
    │   └── APITimeoutError           ... or too slow
    └── APIStatusError                DingTalk (or a proxy) answered an error
        ├── BadRequestError           400 with no more specific class
        │   ├── InvalidParameterError         invalidParameter
        │   └── SubscribeLimitExceededError   exceedSubscribeLimit
        ├── AuthenticationError       InvalidAuthentication (a bad or expired token), 401
        │   └── InvalidCredentialsError       app key/secret, suite ticket, auth code, corp
        │       └── RefreshTokenInvalidError  a user refresh token lost, rotated or expired
        ├── PermissionDeniedError     permissionDenied (DingTalk uses 400 and 403 for it), 403
        │   └── AccessTokenPermissionDeniedError   the app lacks a scope: .required_scopes
        ├── NotFoundError             404
        ├── RateLimitError            Forbidden.AccessDenied.QpsLimit* (HTTP 403), 429
        ├── ServerError               5xx
        └── MalformedResponseError    a body that is not the JSON DingTalk sends
            (MalformedServerError and MalformedRateLimitError are also ServerError and
            RateLimitError: a proxy's HTML 502 is still a server error)

DingTalk reuses 400 and 403 for many causes, so an answer is classified by the body's
``code`` first (``ERROR_CLASS_BY_CODE``, one entry per generated ``ErrorCode``) and by
the HTTP status second. An unknown code still raises, classified by status, with
``raw_code`` and the body kept.
"""

import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import httpx

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
from dingtalk_calendar_api.spec_data import OPERATIONS

from ._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION
from ._redact import request_of, scrub_headers, scrub_json, scrub_text, secrets_of_request

# Gateways in front of DingTalk name the request in a header when the body cannot.
_REQUEST_ID_HEADERS: Final = ("x-acs-request-id", "x-request-id")
_MAX_MESSAGE_LENGTH: Final = 300
_PREVIEW_LENGTH: Final = 200


class DingTalkError(Exception):
    """Base of every exception the SDK raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling; rebuild from state
        # so errors can cross process boundaries (multiprocessing, task queues).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[DingTalkError], args: tuple[Any, ...], state: dict[str, Any]) -> DingTalkError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigurationError(DingTalkError, ValueError):
    """The settings cannot be used (a client argument, a ``DINGTALK_*`` variable, a CLI flag); nothing was sent.

    The message names the setting and says why, never its value when that is a secret.
    """


class TokenStoreError(DingTalkError):
    """The shared token store failed or did not answer within its timeout (Redis down or frozen).

    App tokens never show it: the token manager then fetches in this process instead. A
    user token does, since its rotating refresh token lives in the store. Raised ``from``
    the store's own exception, which stays in ``__cause__``.
    """


class ValidationError(DingTalkError, ValueError):
    """A value was rejected before anything was sent."""

    def __init__(self, field: str, reason: str, *, operation: str | None = None) -> None:
        self.field = field
        """The offending field, by its Python name (``name``, ``subscribe_scope.union_ids``)."""
        self.reason = reason
        """Why, in words (may be an ``ErrorReason``, the message DingTalk would have answered)."""
        self.operation = operation
        prefix = f"{operation}: " if operation else ""
        super().__init__(f"{prefix}invalid {field}: {reason} (not sent)")


class APIConnectionError(DingTalkError):
    """No answer from DingTalk: the connection failed, was dropped, or timed out.

    Raised ``from`` the underlying httpx exception, which stays in ``__cause__``.
    """

    def __init__(self, message: str, *, operation: str | None = None, attempts: int = 1) -> None:
        self.message = message
        self.operation = operation
        self.attempts = attempts
        prefix = f"{operation}: " if operation else ""
        super().__init__(f"{prefix}{_one_line(message)} ({_attempts_text(attempts)})")


class APITimeoutError(APIConnectionError):
    """DingTalk did not answer in time (connect, read, write or pool timeout)."""


class APIStatusError(DingTalkError):
    """DingTalk, or something in front of it, answered with an error."""

    def __init__(
        self,
        *,
        status_code: int,
        raw_code: str | None = None,
        message: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        attempts: int = 1,
        body: dict[str, Any] | None = None,
        headers: httpx.Headers | None = None,
        detail: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.raw_code = raw_code
        """The body's ``code`` as sent, kept even when ``ErrorCode`` does not know it."""
        self.code = ErrorCode.parse(raw_code)
        self.message = message
        """The body's ``message`` as sent."""
        self.reason = ErrorReason.parse(message)
        """The documented message as an enum, to branch on without matching strings."""
        self.request_id = request_id
        """DingTalk's ``requestid``: quote it in a support ticket."""
        self.operation = operation
        self.attempts = attempts
        self.body = body
        """The parsed JSON body, with secret fields redacted; None when it was not JSON."""
        self.headers = headers if headers is not None else httpx.Headers()
        """The response's headers (never the request's, which hold the token), secret ones masked."""
        self.detail = detail
        """What was wrong with the answer when its body does not say (an HTML page, ...)."""
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = [f"HTTP {self.status_code}"] if self.attempts else []
        if self.raw_code:
            head.append(_one_line(self.raw_code))
        line = f"{self.operation}: " if self.operation else ""
        line += " ".join(head)
        text = self.message or self.detail
        if text:
            line += f": {_one_line(text)}"
        notes = [f"request id {self.request_id}"] if self.request_id else []
        notes.append(_attempts_text(self.attempts))
        return f"{line} ({', '.join(notes)})"

    def __repr__(self) -> str:
        fields = {
            "status_code": self.status_code,
            "raw_code": self.raw_code,
            "message": self.message,
            "request_id": self.request_id,
            "operation": self.operation,
            "attempts": self.attempts,
        }
        shown = ", ".join(f"{name}={value!r}" for name, value in fields.items() if value is not None)
        return f"{type(self).__name__}({shown})"


class BadRequestError(APIStatusError):
    """HTTP 400 that no more specific class claims."""


class InvalidParameterError(BadRequestError):
    """``invalidParameter``: DingTalk rejected a value; ``reason`` says which rule."""


class SubscribeLimitExceededError(BadRequestError):
    """``exceedSubscribeLimit``: the user subscribes to as many calendars as allowed."""


class AuthenticationError(APIStatusError):
    """The token or the credentials were refused (``InvalidAuthentication``: HTTP 400)."""


class InvalidCredentialsError(AuthenticationError):
    """A token endpoint refused the app's credentials (key/secret, suite ticket, auth code, corp)."""


class RefreshTokenInvalidError(InvalidCredentialsError):
    """The user refresh token is unknown, already rotated or expired: the user must sign in again.

    DingTalk answers it as ``invalidRefreshToken``; the token layer also raises it itself,
    as ``RefreshTokenInvalidError("why")``, when it has no refresh token left to send
    (``attempts`` is then 0: nothing was sent).
    """

    def __init__(self, message: str | None = None, /, **fields: Any) -> None:
        if not fields:
            # Raised before any call: what DingTalk would have answered, marked as not sent.
            fields = {"status_code": 400, "raw_code": ErrorCode.INVALID_REFRESH_TOKEN.value, "attempts": 0}
        if message is not None:
            fields["message"] = message
        super().__init__(**fields)


class PermissionDeniedError(APIStatusError):
    """The caller may not do this (``permissionDenied``; DingTalk answers it with 400 or 403)."""


class AccessTokenPermissionDeniedError(PermissionDeniedError):
    """The app lacks a permission (scope) the API needs; grant it in the developer console."""

    @property
    def required_scopes(self) -> tuple[str, ...]:
        """The scopes DingTalk says are missing (``accessdenieddetail.requiredScopes``)."""
        detail = (self.body or {}).get("accessdenieddetail")
        scopes = detail.get("requiredScopes") if isinstance(detail, dict) else None
        if not isinstance(scopes, list):
            return ()
        return tuple(str(scope) for scope in scopes)


class NotFoundError(APIStatusError):
    """HTTP 404."""


class RateLimitError(APIStatusError):
    """Throttled: ``Forbidden.AccessDenied.QpsLimit*`` (HTTP 403) or HTTP 429. Wait about a second."""


class ServerError(APIStatusError):
    """HTTP 5xx."""


class MalformedResponseError(APIStatusError):
    """The body is not the JSON DingTalk sends: a proxy's HTML page, an empty or cut-off answer.

    ``status_code`` and ``headers`` are kept; ``detail`` says what came instead, and
    ``body_preview`` shows its start (not for token endpoints, whose bodies hold tokens).
    """

    body_preview: str | None = None


class MalformedServerError(ServerError, MalformedResponseError):
    """A 5xx whose body is not DingTalk's JSON (an empty 502, a load balancer's page)."""


class MalformedRateLimitError(RateLimitError, MalformedResponseError):
    """A 429 whose body is not DingTalk's JSON (a gateway's throttling page)."""


ERROR_CLASS_BY_CODE: Final[Mapping[ErrorCode, type[APIStatusError]]] = MappingProxyType(
    {
        ErrorCode.INVALID_PARAMETER: InvalidParameterError,
        ErrorCode.EXCEED_SUBSCRIBE_LIMIT: SubscribeLimitExceededError,
        ErrorCode.INVALID_AUTHENTICATION: AuthenticationError,
        ErrorCode.INVALID_CLIENT_ID_OR_SECRET: InvalidCredentialsError,
        ErrorCode.INVALID_AUTH_CODE: InvalidCredentialsError,
        ErrorCode.INVALID_SUITE_TICKET: InvalidCredentialsError,
        ErrorCode.INVALID_AUTH_CORP_ID: InvalidCredentialsError,
        ErrorCode.INVALID_REFRESH_TOKEN: RefreshTokenInvalidError,
        ErrorCode.PERMISSION_DENIED: PermissionDeniedError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_ACCESS_TOKEN_PERMISSION_DENIED: AccessTokenPermissionDeniedError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_API: RateLimitError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_APPKEY_AND_API: RateLimitError,
    }
)
"""The class of every code the spec documents. A test fails when ``ErrorCode`` gains a
member without an entry here, so a new code cannot ship unclassified."""

THROTTLING_CODES: Final[frozenset[str]] = frozenset(
    code.value for code, cls in ERROR_CLASS_BY_CODE.items() if issubclass(cls, RateLimitError)
)
"""Codes that mean "too many calls, DingTalk did nothing": the retry layer retries them."""

_CLASS_BY_STATUS: Final[Mapping[int, type[APIStatusError]]] = MappingProxyType(
    {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        429: RateLimitError,
    }
)


def class_for_status(status_code: int) -> type[APIStatusError]:
    """The class of an error answer whose code is missing or unknown."""
    if status_code >= 500:
        return ServerError
    return _CLASS_BY_STATUS.get(status_code, APIStatusError)


def class_for(raw_code: str | None, status_code: int) -> type[APIStatusError]:
    """The class of an error answer: by DingTalk's code first, the HTTP status second."""
    code = ErrorCode.parse(raw_code)
    if code is not None:
        return ERROR_CLASS_BY_CODE[code]
    return class_for_status(status_code)


def error_from_response(
    response: httpx.Response,
    *,
    operation: str | None = None,
    attempts: int | None = None,
) -> APIStatusError:
    """The exception for an answer the caller cannot use; return it for the caller to raise.

    Meant for every non-2xx answer; a 2xx passed here is taken to have a body the caller
    could not parse and gives a ``MalformedResponseError``. ``operation`` defaults to the
    request's ``dingtalk_operation`` extension, ``attempts`` to what the retry transport
    recorded (else 1). Never raises itself, whatever the body holds.
    """
    request = request_of(response)
    if operation is None and request is not None:
        operation = _str_or_none(request.extensions.get(OPERATION_EXTENSION))
    if attempts is None:
        recorded = response.extensions.get(ATTEMPTS_EXTENSION)
        attempts = recorded if isinstance(recorded, int) else 1
    secrets = secrets_of_request(request)
    content = _content_of(response)
    parsed = _json_object(content)
    if parsed is None or 200 <= response.status_code < 300:
        return _malformed(response, content, parsed, operation=operation, attempts=attempts, secrets=secrets)
    raw_code = _str_or_none(parsed.get("code"))
    message = _str_or_none(parsed.get("message"))
    cls = class_for(raw_code, response.status_code)
    return cls(
        status_code=response.status_code,
        raw_code=raw_code,
        message=scrub_text(message, secrets) if message is not None else None,
        request_id=_str_or_none(parsed.get("requestid")) or request_id_of(response),
        operation=operation,
        attempts=attempts,
        body=scrub_json(parsed, secrets),
        headers=scrub_headers(response.headers, secrets),
    )


def _malformed(
    response: httpx.Response,
    content: bytes,
    parsed: dict[str, Any] | None,
    *,
    operation: str | None,
    attempts: int,
    secrets: frozenset[str],
) -> MalformedResponseError:
    status_class = class_for_status(response.status_code)
    cls: type[MalformedResponseError] = MalformedResponseError
    if issubclass(status_class, ServerError):
        cls = MalformedServerError
    elif issubclass(status_class, RateLimitError):
        cls = MalformedRateLimitError
    error = cls(
        status_code=response.status_code,
        operation=operation,
        attempts=attempts,
        body=scrub_json(parsed, secrets) if parsed is not None else None,
        request_id=request_id_of(response),
        headers=scrub_headers(response.headers, secrets),
        detail=_describe_unusable_body(response, content, parsed),
    )
    if content and not _may_hold_tokens(operation):
        preview = content[:_PREVIEW_LENGTH].decode("utf-8", errors="replace")
        error.body_preview = scrub_text(preview, secrets)
    return error


def _describe_unusable_body(response: httpx.Response, content: bytes, parsed: dict[str, Any] | None) -> str:
    if 200 <= response.status_code < 300:
        return f"a success answer with an unexpected body ({_body_kind(response, content, parsed)})"
    return f"not a DingTalk error body ({_body_kind(response, content, parsed)})"


def _body_kind(response: httpx.Response, content: bytes, parsed: dict[str, Any] | None) -> str:
    if not content:
        return "empty body"
    if parsed is not None:
        return f"JSON, {len(content)} bytes"
    content_type = response.headers.get("content-type", "no content type").split(";")[0].strip()
    return f"{content_type}, {len(content)} bytes"


def _may_hold_tokens(operation: str | None) -> bool:
    # The token endpoints answer with tokens; an unknown operation might be one of them.
    known = OPERATIONS.get(operation) if operation else None
    return known is None or not known.requires_token


def _content_of(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        pass
    try:
        return response.read()
    except (httpx.HTTPError, httpx.StreamError, RuntimeError):  # an async or broken stream
        return b""


def _json_object(content: bytes) -> dict[str, Any] | None:
    if not content:
        return None
    try:
        value = json.loads(content)
    except ValueError:  # not JSON, or not UTF-8
        return None
    return value if isinstance(value, dict) else None


def request_id_of(response: httpx.Response) -> str | None:
    """DingTalk's request id from the answer's headers, if a gateway named it."""
    for name in _REQUEST_ID_HEADERS:
        if value := response.headers.get(name):
            return str(value)
    return None


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    # A code sent as a number is still a code; keep it.
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


_WHITESPACE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > _MAX_MESSAGE_LENGTH:
        return text[: _MAX_MESSAGE_LENGTH - 1] + "…"
    return text


def _attempts_text(attempts: int) -> str:
    if attempts == 0:
        return "not sent"
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"
