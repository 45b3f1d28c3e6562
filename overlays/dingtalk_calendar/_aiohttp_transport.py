"""The async client's default transport: aiohttp's connection pool behind httpx's API, through httpx-aiohttp.

httpx's own async pool (httpcore) re-scans every connection and every waiting request on
each request and response; aiohttp's pool does not, and is what openai-python and
anthropic-sdk-python ship as ``DefaultAioHttpClient``. The request and response are
converted by ``httpx_aiohttp.AiohttpTransport``; this layer closes what it leaves open:

- exceptions: httpx-aiohttp turns a server that hung up after the request (and a connection
  reset) into ``ConnectTimeout`` (the retry policy would then repeat a create that DingTalk
  may have done), lets some aiohttp errors through untranslated (a refused header is a bare
  ``ValueError``), and attaches no request. Here every failure becomes the httpx exception
  of the phase it happened in.
- stray bytes: aiohttp keeps bytes that arrive on an idle connection and hands them to the
  next request as its answer; such a connection is closed instead.
- timeouts: a pool timeout (``PoolTimeout``: requests wait here for one of
  ``limits.max_connections`` slots) and a write timeout (``WriteTimeout``: aiohttp has none),
  besides aiohttp's connect and read timeouts.
- limits: ``max_keepalive_connections`` (aiohttp keeps every idle connection).
- event loops: aiohttp's objects belong to one loop; a transport used under a second
  ``asyncio.run()`` opens a fresh pool there.
- per-call CPU: no cookie jar; the common request (no proxy, a small body) goes to aiohttp
  straight, its timeouts made once (``send_via``); a streamed or large body, and a proxied
  request, go through httpx-aiohttp's conversion.
"""

import asyncio
import contextlib
import functools
import ssl
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final

import aiohttp
import httpx
from aiohttp.client_proto import ResponseHandler
from httpx_aiohttp import AiohttpTransport as _HttpxAiohttpTransport
from httpx_aiohttp.transport import AiohttpResponseStream

from ._alarms import Alarm, alarms_for
from ._settings import DEFAULT_LIMITS
from ._transports import tls_context

# A body this small goes out in one write that never waits for the socket (aiohttp drains
# only past 64 KiB), so it needs no write watch.
_UNWATCHED_BODY: Final = 64 * 1024
_CHUNK: Final = 64 * 1024
_READ_AT_ONCE: Final = 1024 * 1024
_TIMEOUTS_KEPT: Final = 64


class _ReadWatch(ResponseHandler):
    """aiohttp's protocol for one connection, its read timeout (``sock_read``) kept on the loop's alarms.

    aiohttp cancels its read timer and arms a new one at every chunk received: two timers for
    the smallest answer. Here a chunk only moves the time the read must end by; the one alarm
    armed when the request went out, on ringing, either finds that time passed and fails the
    read as aiohttp does, or is set again for the time left.
    """

    _watch: Alarm | None = None
    _read_by = 0.0

    def _reschedule_timeout(self) -> None:
        timeout = self._read_timeout
        if not timeout:
            self._drop_timeout()
            return
        read_by = self._read_by = self._loop.time() + timeout
        watch = self._watch
        if watch is None or watch.when > read_by:  # later only if the read timeout was made shorter
            if watch is not None:
                watch.cancel()
            self._watch = alarms_for(self._loop).set(timeout, self._check_read)

    def _drop_timeout(self) -> None:
        watch = self._watch
        if watch is not None:
            watch.cancel()
            self._watch = None

    def _check_read(self) -> None:
        now = self._loop.time()
        watch = self._watch
        # An alarm may ring a little before its time (the loop's clock resolution): its own
        # time counts as reached, as aiohttp's timer would have fired.
        if watch is None or self._read_by <= max(now, watch.when):
            self._watch = None
            self._on_read_timeout()
        else:
            self._watch = alarms_for(self._loop).set(self._read_by - now, self._check_read)


def _read_watch(loop: asyncio.AbstractEventLoop) -> ResponseHandler:
    return _ReadWatch(loop)


# The protocol hooks _ReadWatch replaces; with an aiohttp that has other ones, aiohttp's own
# protocol and timers are used instead.
_WATCHABLE: Final = all(
    callable(getattr(ResponseHandler, name, None))
    for name in ("_reschedule_timeout", "_drop_timeout", "_on_read_timeout", "start_timeout")
)


