# unasync: the source of _client/client.py (generator/unasync.py); run `make generate` after editing.
"""The AsyncCalendarClient: its connection, token and send plumbing; its methods are generated from the spec."""

from __future__ import annotations

import os
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar, Unpack

import httpx

import dingtalk_calendar_api

from .._call import deprecation as _deprecation
from .._call import prepared as _calls
from .._defaults import DEFAULT_BASE_URL, DEFAULT_LIMITS, DEFAULT_MAX_RESPONSE_BYTES
from .._errors import DingTalkError, error_from_response
from .._extensions import ATTEMPTS_EXTENSION
from .._generated.async_resources import AsyncResources
from .._overlay.async_runner import AsyncOverlays
from .._transport.async_send import send
from .._transport.deadline import CallDeadline
from .base import BaseClient, call_request

if TYPE_CHECKING:  # loaded by the methods that use them: importing the SDK stays cheap
    from .._auth.stores import TokenStore
    from .._auth.token import TokenProvider
    from .._bulk.ledger import StopSignal
    from .._bulk.rate_limit import AsyncRateLimiter
    from .._bulk.result import BulkResult, Progress
    from .._generated.results import Result
    from .._overlay.overlay import Overlay
    from .._retry.policy import RetryPolicy
    from .raw import RawResult

T = TypeVar("T")


class BulkOptions(TypedDict, total=False):
    """The keyword options of ``bulk_subscribe`` and ``bulk_unsubscribe`` (see :func:`dingtalk_calendar.bulk_run`)."""

    concurrency: int
    """Calls under way at once (default 8)."""
    rate_limiter: AsyncRateLimiter | None
    already_done: Iterable[str]
    """Users to skip: an earlier run's ``done`` and ``already_done``."""
    on_progress: Callable[[Progress], object] | None
    stop: StopSignal | None
    time_limit: float | None
    """A throttled user is sent again, at a slower pace, until this many seconds (None: no limit)."""


