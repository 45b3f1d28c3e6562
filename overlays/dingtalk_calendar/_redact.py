"""Keep tokens and secrets out of exception text, reprs and logs.

An error answer can echo what the request carried (a token endpoint's message naming
the refresh token it rejected, a proxy page quoting headers), and a token endpoint's
body holds the token itself. The request is the one place that knows which strings are
secret, so we collect them from it, before dropping the request, and scrub them from
everything we keep.
"""

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER, SCHEMAS, SECRET_FIELDS

from ._json import UnreadableJSONError, decode_json
from ._secret import Secret

if TYPE_CHECKING:
    import attrs

REDACTED: Final = "[redacted]"

SECRET_FIELD_NAMES: Final[frozenset[str]] = frozenset().union(*SECRET_FIELDS.values())
"""Wire names of every field the spec marks secret (``format: password``), in any schema."""

# A name that is secret in one schema and plain in another (`code`: the one-time
# authorization code of a user-token request, but DingTalk's error code in an answer) is
# masked by name only in requests; in answers, its value is masked wherever the request
# carried it.
_PLAIN_SOMEWHERE: Final = frozenset(
    rule.name
    for schema in SCHEMAS.values()
    for rule in schema.fields
    if rule.name not in SECRET_FIELDS.get(schema.name, ())
)


def _normalised(key: str) -> str:
    # accessToken, access_token and access-token name one field.
    return key.replace("_", "").replace("-", "").lower()


_ANSWER_SECRET_KEYS: Final = frozenset(_normalised(name) for name in SECRET_FIELD_NAMES - _PLAIN_SOMEWHERE)
_REQUEST_SECRET_KEYS: Final = frozenset(_normalised(name) for name in SECRET_FIELD_NAMES)
# DingTalk's token header (from the spec's security scheme), and HTTP's own credential headers.
SECRET_HEADERS: Final = frozenset({ACCESS_TOKEN_HEADER.lower(), "authorization", "proxy-authorization", "cookie"})
# Shorter strings are not worth scrubbing and would mangle ordinary words.
MIN_SECRET_LENGTH: Final = 6


def is_secret_key(key: str) -> bool:
    """Whether a key of an answer's JSON names a secret value (``accessToken``, ``refreshToken``, ...)."""
    return _normalised(key) in _ANSWER_SECRET_KEYS


class MaskedHeaders(httpx.Headers):
    """Request headers whose ``repr`` masks DingTalk's token header too (httpx masks only ``Authorization``)."""

    def __repr__(self) -> str:
        shown = [(name, "[secure]" if name.lower() in SECRET_HEADERS else value) for name, value in self.multi_items()]
        return f"{type(self).__name__}({shown!r})"


def put_token(request: httpx.Request, token: "str | Secret") -> None:
    """Set DingTalk's token header on ``request``, whose headers then never show it in a ``repr``.

    The one place a :class:`Secret` access token is revealed: where it is sent.
    """
    if not isinstance(request.headers, MaskedHeaders):
        request.headers = MaskedHeaders(request.headers)
    request.headers[ACCESS_TOKEN_HEADER] = token.reveal() if isinstance(token, Secret) else token


def scrub_headers(headers: httpx.Headers, secrets: Iterable[str]) -> httpx.Headers:
    """A copy of an answer's headers without secret headers or secret values (a gateway may echo the token)."""
    secrets = tuple(secrets)
    return httpx.Headers(
        [
            (name, REDACTED if name.lower() in SECRET_HEADERS else scrub_text(value, secrets))
            for name, value in headers.multi_items()
        ]
    )


def secrets_of_request(request: httpx.Request | None) -> frozenset[str]:
    """The secret strings a request carries: its token header and secret body fields."""
    if request is None:
        return frozenset()
    found = [request.headers.get(name) for name in SECRET_HEADERS]
    found.extend(_secret_values(_request_json(request)))
    # "Bearer abc..." : the token alone must go too, wherever it is quoted.
    found.extend(value.split(" ", 1)[1] for value in list(found) if value and " " in value)
    return frozenset(value for value in found if value and len(value) >= MIN_SECRET_LENGTH)


def scrubbed_response(response: httpx.Response) -> httpx.Response:
    """A copy of ``response`` to keep elsewhere (a pickle): no secret header, body field or value.

    Its request keeps its method and URL, without its token header or body.
    """
    request = request_of(response)
    secrets = secrets_of_request(request)
    kept_request = None
    if request is not None:
        kept_request = httpx.Request(request.method, request.url, headers=scrub_headers(request.headers, secrets))
    content = response.content
    try:
        body = decode_json(content, what="an answer") if content else None
    except UnreadableJSONError:
        body = None
    if body is not None:
        content = json.dumps(scrub_json(body, secrets), ensure_ascii=False).encode()
    headers = scrub_headers(response.headers, secrets)
    for name in ("content-encoding", "content-length", "transfer-encoding"):  # the copy's body is decoded
        headers.pop(name, None)
    return httpx.Response(response.status_code, headers=headers, content=content, request=kept_request)


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
        return decode_json(content, what="a request body")
    except UnreadableJSONError:
        return None


def _secret_values(body: Any) -> list[str]:
    if isinstance(body, dict):
        values: list[str] = []
        for key, item in body.items():
            if isinstance(item, str) and _normalised(str(key)) in _REQUEST_SECRET_KEYS:
                values.append(item)
            else:
                values.extend(_secret_values(item))
        return values
    if isinstance(body, list):
        return [value for item in body for value in _secret_values(item)]
    return []


def reduce_without_secrets(value: "attrs.AttrsInstance") -> tuple[object, ...]:
    """``__reduce__`` of a result: its HTTP answer goes into a pickle without the token or any secret."""
    import attrs

    fields = {f.name: getattr(value, f.name) for f in attrs.fields(type(value))}
    if isinstance(fields.get("raw_response"), httpx.Response):
        fields["raw_response"] = scrubbed_response(fields["raw_response"])
    return (_rebuilt, (type(value), fields))


def _rebuilt(cls: type, fields: dict[str, object]) -> object:
    return cls(**fields)


def detached(error: BaseException) -> BaseException:
    """``error`` and every error it was raised from or during, without their tracebacks; returns ``error``.

    A library's frames hold what it was sending, as it sends it: a token request's body as
    plain bytes, the token header in its own header type, a proxy's ``Proxy-Authorization``.
    A traceback rendered with its local variables (Sentry, rich, better_exceptions) prints
    every one of them. The SDK's own error is raised from the library's with this: the chain
    still names each failure (type and message), without the frames below the SDK's error.
    """
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending.extend((current.__cause__, current.__context__))
    return error
