"""A token endpoint's request and answer: the body sealed, httpx's errors typed, the answer checked."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from dingtalk_calendar_api.spec_data import SCHEMAS

from .._checks import is_number
from .._errors import (
    APIConnectionError,
    APITimeoutError,
    MalformedResponseError,
    error_from_response,
    request_id_of,
)
from .._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION
from .._json import UnreadableJSONError, decode_json
from .._redact import detached, request_of, scrub_headers, secrets_of_request
from .._secret import SecretBytes
from .token import Token, token_problem

if TYPE_CHECKING:
    from dingtalk_calendar_api import Client
    from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse
    from dingtalk_calendar_api.models.user_access_token_response import UserAccessTokenResponse

_Parsed = TypeVar("_Parsed", "AccessTokenResponse", "UserAccessTokenResponse")


def sealed(request_kwargs: dict[str, Any]) -> dict[str, Any]:
    """A token request's arguments with its JSON body as :class:`SecretBytes`.

    Every frame from here to the socket then holds the body only in a form whose ``repr``
    hides it (a traceback rendered with its locals shows its length, not the secret).
    """
    body = request_kwargs.pop("json")
    request_kwargs["content"] = SecretBytes(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    return request_kwargs


def send(client: Client, request_kwargs: dict[str, Any]) -> httpx.Response:
    try:
        return client.get_httpx_client().request(**request_kwargs)
    except httpx.TransportError as error:
        raise _connection_error(error, request_kwargs) from detached(error)


async def asend(client: Client, request_kwargs: dict[str, Any]) -> httpx.Response:
    try:
        return await client.get_async_httpx_client().request(**request_kwargs)
    except httpx.TransportError as error:
        raise _connection_error(error, request_kwargs) from detached(error)


def _connection_error(error: httpx.TransportError, request_kwargs: dict[str, Any]) -> APIConnectionError:
    # Without the retry transport (which raises these itself), httpx's own errors would escape
    # the SDK's hierarchy. Their text names the failure, never the request body.
    operation = request_kwargs["extensions"][OPERATION_EXTENSION]
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return cls(f"{type(error).__name__}: {error}", operation=operation)


def parsed_or_raise(response: httpx.Response, parsed: object, expected: type[_Parsed], operation: str) -> _Parsed:
    """The token endpoint's answer, or the SDK's error for it.

    The generated ``build_request_kwargs``/``parse_response`` are used rather than
    ``sync_detailed`` so that the raw ``httpx.Response`` reaches ``error_from_response``: it
    reads the attempt count the retry transport recorded, and the request's secrets, which it
    scrubs from anything it keeps.
    """
    if response.status_code == 200 and isinstance(parsed, expected):
        _check_answer(response, parsed, operation)
        return parsed
    if response.status_code == 200 and (missing := _missing_fields(response, expected.__name__)):
        raise _malformed_answer(response, operation, f"{', '.join(missing)} missing")
    raise error_from_response(response, operation=operation)


def _missing_fields(response: httpx.Response, schema: str) -> list[str]:
    """The fields the spec requires of the answer's schema that a JSON object answer lacks."""
    try:
        body = decode_json(response.content, what="a token answer")
    except UnreadableJSONError:
        return []
    if not isinstance(body, dict):
        return []
    return [rule.name for rule in SCHEMAS[schema].fields if rule.required and rule.name not in body]


def _check_answer(
    response: httpx.Response, parsed: AccessTokenResponse | UserAccessTokenResponse, operation: str
) -> None:
    """Refuse a 200 whose token could not be sent or whose lifetime makes no sense, before anything keeps it."""
    problem = token_problem(parsed.access_token)
    if problem is not None:
        raise _malformed_answer(response, operation, f"accessToken {problem}")
    expire_in: object = parsed.expire_in
    if not is_number(expire_in) or not 0 < expire_in < math.inf:
        shown = type(expire_in).__name__ if not isinstance(expire_in, int | float) else repr(expire_in)
        raise _malformed_answer(response, operation, f"expireIn must be a positive number of seconds, not {shown}")


def _malformed_answer(response: httpx.Response, operation: str, detail: str) -> MalformedResponseError:
    # The body holds (or may hold) a token: it is neither kept nor previewed.
    attempts = response.extensions.get(ATTEMPTS_EXTENSION)
    return MalformedResponseError(
        status_code=response.status_code,
        operation=operation,
        attempts=attempts if isinstance(attempts, int) else 1,
        request_id=request_id_of(response),
        headers=scrub_headers(response.headers, secrets_of_request(request_of(response))),
        detail=f"a token answer DingTalk does not send: {detail}",
    )


def app_token(parsed: AccessTokenResponse, now: float) -> Token:
    return Token(access_token=parsed.access_token, expires_at=now + parsed.expire_in, obtained_at=now)
