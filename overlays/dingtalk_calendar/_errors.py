"""How a DingTalk answer becomes one of the SDK's exceptions; the exceptions themselves are in ``_exceptions``.

Every module imports the exceptions from here (they are re-exported), with
``error_from_response`` and ``request_id_of``.
"""

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import httpx

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import OPERATIONS

from ._error_base import DingTalkError as DingTalkError
from ._exceptions import *  # noqa: F403 - the hierarchy, imported from here by the rest of the SDK
from ._exceptions import (
    ERROR_CLASS_BY_CODE,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    EgressIpBannedError,
    MalformedRateLimitError,
    MalformedResponseError,
    MalformedServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from ._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION
from ._json import UnreadableJSONError, decode_json
from ._redact import request_of, scrub_headers, scrub_json, scrub_text, secrets_of_request

# Gateways in front of DingTalk name the request in a header when the body cannot.
_REQUEST_ID_HEADERS: Final = ("x-acs-request-id", "x-request-id")
_PREVIEW_LENGTH: Final = 200

_BUSY_CODES: Final = frozenset({ErrorCode.SYSTEM_BUSY, ErrorCode.SYSTEMBUSY})

# The page DingTalk answers during a per-IP ban is HTML holding a JSON-like block,
# {"status":1111,"wait":5,"source":"x5","punish":"deny",...} (wait in minutes).
_BAN_MARKER: Final = re.compile(rb'"punish"\s*:\s*"deny"')
_BAN_WAIT: Final = re.compile(rb'"wait"\s*:\s*"?(\d+(?:\.\d+)?)')
DEFAULT_BAN_SECONDS: Final = 300.0
"""The documented ban of an egress IP over its limit: five minutes."""


def egress_ip_ban_seconds(content: bytes) -> float | None:
    """The ban, in seconds, that a per-IP throttling page announces; None for any other body."""
    if not _BAN_MARKER.search(content):
        return None
    wait = _BAN_WAIT.search(content)
    return float(wait.group(1)) * 60 if wait else DEFAULT_BAN_SECONDS


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
    if code in _BUSY_CODES and status_code >= 500:
        return ServerError  # the error-code page also lists system.busy as a 500: a server error
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
    ban_seconds = egress_ip_ban_seconds(content) if parsed is None else None
    if ban_seconds is not None:
        return EgressIpBannedError(
            ban_seconds=ban_seconds,
            status_code=response.status_code,
            operation=operation,
            attempts=attempts,
            request_id=request_id_of(response),
            headers=response.headers,
            detail="an HTML page announcing a ban of this egress IP",
        )
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
        value = decode_json(content, what="an error answer")
    except UnreadableJSONError:  # not JSON, not UTF-8, or nested past the parser's depth
        return None
    return value if isinstance(value, dict) else None


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    # A code sent as a number is still a code; keep it.
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def request_id_of(response: httpx.Response) -> str | None:
    """DingTalk's request id from the answer's headers, if a gateway named it."""
    for name in _REQUEST_ID_HEADERS:
        if value := response.headers.get(name):
            return str(value)
    return None