class _Connector(aiohttp.TCPConnector):
    """aiohttp's pool, keeping at most ``max_idle`` idle connections, and none that spoke out of turn."""

    def __init__(self, *, max_idle: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._max_idle = max_idle
        if _WATCHABLE and isinstance(getattr(self, "_factory", None), functools.partial):
            self._factory = functools.partial(_read_watch, loop=self._loop)

    async def _get(self, key: Any, traces: Any) -> Any:
        # aiohttp keeps bytes that arrive on an idle connection and hands them to the next
        # request as its answer (13 wrong answers in 20 calls in our test). A connection with
        # anything buffered, or an error pending, is closed instead of reused.
        while True:
            connection = await super()._get(key, traces)
            if connection is None or (connection.protocol is not None and not connection.protocol.should_close):
                return connection
            connection.close()

    def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
        super()._release(key, protocol, should_close=should_close)
        if self._max_idle is None:
            return
        idle = self._conns  # host -> deque of (protocol, when it became idle)
        while sum(len(waiting) for waiting in idle.values()) > self._max_idle:
            oldest = min((q for q in idle.values() if q), key=lambda q: q[0][1])
            extra, _ = oldest.popleft()
            extra.close()


class _LoopPool:
    """What belongs to one event loop: the aiohttp session, a converter per route, the request slots."""

    def __init__(self, loop: asyncio.AbstractEventLoop, owner: "AsyncAiohttpTransport") -> None:
        self.loop = loop
        limits = owner.limits
        # aiohttp's own limit stays off: the slots below bound requests in flight, so that
        # waiting for one is a pool timeout and not part of the connect timeout.
        keep_none = limits.max_keepalive_connections == 0
        max_idle = limits.max_keepalive_connections
        if max_idle is not None and limits.max_connections is not None and max_idle >= limits.max_connections:
            max_idle = None  # never more idle connections than requests in flight: nothing to trim
        connector = _Connector(
            max_idle=max_idle,
            limit=0,
            ssl=owner.ssl_context,
            force_close=keep_none,
            **({} if keep_none else {"keepalive_timeout": limits.keepalive_expiry}),
        )
        self.session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        self.slots = asyncio.Semaphore(limits.max_connections) if limits.max_connections is not None else None
        self.converters: dict[httpx.Proxy | None, _HttpxAiohttpTransport] = {}
        self._client_timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def client_timeout(self, timeouts: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
        """aiohttp's timeout for httpx's, as httpx-aiohttp maps them; made once per distinct set."""
        key = (timeouts.get("connect"), timeouts.get("read"), timeouts.get("pool"))
        made = self._client_timeouts.get(key)
        if made is None:
            if len(self._client_timeouts) >= _TIMEOUTS_KEPT:  # per-call deadlines make new ones
                self._client_timeouts.clear()
            made = self._client_timeouts[key] = aiohttp.ClientTimeout(
                sock_connect=key[0], sock_read=key[1], connect=key[2]
            )
        return made

    def converter(self, owner: "AsyncAiohttpTransport", proxy: httpx.Proxy | None) -> _HttpxAiohttpTransport:
        converter = self.converters.get(proxy)
        if converter is None:
            converter = _HttpxAiohttpTransport(verify=owner.ssl_context, proxy=proxy, client=self.session)
            self.converters[proxy] = converter
        return converter

    async def acquire(self, timeout: float | None, request: httpx.Request) -> None:
        slots = self.slots
        if slots is None:
            return
        if not slots.locked():  # the common case: a free slot, taken without arming a timer
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

    async def aclose(self) -> None:
        await self.session.close()

    def abandon(self) -> None:
        """Forget a pool whose event loop has ended: its sockets can no longer be closed through it."""
        connector = self.session.connector
        self.session.detach()
        if connector is not None:
            for waiting in connector._conns.values():
                for protocol, _ in waiting:
                    transport = protocol.transport
                    if transport is not None:
                        with contextlib.suppress(Exception):
                            transport.get_extra_info("socket").close()
            connector._conns.clear()
            connector._closed = True


class AsyncAiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx async transport on aiohttp, for ``AsyncCalendarClient(transport=...)``.

    ``verify`` is True (certifi's trust, as httpx has it: one context for the whole process),
    False, or an ``ssl.SSLContext``; ``limits.max_connections`` bounds the
    requests in flight, ``limits.max_keepalive_connections`` the idle connections kept,
    ``limits.keepalive_expiry`` how long one stays idle; ``proxy`` sends every request
    through that HTTP proxy (a CONNECT tunnel for https).
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        proxy: httpx.Proxy | str | None = None,
    ) -> None:
        self.ssl_context = tls_context(verify)
        self.limits = limits
        self.proxy = httpx.Proxy(proxy) if isinstance(proxy, str) else proxy
        self._pool: _LoopPool | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.send_via(request, self.proxy)

    async def send_via(self, request: httpx.Request, proxy: httpx.Proxy | None) -> httpx.Response:
        """Send ``request`` directly (``proxy`` None) or through ``proxy``, on this transport's pool."""
        timeouts = request.extensions.get("timeout") or {}
        pool = self._current_pool()
        await pool.acquire(timeouts.get("pool"), request)
        try:
            if proxy is None and _body_of(request) is None:
                # The common request (no proxy, a small body of bytes) handed to aiohttp as bare
                # aiohttp code would, here rather than in a function of its own: each coroutine
                # between the caller and aiohttp is walked again every time the call resumes.
                # httpx-aiohttp's conversion rebuilds the headers through httpx.Headers.items()
                # and a ClientTimeout on every call; here the raw headers go as they are
                # (repeated ones included) and the timeouts are the pool's cached ClientTimeout.
                with _translated(request):
                    upstream = await pool.session.request(
                        request.method,
                        str(request.url),
                        headers=[
                            (key.decode("latin-1"), value.decode("latin-1")) for key, value in request.headers.raw
                        ],
                        data=request.content or None,
                        allow_redirects=False,
                        auto_decompress=False,
                        timeout=pool.client_timeout(timeouts),
                        server_hostname=request.extensions.get("sni_hostname"),
                    )
                    # A small answer (every DingTalk answer) is read at once, its response made
                    # with the body in it; any other is wrapped in httpx-aiohttp's own stream.
                    read = _read_at_once(upstream)
                    if read:
                        try:
                            body = await upstream.read()
                        finally:
                            upstream.release()
                        response = _response(upstream, request, httpx.ByteStream(body), body)
                    else:
                        response = _response(upstream, request, AiohttpResponseStream(upstream), None)
            else:
                response = await self._send(pool.converter(self, proxy), request, timeouts.get("write"))
                converted = getattr(response.stream, "_aiohttp_response", None)  # httpx-aiohttp's stream
                read = False
                if isinstance(converted, aiohttp.ClientResponse) and _read_at_once(converted):
                    await _read_whole(response, converted, request)
                    read = True
            if read:
                pool.release()
                return response
        except BaseException:
            pool.release()
            raise
        response.stream = _ResponseBody(response.stream, pool, request)
        return response

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    def _current_pool(self) -> _LoopPool:
        loop = asyncio.get_running_loop()
        pool = self._pool
        if pool is None or pool.loop is not loop:
            if pool is not None:
                pool.abandon()
            pool = self._pool = _LoopPool(loop, self)
        return pool

    async def _send(
        self, converter: _HttpxAiohttpTransport, request: httpx.Request, write_timeout: float | None
    ) -> httpx.Response:
        body = _body_of(request)
        if body is None:  # nothing that could wait on a full socket buffer
            with _translated(request):
                return await converter.handle_async_request(request)
        watched = _WatchedBody(body, write_timeout)
        deadline = watched.deadline = asyncio.timeout(None)
        try:
            with _translated(request):
                try:
                    async with deadline:
                        return await converter.handle_async_request(_with_stream(request, watched))
                except TimeoutError:
                    if deadline.expired():
                        raise _WriteTimedOut() from None
                    raise
        finally:
            watched.deadline = None  # an early answer may come while aiohttp still writes the body


def _response(
    upstream: aiohttp.ClientResponse, request: httpx.Request, stream: httpx.AsyncByteStream, body: bytes | None
) -> httpx.Response:
    extensions = {"http_version": b"HTTP/1.1"}
    if upstream.reason:
        extensions["reason_phrase"] = upstream.reason.encode()
    response = httpx.Response(
        upstream.status, headers=upstream.raw_headers, stream=stream, request=request, extensions=extensions
    )
    if body is not None:
        _set_content(response, upstream, body)
    return response


def _read_at_once(upstream: aiohttp.ClientResponse) -> bool:
    """A body of a known, small length (every DingTalk answer) is read before the response is handed back.

    Its connection is then free at once, a failure while reading it is the transport's
    (typed and retried like any other), and httpx has no stream to walk through.
    """
    length = upstream.content_length
    return length is not None and length <= _READ_AT_ONCE


async def _read_whole(response: httpx.Response, upstream: aiohttp.ClientResponse, request: httpx.Request) -> None:
    with _translated(request):
        try:
            body = await upstream.read()
        finally:
            upstream.release()
    response.stream = httpx.ByteStream(body)
    _set_content(response, upstream, body)


def _set_content(response: httpx.Response, upstream: aiohttp.ClientResponse, body: bytes) -> None:
    if upstream.headers.get("content-encoding") is None:
        response._content = body  # what response.read() would make of it, without its decoders
    else:
        response.read()  # gzip and the like, decoded as httpx decodes them


class _WriteTimedOut(Exception):
    pass


def _body_of(request: httpx.Request) -> bytes | httpx.AsyncByteStream | None:
    """The body to watch while it is written, or None when writing it cannot wait."""
    try:
        content = request.content
    except httpx.RequestNotRead:
        stream = request.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        return stream
    return content if len(content) > _UNWATCHED_BODY else None


def _with_stream(request: httpx.Request, stream: httpx.AsyncByteStream) -> httpx.Request:
    """The same request with its body sent from ``stream`` (httpx-aiohttp sends a read body as bytes)."""
    headers = httpx.Headers(request.headers)
    return httpx.Request(request.method, request.url, headers=headers, stream=stream, extensions=request.extensions)


class _WatchedBody(httpx.AsyncByteStream):
    """A request body handed to aiohttp piece by piece, each write given ``timeout`` seconds to finish.

    aiohttp asks for the next piece only once the previous one is written, so the deadline
    is armed while a piece is being written and disarmed while the next one is fetched.
    """

    def __init__(self, body: bytes | httpx.AsyncByteStream, timeout: float | None) -> None:
        self._body = body
        self._timeout = timeout
        self.deadline: asyncio.Timeout | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        async for chunk in self._pieces():
            if self._timeout is not None and self.deadline is not None:
                self.deadline.reschedule(loop.time() + self._timeout)
            yield chunk
            if self.deadline is not None:
                self.deadline.reschedule(None)

    async def _pieces(self) -> AsyncIterator[bytes]:
        if isinstance(self._body, bytes):
            for start in range(0, len(self._body), _CHUNK):
                yield self._body[start : start + _CHUNK]
        else:
            async for chunk in self._body:
                yield chunk


class _ResponseBody(httpx.AsyncByteStream):
    """httpx-aiohttp's response stream, its errors translated; closing it frees the request's slot."""

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, pool: _LoopPool, request: httpx.Request):
        assert isinstance(stream, httpx.AsyncByteStream)
        self._stream = stream
        self._pool: _LoopPool | None = pool
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _translated(self._request):
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        try:
            with _translated(self._request):
                await self._stream.aclose()
        finally:
            if pool is not None:
                pool.release()


class _translated:  # used as a function: ``with _translated(request):``
    """aiohttp's errors, and httpx-aiohttp's translations of them, as the httpx error of the failed phase.

    A class, not ``contextlib.contextmanager``: it is entered three times a call.
    """

    __slots__ = ("request",)

    def __init__(self, request: httpx.Request) -> None:
        self.request = request

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        if error is None:
            return None
        request = self.request
        if isinstance(error, _WriteTimedOut):
            raise httpx.WriteTimeout("the request was not sent within the write timeout", request=request) from error
        if isinstance(error, httpx.TransportError):
            cause = error.__cause__
            if isinstance(cause, aiohttp.ClientError | TimeoutError):
                raise _httpx_error(cause, request) from cause
            if error._request is None:  # httpx-aiohttp raises without one
                error.request = request
            return None
        if isinstance(error, aiohttp.ClientError | TimeoutError):
            raise _httpx_error(error, request) from error
        if isinstance(error, ValueError):  # aiohttp refusing to send it: a header with a newline, ...
            raise httpx.LocalProtocolError(str(error) or type(error).__name__, request=request) from error
        return None


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
