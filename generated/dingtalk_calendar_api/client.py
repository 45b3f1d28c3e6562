import ssl
from collections.abc import Generator
from typing import Any, Self

import httpx
from attrs import define, evolve, field

from .spec_data import ACCESS_TOKEN_HEADER


@define
class Client:
    """A connection to the API, without a token (for the oauth2 endpoints, or with ``auth``).
    Keyword arguments used to build the httpx clients, once, on first use:

        ``base_url``: the API's base URL (DingTalk's is https://api.dingtalk.io).

        ``cookies``, ``headers``: sent with every request.

        ``timeout``: the default timeout of every request (httpx raises
        httpx.TimeoutException past it); each operation also takes a per-call ``timeout``.

        ``verify_ssl``: whether to verify the server's TLS certificate.

        ``follow_redirects``: whether to follow redirects (default False).

        ``auth``: an httpx.Auth applied to every request.

        ``httpx_args``: more arguments for ``httpx.Client`` and ``httpx.AsyncClient``
        (``transport``, ``event_hooks``, ``limits``, ...).

    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    """Raise errors.UnexpectedStatus when the API answers a status the spec does not document."""
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=False)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)
    _timeout: httpx.Timeout | None = field(default=None, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _auth: httpx.Auth | None = field(default=None, kw_only=True, alias="auth", repr=False)
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A copy of this client that also sends ``headers``; this client is left as it was."""
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A copy of this client that also sends ``cookies``; this client is left as it was."""
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A copy of this client with another default timeout; this client is left as it was."""
        return evolve(self, timeout=timeout)

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            "auth": self._auth,
            **self._httpx_args,
        }

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use ``client`` for sync calls; it replaces every other setting of this object."""
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client for sync calls, built on first use and reused after."""
        if self._client is None:
            self._client = httpx.Client(**self._client_kwargs())
        return self._client

    def __enter__(self) -> Self:
        """Enter the httpx.Client's context (you cannot enter twice, see httpx's docs)."""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Close the httpx.Client."""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use ``async_client`` for async calls; it replaces every other setting of this object."""
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient for async calls, built on first use and reused after."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._client_kwargs())
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter the httpx.AsyncClient's context (you cannot enter twice, see httpx's docs)."""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Close the httpx.AsyncClient."""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


class _LiveTokenAuth(httpx.Auth):
    """Adds the owner's current token to each request, so a changed token takes effect."""

    def __init__(self, owner: "AuthenticatedClient") -> None:
        self._owner = owner

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        owner = self._owner
        request.headers[owner.auth_header_name] = f"{owner.prefix} {owner.token}" if owner.prefix else owner.token
        yield request


@define
class AuthenticatedClient:
    """A connection to the API that sends ``token`` in DingTalk's access-token header.

    Assigning a new ``token`` takes effect on the next request. For a token that refreshes
    itself, pass the overlays' auth to ``Client(auth=...)`` instead.
    Keyword arguments used to build the httpx clients, once, on first use:

        ``base_url``: the API's base URL (DingTalk's is https://api.dingtalk.io).

        ``cookies``, ``headers``: sent with every request.

        ``timeout``: the default timeout of every request (httpx raises
        httpx.TimeoutException past it); each operation also takes a per-call ``timeout``.

        ``verify_ssl``: whether to verify the server's TLS certificate.

        ``follow_redirects``: whether to follow redirects (default False).

        ``auth``: an httpx.Auth applied to every request.

        ``httpx_args``: more arguments for ``httpx.Client`` and ``httpx.AsyncClient``
        (``transport``, ``event_hooks``, ``limits``, ...).

    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    """Raise errors.UnexpectedStatus when the API answers a status the spec does not document."""
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=False)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)
    _timeout: httpx.Timeout | None = field(default=None, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _auth: httpx.Auth | None = field(default=None, kw_only=True, alias="auth", repr=False)
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    token: str = field(kw_only=True, repr=False)
    """The access token; never shown in repr."""
    prefix: str = field(default="", kw_only=True)
    """A prefix put before the token with a space; DingTalk wants none."""
    auth_header_name: str = field(default=ACCESS_TOKEN_HEADER, kw_only=True)
    """The header that carries the token."""

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A copy of this client that also sends ``headers``; this client is left as it was."""
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A copy of this client that also sends ``cookies``; this client is left as it was."""
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A copy of this client with another default timeout; this client is left as it was."""
        return evolve(self, timeout=timeout)

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            "auth": self._auth if self._auth is not None else _LiveTokenAuth(self),
            **self._httpx_args,
        }

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use ``client`` for sync calls; it replaces every other setting of this object."""
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client for sync calls, built on first use and reused after."""
        if self._client is None:
            self._client = httpx.Client(**self._client_kwargs())
        return self._client

    def __enter__(self) -> Self:
        """Enter the httpx.Client's context (you cannot enter twice, see httpx's docs)."""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Close the httpx.Client."""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use ``async_client`` for async calls; it replaces every other setting of this object."""
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient for async calls, built on first use and reused after."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._client_kwargs())
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter the httpx.AsyncClient's context (you cannot enter twice, see httpx's docs)."""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Close the httpx.AsyncClient."""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)
