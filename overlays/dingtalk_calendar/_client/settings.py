"""What a client is configured with, and how one call's options are turned into request arguments."""

import re
from collections.abc import Mapping
from typing import Any

import httpx
from attrs import evolve, field, frozen

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from .._defaults import DEFAULT_BASE_URL, DEFAULT_LIMITS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, USER_AGENT
from .._errors import ValidationError
from .._extensions import RETRY_EXTENSION
from .._retry.policy import RetryPolicy

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "CallDefaults",
    "checked_headers",
    "checked_query",
]


def as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


_FRAMING = frozenset({"host", "content-length", "transfer-encoding"})
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110's token
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")  # what httpx sends as text: ASCII, no control characters


def checked_headers(headers: Mapping[str, str] | None, *, field: str) -> dict[str, str]:
    """Headers a caller adds, refused when they would replace the token or break the request."""
    if not headers:
        return {}
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


def checked_query(query: Mapping[str, str] | None) -> dict[str, str]:
    if not query:
        return {}
    for name, value in query.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValidationError(
                "extra_query", f"query names and values must be strings (got {name!r}: {type(value).__name__})"
            )
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
            retry=self.retry if max_retries is None else evolve(self.retry, max_retries=max_retries),
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
