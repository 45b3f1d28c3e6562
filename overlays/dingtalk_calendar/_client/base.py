"""What the sync and async clients share: configuration, credentials, overlays, per-call options."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

import httpx

from .._defaults import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from .._logging import configure_once
from .._overlay.calls import OverlayHooks
from .._overlay.overlay import Overlay

if TYPE_CHECKING:  # attrs classes, loaded when the first client is made: importing the SDK stays cheap
    from .._auth.stores import TokenStore
    from .._auth.token import TokenProvider
    from .._retry.policy import RetryPolicy
    from .._transport.shared import SharedTransport
    from .settings import CallDefaults

_O = TypeVar("_O", bound=Overlay)


def as_provider(credentials: TokenProvider | str) -> TokenProvider:
    """A plain string is a fixed access token the caller refreshes itself."""
    from .._auth.credentials import FixedToken
    from .._auth.token import TokenProvider
    from .settings import require

    if isinstance(credentials, str):
        return FixedToken(credentials)
    wanted = "InternalAppCredentials, EnterpriseAppCredentials, UserCredentials, a TokenProvider or a token string"
    require("credentials", credentials, TokenProvider, wanted)
    return credentials


def _overlays(overlays: Iterable[Overlay]) -> tuple[Overlay, ...]:
    from .._errors import ConfigurationError

    if not isinstance(overlays, Iterable) or isinstance(overlays, str | Overlay):
        raise ConfigurationError(f"overlays must be a list of Overlay instances, not {type(overlays).__name__}")
    given = tuple(overlays)
    for overlay in given:
        if isinstance(overlay, type) and issubclass(overlay, Overlay):
            raise ConfigurationError(f"overlays must be Overlay instances: give {overlay.__name__}(), not the class")
        if not isinstance(overlay, Overlay):
            raise ConfigurationError(f"overlays must be Overlay instances, not {type(overlay).__name__}")
    return given


class BaseClient:
    """Configuration shared by :class:`CalendarClient` and :class:`AsyncCalendarClient`."""

    _transport: SharedTransport
    """The client's lease on its connection pool (see ``with_credentials``)."""
    _overlays_type: type[OverlayHooks]
    """The client's overlay runner: the async one, or its generated sync twin."""
    _defaults: CallDefaults

    def __init__(
        self,
        credentials: TokenProvider | str,
        *,
        base_url: str,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        token_store: TokenStore | None,
        refresh_margin: float | None,
        overlays: Iterable[Overlay],
        default_headers: Mapping[str, str] | None = None,
        max_response_bytes: int,
    ) -> None:
        from .._auth.stores import MemoryTokenStore, TokenStore
        from .._checks import is_whole
        from .._retry.policy import RetryPolicy
        from .settings import CallDefaults, check_base_url, checked_headers, require

        configure_once()
        if not is_whole(max_response_bytes) or max_response_bytes < 1:
            from .._errors import ConfigurationError

            raise ConfigurationError(f"max_response_bytes must be a positive whole number, not {max_response_bytes!r}")
        self.max_response_bytes = max_response_bytes
        """The largest answer body (raw, and after each decoding step) a call reads; a larger one is an error."""
        # Sent with every call and token request; never the token header.
        self.default_headers = checked_headers(default_headers, field="default_headers")
        if isinstance(base_url, str):
            base_url = base_url.rstrip("/") or DEFAULT_BASE_URL
        self.base_url = check_base_url(base_url, "base_url")
        self._provider = as_provider(credentials)
        if token_store is not None:
            require("token_store", token_store, TokenStore, "a TokenStore (MemoryTokenStore, RedisTokenStore, ...)")
        if retry_policy is not None:
            require("retry_policy", retry_policy, RetryPolicy, "a RetryPolicy")
        self._token_store = token_store if token_store is not None else MemoryTokenStore()
        self._refresh_margin = refresh_margin
        policy = retry_policy if retry_policy is not None else RetryPolicy(max_retries=DEFAULT_MAX_RETRIES)
        self._defaults = CallDefaults(timeout=DEFAULT_TIMEOUT, retry=policy).with_overrides(timeout, max_retries)
        # What the httpx client and retry transport are built with; a with_options() copy differs.
        self._client_defaults = self._defaults
        self._overlays = self._overlays_type(_overlays(overlays))
        for overlay in self._overlays.items:
            overlay.bind(self)

    @property
    def timeout(self) -> httpx.Timeout:
        return self._defaults.timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._defaults.retry

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client with other defaults that shares this one's connections, tokens and overlays.

        ``default_headers`` are added to this client's own. Close the original, not the copy:
        they share one connection pool.
        """
        clone = copy.copy(self)
        clone._defaults = self._defaults.with_overrides(timeout, max_retries, default_headers)
        clone.default_headers = {**self.default_headers, **clone._defaults.headers}
        return clone

    def _for_bulk_job(self) -> Self:
        """This client for a bulk job's calls: a throttling answer comes straight back to the job's pace."""
        from attrs import evolve  # here, not at import: attrs loads with the first client, not the SDK

        clone = copy.copy(self)
        clone._defaults = evolve(self._defaults, retry=evolve(self._defaults.retry, retry_throttled=False))
        return clone

    def with_credentials(
        self,
        credentials: TokenProvider | str,
        *,
        token_store: TokenStore | None = None,
        overlays: Iterable[Overlay] = (),
    ) -> Self:
        """A client for another tenant on this one's connection pool and TLS context.

        It has its own credentials, tokens, token store (a new ``MemoryTokenStore`` unless one
        is given) and overlays, and this client's base URL, timeout, retries, refresh margin
        and default headers. Close every client; the pool closes with the last of them.
        """
        make = cast(Any, type(self))
        clone: Self = make(
            credentials,
            base_url=self.base_url,
            timeout=self._client_defaults.timeout,
            retry_policy=self._client_defaults.retry,
            token_store=token_store,
            refresh_margin=self._refresh_margin,
            overlays=overlays,
            transport=self._transport.lease(),
            default_headers=self.default_headers,
            max_response_bytes=self.max_response_bytes,
        )
        return clone

    def overlay(self, kind: type[_O]) -> _O:
        """The overlay of class ``kind`` this client was given, to reach its helpers."""
        return self._overlays.get(kind)

    def _options(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        if self._defaults is not self._client_defaults:  # a with_options() copy: its defaults go with each call
            timeout = self._defaults.timeout if timeout is None else timeout
            max_retries = self._defaults.retry.max_retries if max_retries is None else max_retries
        if timeout is None and max_retries is None and extra_headers is None and extra_query is None:
            return {}  # nothing to override: the hot path does no work
        return self._defaults.options(timeout, max_retries, extra_headers, extra_query)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, credentials={self._provider!r})"


def call_request(http: httpx.Client | httpx.AsyncClient, base_url: str, kwargs: dict[str, Any]) -> httpx.Request:
    """A call's request (a generated ``build_request_kwargs``), as ``http.build_request`` makes it, less
    the merging of a cookie jar the SDK never fills (3 % of a call's instructions: bench.client_instructions)."""
    headers = http.headers
    if "headers" in kwargs:
        headers = httpx.Headers(headers)
        headers.update(kwargs["headers"])
    timeout = kwargs.get("timeout", httpx.USE_CLIENT_DEFAULT)
    timeout = http.timeout if timeout is httpx.USE_CLIENT_DEFAULT else httpx.Timeout(timeout)
    return httpx.Request(
        kwargs["method"],
        httpx.URL(base_url + kwargs["url"]),
        params=kwargs.get("params"),
        headers=headers,
        json=kwargs.get("json"),
        extensions={**kwargs.get("extensions", {}), "timeout": timeout.as_dict()},
    )
