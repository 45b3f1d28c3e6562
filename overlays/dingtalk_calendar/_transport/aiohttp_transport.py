"""The async client's default transport: aiohttp's pool behind httpx's API, through an unmodified httpx-aiohttp.

What this layer adds to ``httpx_aiohttp.AiohttpTransport`` (docs/transport.md says why): each
error as the httpx error of its phase, with the request on it; a pool timeout and a write
timeout; one pool per event loop and per process; the pool hooks of :mod:`._compat`.
"""

import asyncio
import os
import ssl
from collections.abc import AsyncIterator
from typing import Final

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from .._defaults import DEFAULT_LIMITS
from .._errors import APIConnectionError
from ._compat import GuardedConnector
from .proxies import ProxyRoutes
from .tls import tls_context

# A body this small goes out in one write that never waits for the socket (aiohttp drains
# only past 64 KiB): there is nothing for a write timeout to time.
_UNTIMED_BODY: Final = 64 * 1024


class _LoopPool:
    """What belongs to one event loop: the aiohttp session, an adapter per proxy, the request slots."""

    def __init__(self, loop: asyncio.AbstractEventLoop, owner: "AsyncAiohttpTransport") -> None:
        self.loop = loop
        self.pid = os.getpid()
        limits = owner.limits
        keep_none = limits.max_keepalive_connections == 0
        max_idle = limits.max_keepalive_connections
        if max_idle is not None and limits.max_connections is not None and max_idle >= limits.max_connections:
            max_idle = None  # never more idle connections than requests in flight: nothing to trim
        # aiohttp's own limit stays off: the slots below bound the requests in flight, so that
        # waiting for one is a pool timeout and not part of the connect timeout.
        connector = GuardedConnector(
            max_idle=max_idle,
            limit=0,
            ssl=owner.ssl_context,
            force_close=keep_none,
            **({} if keep_none else {"keepalive_timeout": limits.keepalive_expiry}),
        )
        # httpx names the content type of every body it encodes; aiohttp would add its own
        # "application/octet-stream" to a bodiless POST, which the sync client does not send.
        self.session = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), skip_auto_headers=("Content-Type",)
        )
        self.slots = asyncio.Semaphore(limits.max_connections) if limits.max_connections is not None else None
        self.adapters: dict[httpx.Proxy | None, AiohttpTransport] = {}
        self._ssl_context = owner.ssl_context

    def adapter(self, proxy: httpx.Proxy | None) -> AiohttpTransport:
        adapter = self.adapters.get(proxy)
        if adapter is None:
            adapter = AiohttpTransport(verify=self._ssl_context, proxy=proxy, client=self.session)
            self.adapters[proxy] = adapter
        return adapter

    async def acquire(self, timeout: float | None, request: httpx.Request) -> None:
        slots = self.slots
        if slots is None:
            return
        if not slots.locked():  # a free slot is taken at once: no wait to time
            await slots.acquire()
            return
        try:
            async with asyncio.timeout(timeout):
                await slots.acquire()
        except TimeoutError as error:
            raise httpx.PoolTimeout(f"no free connection within {timeout} s", request=request) from error

    def release(self) -> None:
        if self.slots is not None:
            self.slots.release()


class AsyncAiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx async transport on aiohttp, for ``AsyncCalendarClient(transport=...)``.

    ``verify``: True (one certifi context a process), False, or an ``ssl.SSLContext``;
    ``limits`` as httpx's; ``routes``: the proxy per URL (the default client's: the environment's).
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        routes: ProxyRoutes | None = None,
    ) -> None:
        self.ssl_context = tls_context(verify)
        self.limits = limits
        self._routes = routes
        self._pool: _LoopPool | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._current_pool()
        proxy = None if self._routes is None else self._routes.proxy_for(request.url)
        timeouts = request.extensions.get("timeout") or {}
        await pool.acquire(timeouts.get("pool"), request)
        try:
            write_timeout = timeouts.get("write")
            if write_timeout is None or _small_body(request):
                response = await pool.adapter(proxy).handle_async_request(request)
            else:
                response = await _send_timed(pool.adapter(proxy), request, write_timeout)
        except BaseException as error:
            pool.release()
            _raise_translated(error, request)
            raise
        response.stream = _ResponseBody(response.stream, pool, request)
        return response

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None and pool.loop is asyncio.get_running_loop():
            await pool.session.close()
        elif pool is not None:  # made in a loop that has ended: nothing can run its closing any more
            pool.session.detach()

    def _current_pool(self) -> _LoopPool:
        loop = asyncio.get_running_loop()
        pool = self._pool
        if pool is not None and pool.pid == os.getpid():
            if pool.loop is loop:
                return pool
            if not pool.loop.is_closed():
                raise APIConnectionError(
                    "this async client is in use by another event loop that is still open; an async client "
                    "belongs to one event loop at a time: make one client per loop (or per thread)"
                )
        # The first call, a loop after the previous one closed, or a forked child: a fresh pool.
        # The old one's session is let go unclosed (its loop cannot run it any more).
        if pool is not None:
            pool.session.detach()
        pool = self._pool = _LoopPool(loop, self)
        return pool