class AsyncCalendarClient(BaseClient, AsyncResources):
    """DingTalk's subscribed calendars. One connection pool for the client's life.

    The operations of openapi.yaml are its resources' methods (``client.calendars.get(...)``,
    written by ``make generate`` into ``_generated/``); the calendar ones are on the client too
    (``client.get(...)``). ``client.request(...)`` calls any other path.

    ``credentials`` is a token provider (``InternalAppCredentials``,
    ``EnterpriseAppCredentials``, ``UserCredentials``) or a fixed access token string.
    Use it as a context manager (``async with``), or close it: ``await client.aclose()``.
    """

    _overlays_type = AsyncOverlays
    _overlays: AsyncOverlays

    def __init__(
        self,
        credentials: TokenProvider | str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        token_store: TokenStore | None = None,
        refresh_margin: float | None = None,
        overlays: Iterable[Overlay] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
        verify: ssl.SSLContext | bool = True,
        default_headers: Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            token_store=token_store,
            refresh_margin=refresh_margin,
            overlays=overlays,
            default_headers=default_headers,
            max_response_bytes=max_response_bytes,
        )
        # Loaded here rather than with the SDK: importing it stays cheap (tests/test_import_cost.py).
        from .._auth.httpx_auth import DingTalkAuth
        from .._auth.token_manager import TokenManager
        from .._retry.table import AsyncRetryTransport
        from .._transport import default_async_transport
        from .._transport.shared import SharedTransport
        from .settings import check_connection, require, with_user_agent

        check_connection(limits, verify)
        if transport is None:
            transport = default_async_transport(limits=limits, verify=verify)
        require("transport", transport, httpx.AsyncBaseTransport, "an httpx.AsyncBaseTransport")
        self._transport = transport if isinstance(transport, SharedTransport) else SharedTransport(transport)
        # The per-attempt overlay hooks run under the retries, around each sending.
        retrying = AsyncRetryTransport(
            self._overlays.wrap(self._transport),
            policy=self._defaults.retry,
            max_response_bytes=max_response_bytes,
            **self._overlays.retry_options(),
        )
        headers = with_user_agent(self.default_headers)
        self.tokens = TokenManager(
            self._provider,
            store=self._token_store,
            base_url=self.base_url,
            async_transport=retrying,
            timeout=self.timeout,
            headers=headers,  # token requests say who is asking as the calls do, through any proxy
            max_elapsed=self._defaults.retry.max_elapsed,
            **self._margin(),
        )
        """The client's token manager; ``client.tokens.invalidate(token)`` replaces a token DingTalk refused."""
        self._api = dingtalk_calendar_api.Client(base_url=self.base_url, timeout=self.timeout)
        # The generated client sends through this httpx client; the SDK's calls through its auth
        # flow and transport, the two interfaces httpx's send would use (see _transport.async_send).
        self._retrying = retrying
        self._auth = DingTalkAuth(self.tokens)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeout,
            transport=retrying,
            auth=self._auth,
            headers=headers,
        )
        self._api.set_async_httpx_client(self._http)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Self:
        """A client configured by ``DINGTALK_*`` variables (see :mod:`.env`); ``overrides`` win."""
        from .env import settings_from_env

        return cls(**{**settings_from_env(environ), **overrides})

    def _margin(self) -> dict[str, Any]:
        return {} if self._refresh_margin is None else {"refresh_margin": self._refresh_margin}

    # -- any other endpoint ---------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResult:
        """Call any DingTalk ``path`` (``"/v1.0/..."``) with this client's token, retries, errors and overlays.

        Returns the parsed JSON and the raw answer; a non-2xx answer raises the typed error.
        Path segments are sent as given: percent-encode ids yourself (``quote(id, safe="")``).
        """
        from . import raw as _raw  # loaded by the first raw call: importing the SDK stays cheap

        options = self._options(timeout, max_retries, headers, params)
        return await self._run(_raw.call(method, path, json=json, options=options))

    # -- bulk ----------------------------------------------------------------------------

    async def bulk_subscribe(
        self,
        calendar_id: str,
        user_ids: Iterable[str],
        *,
        per_minute_retries: int | None = None,
        **options: Unpack[BulkOptions],
    ) -> BulkResult:
        """Subscribe many users to one calendar; see :func:`dingtalk_calendar.bulk_run` and ``BulkOptions``.

        A per-minute refusal pauses the job for the retry policy's ``per_minute_wait`` (or the
        answer's Retry-After), then retries that user, up to ``per_minute_retries`` times (default 2).
        A throttled user is sent again, at a slower pace, until ``time_limit`` seconds (None: no limit).
        """
        return await self._bulk(self._for_bulk_job().subscribe, calendar_id, user_ids, per_minute_retries, options)

    async def bulk_unsubscribe(
        self,
        calendar_id: str,
        user_ids: Iterable[str],
        *,
        per_minute_retries: int | None = None,
        **options: Unpack[BulkOptions],
    ) -> BulkResult:
        """Unsubscribe many users from one calendar; as :meth:`bulk_subscribe`."""
        return await self._bulk(self._for_bulk_job().unsubscribe, calendar_id, user_ids, per_minute_retries, options)

    async def _bulk(
        self,
        call: Callable[[str, str], Awaitable[Result]],
        calendar_id: str,
        user_ids: Iterable[str],
        retries: int | None,
        options: BulkOptions,
    ) -> BulkResult:
        from .._bulk.async_run import abulk_run
        from .._bulk.user_call import PER_MINUTE_RETRIES

        return await abulk_run(
            call,
            calendar_id,
            user_ids,
            **options,
            per_minute_retries=PER_MINUTE_RETRIES if retries is None else retries,
            per_minute_wait=self._defaults.retry.per_minute_wait,
        )

    # -- plumbing ------------------------------------------------------------------------

    async def _run(self, call: _calls.Call[T]) -> T:
        if call.operation in _deprecation.WATCHED:
            _deprecation.warn(call.operation, call.request_kwargs.get("json"), stacklevel=3)
        request = call_request(self._http, self.base_url, call.request_kwargs)
        overlays = self._overlays
        limit = self._defaults.retry.max_elapsed  # one limit for the whole call: any token fetch and resend too
        if not overlays.per_call:  # no hook to run: the calls into them are skipped
            with CallDeadline(limit, call.operation):
                response = await send(self._retrying, self._auth, request)
            if response.is_success:
                return call.finish(response, self._api)
            raise _status_error(call, response)
        async with overlays.call(request):
            await overlays.request(request)
            try:
                with CallDeadline(limit, call.operation):
                    response = await send(self._retrying, self._auth, request)
            except DingTalkError as error:  # the retry transport's connection and timeout errors
                await overlays.error(error)
                raise
            if response.is_success:
                await overlays.response(response)
                return call.finish(response, self._api)
            status_error = _status_error(call, response)
            await overlays.error(status_error)
            raise status_error

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _status_error(call: _calls.Call[Any], response: httpx.Response) -> DingTalkError:
    return error_from_response(
        response, operation=call.operation, attempts=response.extensions.get(ATTEMPTS_EXTENSION, 1)
    )
