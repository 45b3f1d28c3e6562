"""Keep tokens and secrets out of exception text, reprs and logs.

An error answer can echo what the request carried (a token endpoint's message naming
the refresh token it rejected, a proxy page quoting headers), and a token endpoint's
body holds the token itself. The request is the one place that knows which strings are
secret, so we collect them from it, before dropping the request, and scrub them from
everything we keep.
"""

import json
import re
from collections.abc import Iterable
from typing import Any, Final

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

REDACTED: Final = "[redacted]"

# Fields of the token endpoints' requests and answers that hold a secret:
# appSecret, suiteSecret, clientSecret, suiteTicket, accessToken, refreshToken.
_SECRET_KEY = re.compile(r"secret|token|ticket|password", re.IGNORECASE)
# `code` is a one-time authorization code in a user-token request, but DingTalk's error
# code in an answer; it counts as secret only on the request side.
_SECRET_REQUEST_KEYS: Final = frozenset({"code"})
_SECRET_HEADERS: Final = (ACCESS_TOKEN_HEADER, "authorization", "proxy-authorization", "cookie")
# Shorter strings are not worth scrubbing and would mangle ordinary words.
_MIN_SECRET_LENGTH: Final = 6


def is_secret_key(key: str) -> bool:
    """Whether a JSON key names a secret value (``appSecret``, ``refreshToken``, ...)."""
    return bool(_SECRET_KEY.search(key))


def secrets_of_request(request: httpx.Request | None) -> frozenset[str]:
    """The secret strings a request carries: its token header and secret body fields."""
    if request is None:
        return frozenset()
    found = [request.headers.get(name) for name in _SECRET_HEADERS]
    found.extend(_secret_values(_request_json(request)))
    # "Bearer abc..." : the token alone must go too, wherever it is quoted.
    found.extend(value.split(" ", 1)[1] for value in list(found) if value and " " in value)
    return frozenset(value for value in found if value and len(value) >= _MIN_SECRET_LENGTH)


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request a response answers, or None for a response built by hand."""
    try:
        return response.request
    except RuntimeError:  # httpx: "The request instance has not been set on this response."
        return None


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by a marker."""
    # Longest first, so a secret that contains another is removed whole.
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def scrub_json(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a parsed JSON value without secret fields or secret strings."""
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_key(str(key)) and value[key] else scrub_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub_json(item, secrets) for item in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    return value


def _request_json(request: httpx.Request) -> Any:
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed upload: nothing we could scrub, nothing we keep
        return None
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _secret_values(body: Any) -> list[str]:
    if isinstance(body, dict):
        values: list[str] = []
        for key, item in body.items():
            if isinstance(item, str) and (is_secret_key(str(key)) or key in _SECRET_REQUEST_KEYS):
                values.append(item)
            else:
                values.extend(_secret_values(item))
        return values
    if isinstance(body, list):
        return [value for item in body for value in _secret_values(item)]
    return []