def _small_body(request: httpx.Request) -> bool:
    try:
        return len(request.content) <= _UNTIMED_BODY
    except httpx.RequestNotRead:  # a stream, of unknown length
        return False


async def _send_timed(adapter: AiohttpTransport, request: httpx.Request, timeout: float) -> httpx.Response:
    """Send ``request`` with each piece of its body written within ``timeout``, else a ``WriteTimeout``.

    A body in memory is one piece, as httpx's own async transport times it.
    """
    loop = asyncio.get_running_loop()
    scope = asyncio.timeout(None)
    writing = False

    async def timed_pieces() -> AsyncIterator[bytes]:
        nonlocal writing
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for piece in request.stream:
            writing = True
            scope.reschedule(loop.time() + timeout)
            yield piece
        writing = False
        scope.reschedule(None)

    timed = httpx.Request(
        request.method, request.url, headers=request.headers, content=timed_pieces(), extensions=request.extensions
    )
    try:
        async with scope:
            return await adapter.handle_async_request(timed)
    except TimeoutError:
        if scope.expired() and writing:
            raise httpx.WriteTimeout("the request was not sent within the write timeout", request=request) from None
        raise


class _ResponseBody(httpx.AsyncByteStream):
    """httpx-aiohttp's response stream, its errors translated; closing it frees the request's slot."""

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, pool: _LoopPool, request: httpx.Request):
        assert isinstance(stream, httpx.AsyncByteStream)
        self._stream, self._chunks = stream, aiter(stream)
        self._pool: _LoopPool | None = pool
        self._request = request

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await anext(self._chunks)
        except Exception as error:
            _raise_translated(error, self._request)
            raise

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        try:
            await self._stream.aclose()
        except Exception as error:
            _raise_translated(error, self._request)
            raise
        finally:
            if pool is not None:
                pool.release()


def _raise_translated(error: BaseException, request: httpx.Request) -> None:
    """aiohttp's errors, and httpx-aiohttp's translations of them, raised as the httpx error of the failed
    phase; any other returns, for the caller to re-raise (raising it here would tie it to this frame: a cycle)."""
    if isinstance(error, httpx.TransportError):
        cause = error.__cause__
        if isinstance(cause, aiohttp.ClientError | TimeoutError):
            raise _httpx_error(cause, request) from cause
        try:
            error.request  # noqa: B018 - raises when httpx-aiohttp left it unset
        except RuntimeError:
            error.request = request
    elif isinstance(error, aiohttp.ClientError | TimeoutError):
        raise _httpx_error(error, request) from error
    elif isinstance(error, ValueError):  # aiohttp refusing to send it: a header with a newline, ...
        raise httpx.LocalProtocolError(str(error) or type(error).__name__, request=request) from error


def _httpx_error(error: BaseException, request: httpx.Request) -> httpx.TransportError:
    message = str(error) or type(error).__name__
    kind: type[httpx.TransportError]
    if isinstance(error, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        kind = httpx.ProxyError
    elif isinstance(error, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout  # connecting (DNS, TCP, TLS) took too long: nothing was sent
    elif isinstance(error, TimeoutError):
        kind = httpx.ReadTimeout  # aiohttp's sock_read: the request went, no answer came in time
    elif isinstance(error, aiohttp.ClientConnectorError | aiohttp.ServerFingerprintMismatch):
        kind = httpx.ConnectError
    elif isinstance(error, aiohttp.NonHttpUrlClientError | aiohttp.InvalidUrlClientError):
        kind = httpx.UnsupportedProtocol
    elif isinstance(error, aiohttp.InvalidURL):
        kind = httpx.LocalProtocolError
    elif isinstance(error, aiohttp.ServerDisconnectedError):
        kind, message = httpx.RemoteProtocolError, "Server disconnected without sending a response."
    elif isinstance(error, aiohttp.ClientOSError):
        kind = httpx.WriteError if "write" in message.lower() else httpx.ReadError
    elif isinstance(error, aiohttp.ClientConnectionError) and "send" in message.lower():
        kind = httpx.WriteError
    else:  # a malformed or truncated answer (ClientResponseError, ClientPayloadError, ...)
        kind = httpx.RemoteProtocolError
    return kind(message, request=request)
