"""What a client is configured with, and how one call's options are turned into request arguments."""

import math
import re
import ssl
from collections.abc import Mapping
from types import UnionType
from typing import Any

import httpx
from attrs import evolve, field, frozen

from dingtalk_calendar_api.checks import not_unicode
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._checks import is_number, is_whole
from .._defaults import DEFAULT_BASE_URL, DEFAULT_LIMITS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, USER_AGENT
from .._errors import ConfigurationError, ValidationError
from .._extensions import RETRY_EXTENSION
from .._retry.policy import RetryPolicy

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "CallDefaults",
    "check_base_url",
    "check_connection",
    "checked_headers",
    "checked_query",
    "require",
]


def as_timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    """``value`` as an ``httpx.Timeout``, each of its limits a number of seconds above 0 (or None: none)."""
    timeout = value if isinstance(value, httpx.Timeout) else None
    if timeout is None and _seconds(value):
        timeout = httpx.Timeout(value)
    if timeout is None or not all(limit is None or _seconds(limit) for limit in timeout.as_dict().values()):
        raise ValidationError(
            "timeout", f"must be a number of seconds above 0, or an httpx.Timeout of such numbers, not {value!r}"
        )
    return timeout


def _seconds(value: object) -> bool:
    # Not 0: a socket given no time at all does not wait, it fails. Not NaN or infinity either.
    return is_number(value) and 0 < value < math.inf


def checked_retries(value: int) -> int:
    if not is_whole(value) or value < 0:
        raise ValidationError("max_retries", f"must be a whole number, 0 or more, not {value!r}")
    return value


_FRAMING = frozenset({"host", "content-length", "transfer-encoding"})
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110's token
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")  # what httpx sends as text: ASCII, no control characters


def checked_headers(headers: Mapping[str, str] | None, *, field: str) -> dict[str, str]:
    """Headers a caller adds, refused when they would replace the token or break the request."""
    if not headers:
        return {}
    if not isinstance(headers, Mapping):
        raise ValidationError(field, f"must be a mapping of header names to values, not {type(headers).__name__}")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValidationError(
                field, f"header names and values must be strings (got {name!r}: {type(value).__name__})"
            )
        if name.strip().lower() == ACCESS_TOKEN_HEADER:
            # The client sends its own, managed token; another one here would be silently replaced.
            raise ValidationError(field, f"may not set {ACCESS_TOKEN_HEADER}: the client sends its own token")
        if name.strip().lower() in _FRAMING:
            # Set by hand, they would disagree with the body sent or the server reached: a request
            # that hangs, is cut short or goes to another site behind the same gateway.
            raise ValidationError(field, f"may not set {name.strip()}: the client frames each request itself")
        if any(c in name + value for c in "\r\n\0") or not name.strip():
            raise ValidationError(field, f"header {name!r} has an empty name or a line break")
        if not _HEADER_NAME.fullmatch(name):
            raise ValidationError(field, f"header {name!r} is not a header name: letters, digits and !#$%&'*+-.^_`|~")
        if not _HEADER_VALUE.fullmatch(value):  # the value is not quoted: it may be a secret
            raise ValidationError(
                field, f"header {name!r} has a value HTTP cannot carry: printable ASCII only (encode other text)"
            )
        checked[name] = value
    return checked


def with_user_agent(headers: Mapping[str, str]) -> httpx.Headers:
    """A client's headers: the SDK's User-Agent, unless ``headers`` name their own."""
    merged = httpx.Headers({"User-Agent": USER_AGENT})
    merged.update(headers)  # case-insensitive: a "user-agent" of the caller's replaces ours
    return merged


def check_base_url(value: str, name: str) -> str:
    """``value`` if it can be an API base URL; otherwise a ``ConfigurationError`` naming ``name``."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a URL string, such as https://api.dingtalk.io, not {value!r}")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as error:
        raise ConfigurationError(f"{name} is not a URL ({error})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"{name} must be an http:// or https:// URL with a host, such as https://api.dingtalk.io"
        )
    # Paths are added to it, so a query or fragment would end up in the middle of every URL;
    # a user:password would show in the client's repr and every log line that names the URL.
    if url.userinfo or url.query or url.fragment:
        wanted = "scheme://host[:port][/path], without user:password, query or fragment"
        raise ConfigurationError(f"{name} must be {wanted}")
    return value


def require(name: str, value: object, kind: type | UnionType, wanted: str) -> None:
    """A ``ConfigurationError`` naming the setting unless ``value`` is of ``kind`` (its type named, not its value)."""
    if not isinstance(value, kind):
        raise ConfigurationError(f"{name} must be {wanted}, not {type(value).__name__}")


def check_connection(limits: object, verify: object) -> None:
    """A ``ConfigurationError`` unless ``limits`` and ``verify`` are what a client's pool can be built with."""
    require("limits", limits, httpx.Limits, "an httpx.Limits")
    assert isinstance(limits, httpx.Limits)
    counts = (limits.max_connections, 1), (limits.max_keepalive_connections, 0)
    if any(n is not None and (not is_whole(n) or n < least) for n, least in counts):
        wanted = "whole numbers of connections, max_connections 1 or more"
        raise ConfigurationError(f"limits must be {wanted}, not {limits!r}")
    if limits.keepalive_expiry is not None and not (_seconds(limits.keepalive_expiry) or limits.keepalive_expiry == 0):
        raise ConfigurationError(f"limits.keepalive_expiry must be a number of seconds or None, not {limits!r}")
    wanted = "True, False or an ssl.SSLContext (for a CA file: ssl.create_default_context(cafile=...))"
    require("verify", verify, bool | ssl.SSLContext, wanted)


def checked_query(query: Mapping[str, str] | None) -> dict[str, str]:
    if not query:
        return {}
    if not isinstance(query, Mapping):
        raise ValidationError("extra_query", f"must be a mapping of names to values, not {type(query).__name__}")
    for name, value in query.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValidationError(
                "extra_query", f"query names and values must be strings (got {name!r}: {type(value).__name__})"
            )
        if not_unicode(name) or not_unicode(value):
            raise ValidationError("extra_query", f"{name!r}: a query name or value must be valid Unicode text")
    return dict(query)


@frozen
class CallDefaults:
    """A client's per-call defaults, which ``with_options`` and each call may override."""

    timeout: httpx.Timeout
    retry: RetryPolicy
    headers: Mapping[str, str] = field(factory=dict)
    """Headers a ``with_options`` copy adds to every call (the client's own are on its httpx client)."""

    def with_overrides(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        headers: Mapping[str, str] | None = None,
    ) -> "CallDefaults":
        return CallDefaults(
            timeout=self.timeout if timeout is None else as_timeout(timeout),
            retry=self.retry if max_retries is None else evolve(self.retry, max_retries=checked_retries(max_retries)),
            headers={**self.headers, **checked_headers(headers, field="default_headers")},
        )

    def options(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The per-call arguments of a generated ``build_request_kwargs`` (only what the call overrides)."""
        options: dict[str, Any] = {}
        if timeout is not None or max_retries is not None:
            chosen = self.with_overrides(timeout, max_retries)
            options = {"timeout": chosen.timeout, "extensions": {RETRY_EXTENSION: chosen.retry}}
        headers = {**self.headers, **checked_headers(extra_headers, field="extra_headers")}
        if headers:
            options["headers"] = headers
        if extra_query:
            options["params"] = checked_query(extra_query)
        return options
