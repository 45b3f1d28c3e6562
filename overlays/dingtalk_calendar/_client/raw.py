"""``client.request(...)``: any DingTalk path, with the client's token, retries, typed errors and overlays.

It is how to call an endpoint this SDK does not wrap yet, or send a field DingTalk added
before the spec and the generated code caught up. A path the spec knows is treated as that
operation: its idempotency decides the retries, its field rules check a JSON body before
anything is sent, errors and spans name it. Any other path goes by its HTTP method (GET,
PUT, DELETE, HEAD and OPTIONS are retried after a 5xx or a lost answer; POST and PATCH are not).
"""

import json as jsonlib
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

import httpx
from attrs import evolve, field, frozen

from dingtalk_calendar_api import Client
from dingtalk_calendar_api._call import OPERATION_EXTENSION
from dingtalk_calendar_api.checks import not_unicode
from dingtalk_calendar_api.spec_data import OPERATIONS

from .._call.prepared import Call
from .._call.validation import check_body
from .._errors import MalformedResponseError, ValidationError, request_id_of
from .._json import UnreadableJSONError, decode_json
from .._redact import reduce_without_secrets, request_of, scrub_json, secrets_of_request

_METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


@frozen
class RawResult:
    """What ``client.request(...)`` gives back: the parsed JSON body and the HTTP answer itself."""

    body: Any = field(repr=lambda body: repr(scrub_json(body, ())))
    """The JSON body, parsed (a dict, a list, ...); None when the answer had no body.

    Its ``repr`` (and ``str``) masks the fields the spec marks secret (a token answer's ``accessToken``)."""
    request_id: str | None
    """DingTalk's request id, when the gateway named one."""
    raw_response: httpx.Response
    """The answer as httpx received it (status, headers, bytes)."""
    operation: str | None = None
    """The spec's operationId when the method and path are one the spec knows."""

    @property
    def status_code(self) -> int:
        return self.raw_response.status_code

    def __reduce__(self) -> tuple[object, ...]:
        # The parsed body goes into a pickle as its repr shows it: a token answer's accessToken
        # masked, and any secret the request carried (an echoed appSecret) scrubbed.
        secrets = secrets_of_request(request_of(self.raw_response))
        return reduce_without_secrets(evolve(self, body=scrub_json(self.body, secrets)))


@cache
def _templates() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(method, path pattern, operationId) of every operation in the spec."""
    found = []
    for operation in OPERATIONS.values():
        pattern = re.escape(operation.path)
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", pattern)  # each {param} is one path segment
        found.append((operation.method.upper(), re.compile(pattern), operation.operation_id))
    return tuple(found)


def operation_for(method: str, path: str) -> str | None:
    """The operationId of ``method path`` (a concrete path, not a template), if the spec has it."""
    path = path.split("?", 1)[0]
    for known_method, pattern, operation_id in _templates():
        if known_method == method and pattern.fullmatch(path):
            return operation_id
    return None


def _checked_method(method: str) -> str:
    upper = method.upper() if isinstance(method, str) else ""
    if upper not in _METHODS:
        raise ValidationError("method", f"must be one of {', '.join(sorted(_METHODS))} (got {method!r})")
    return upper


def _checked_path(path: str) -> str:
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        # A full URL, or "//host/...", would carry the client's token to another server.
        raise ValidationError("path", f"must be a path on the client's base URL, starting with one '/' (got {path!r})")
    if any(c in path for c in "\r\n\0 #"):
        raise ValidationError("path", "must not contain spaces, line breaks or '#'; percent-encode them")
    if not_unicode(path):
        raise ValidationError("path", "must be valid Unicode text (it holds a lone surrogate)")
    return path


def call(method: str, path: str, *, json: object, options: Mapping[str, Any]) -> Call[RawResult]:
    """A prepared raw call; ``options`` come from the client (timeout, retries, headers, query)."""
    method = _checked_method(method)
    path = _checked_path(path)
    operation = operation_for(method, path)
    if operation is not None and isinstance(json, Mapping):
        check_body(operation, json)  # the spec's limits, on the very JSON that would be sent
    kwargs: dict[str, Any] = {"method": method, "url": path, **options}
    if json is not None:
        try:
            # As httpx encodes it, refused here as a ValidationError rather than by httpx as a TypeError,
            # a ValueError (NaN) or a UnicodeEncodeError (a lone surrogate).
            jsonlib.dumps(json, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as error:
            raise ValidationError("json", f"cannot be sent as JSON: {error}", operation=operation) from None
        kwargs["json"] = json
    kwargs["extensions"] = {**kwargs.get("extensions", {}), **({OPERATION_EXTENSION: operation} if operation else {})}
    if not kwargs["extensions"]:
        del kwargs["extensions"]

    def finish(response: httpx.Response, client: Client) -> RawResult:
        body: Any = None
        if response.content:
            try:
                body = decode_json(response.content, what=f"the answer of {operation or method + ' ' + path}")
            except UnreadableJSONError as error:
                raise MalformedResponseError(
                    status_code=response.status_code,
                    operation=operation,
                    request_id=request_id_of(response),
                    headers=response.headers,
                    detail=f"a 2xx answer whose body is {error.detail}",
                ) from None
        return RawResult(body, request_id_of(response), response, operation)

    return Call(operation or method, kwargs, finish)
