"""The async client's default transport: an HTTP/1.1 keep-alive pool on asyncio streams, parsed by h11.

Why not httpx's own async transport (httpcore's pool): under concurrency it re-scans every
connection and every waiting request on each request and each response, asking each idle
connection through anyio whether it is still readable, and its locks and events look for
``sniffio`` on every use (a failing import, searching sys.path, when it is not installed).
At 100 concurrent calls against the local emulator that held the client to about 150
calls/s, against about 1,600 with this pool (``make bench`` measures both). This pool does
only what the SDK needs, in constant time per request: HTTP/1.1, TLS, keep-alive, the
client's limits and every httpx timeout (connect, read, write, pool).

No proxies: a client that needs one passes ``transport=httpx.AsyncHTTPTransport(proxy=...)``.
(httpx reads the proxy environment variables only for a client given no transport, and the
SDK's clients always give one, so neither this pool nor httpx's would see them.)
"""

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from typing import Final

import h11
import httpx

from ._settings import DEFAULT_LIMITS

READ_SIZE: Final = 64 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

Origin = tuple[str, str, int]
"""Scheme, host and port: connections are reused only for the origin they were opened to."""


class _Connection:
    """One open connection and its HTTP/1.1 state."""

    __slots__ = ("idle_since", "parser", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.parser = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def reusable(self, now: float, expiry: float | None) -> bool:
        """False once the server closed it, or it sat idle past the keep-alive expiry."""
        if self.reader.at_eof() or self.writer.is_closing():
            return False
        return expiry is None or now - self.idle_since < expiry

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # its event loop is already closed
            self.writer.close()


class _Pool:
    """The connections of one event loop: idle ones by origin, and a slot per request in flight."""

    def __init__(self, loop: asyncio.AbstractEventLoop, max_connections: int | None) -> None:
        self.loop = loop
        self.slots = asyncio.Semaphore(max_connections) if max_connections is not None else None
        self.idle: dict[Origin, list[_Connection]] = {}
        self.idle_count = 0

    def take_idle(self, origin: Origin, expiry: float | None) -> _Connection | None:
        """The most recently used idle connection to ``origin`` that may still be used."""
        idle = self.idle.get(origin)
        now = self.loop.time()
        while idle:
            connection = idle.pop()
            self.idle_count -= 1
            if connection.reusable(now, expiry):
                return connection
            connection.close()
        return None

    def close_all(self) -> None:
        for connections in self.idle.values():
            for connection in connections:
                connection.close()
        self.idle.clear()
        self.idle_count = 0


class AsyncKeepAliveTransport(httpx.AsyncBaseTransport):
    """An httpx async transport keeping HTTP/1.1 connections alive, for ``AsyncCalendarClient(transport=...)``.

    ``verify`` is True (the system's and certifi's trust, as httpx has it), False, or an
    ``ssl.SSLContext``; ``limits.max_connections`` bounds the requests in flight (and so the
    connections open to one host), ``limits.max_keepalive_connections`` the idle ones kept,
    ``limits.keepalive_expiry`` how long one stays idle before it is closed.
    """

    def __init__(
        self, *, verify: ssl.SSLContext | bool = True, limits: httpx.Limits = DEFAULT_LIMITS, trust_env: bool = True
    ) -> None:
        self._verify = verify
        self._trust_env = trust_env
        self._ssl_context: ssl.SSLContext | None = verify if isinstance(verify, ssl.SSLContext) else None
        self._max_connections = limits.max_connections
        self._max_idle = limits.max_keepalive_connections  # None: no bound
        self._keepalive_expiry = limits.keepalive_expiry
        self._pool: _Pool | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        pool = self._current_pool()
        if pool.slots is not None:
            await _acquire(pool.slots, timeouts.get("pool"), request)
        try:
            origin = _origin(request.url)
            connection = pool.take_idle(origin, self._keepalive_expiry) or await self._connect(
                origin, timeouts.get("connect"), request
            )
        except BaseException:
            self._release_slot(pool)
            raise
        try:
            await _send(connection, request, timeouts.get("write"))
            head = await _receive_head(connection, timeouts.get("read"), request)
        except BaseException:
            connection.close()
            self._release_slot(pool)
            raise
        return httpx.Response(
            head.status_code,
            headers=head.headers.raw_items(),  # the server's own spelling of the names
            stream=_ResponseBody(self, pool, origin, connection, timeouts.get("read"), request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
        )

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.close_all()
            self._pool = None

    def _current_pool(self) -> _Pool:
        # asyncio objects belong to one event loop: a client used under a second asyncio.run()
        # starts a fresh pool instead of failing on the first loop's semaphore and connections.
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.loop is not loop:
            if self._pool is not None:
                self._pool.close_all()
            self._pool = _Pool(loop, self._max_connections)
        return self._pool

    async def _connect(self, origin: Origin, timeout: float | None, request: httpx.Request) -> _Connection:
        scheme, host, port = origin
        context = self._tls_context() if scheme == "https" else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host if context is not None else None, limit=READ_SIZE
                )
        except TimeoutError as error:
            raise httpx.ConnectTimeout(f"no connection to {host}:{port} within {timeout} s", request=request) from error
        except OSError as error:  # refused, unreachable, DNS, and TLS failures (ssl.SSLError)
            raise httpx.ConnectError(f"cannot connect to {host}:{port}: {error}", request=request) from error
        return _Connection(reader, writer)

    def _tls_context(self) -> ssl.SSLContext:
        # Made once, on the first https request: loading the trusted certificates takes tens of ms.
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context(verify=self._verify, trust_env=self._trust_env)
        return self._ssl_context

    def _release(self, pool: _Pool, origin: Origin, connection: _Connection, complete: bool) -> None:
        """After a response: keep its connection for the next request if it may be reused, else close it."""
        parser = connection.parser
        keep = complete and parser.our_state is h11.DONE and parser.their_state is h11.DONE
        # Bytes past the end of the answer would be read as the next request's answer.
        keep = keep and not parser.trailing_data[0]
        room = self._max_idle is None or pool.idle_count < self._max_idle
        if keep and room and pool is self._pool:
            parser.start_next_cycle()
            connection.idle_since = pool.loop.time()
            pool.idle.setdefault(origin, []).append(connection)
            pool.idle_count += 1
        else:
            connection.close()
        self._release_slot(pool)

    @staticmethod
    def _release_slot(pool: _Pool) -> None:
        if pool.slots is not None:
            pool.slots.release()


class _ResponseBody(httpx.AsyncByteStream):
    """A response's body, read from its connection as httpx asks; closing it frees the connection."""

    def __init__(
        self,
        transport: AsyncKeepAliveTransport,
        pool: _Pool,
        origin: Origin,
        connection: _Connection,
        read_timeout: float | None,
        request: httpx.Request,
    ) -> None:
        self._transport = transport
        self._pool = pool
        self._origin = origin
        self._connection: _Connection | None = connection
        self._read_timeout = read_timeout
        self._request = request
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        try:
            while True:
                event = await _next_event(connection, self._read_timeout, self._request)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    self._complete = True
                    return
                else:
                    raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in a response body")
        except BaseException:
            self._finish()  # a half-read connection can't be reused
            raise

    async def aclose(self) -> None:
        self._finish()

    def _finish(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._transport._release(self._pool, self._origin, connection, self._complete)


def _origin(url: httpx.URL) -> Origin:
    scheme = url.scheme
    if scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}: http or https only")
    return scheme, url.host, url.port or _DEFAULT_PORTS[scheme]


async def _acquire(slots: asyncio.Semaphore, timeout: float | None, request: httpx.Request) -> None:
    if not slots.locked():  # the common case: a free slot, taken without arming a timer
        await slots.acquire()
        return
    try:
        async with asyncio.timeout(timeout):
            await slots.acquire()
    except TimeoutError as error:
        raise httpx.PoolTimeout(f"no free connection within {timeout} s", request=request) from error


async def _send(connection: _Connection, request: httpx.Request, timeout: float | None) -> None:
    parser, writer, body = connection.parser, connection.writer, request.stream
    if not isinstance(body, httpx.AsyncByteStream):
        raise RuntimeError("a request with a sync body was given to an async transport")
    try:
        target = request.url.raw_path
        data = parser.send(h11.Request(method=request.method, target=target, headers=request.headers.raw)) or b""
        async for chunk in body:
            if chunk:
                data += parser.send(h11.Data(data=chunk)) or b""
                if len(data) >= READ_SIZE:
                    await _write(writer, data, timeout, request)
                    data = b""
        data += parser.send(h11.EndOfMessage()) or b""
    except h11.LocalProtocolError as error:
        raise httpx.LocalProtocolError(str(error), request=request) from error
    await _write(writer, data, timeout, request)


async def _write(writer: asyncio.StreamWriter, data: bytes, timeout: float | None, request: httpx.Request) -> None:
    try:
        writer.write(data)
        if writer.transport.get_write_buffer_size():  # only a full socket buffer makes us wait
            async with asyncio.timeout(timeout):
                await writer.drain()
    except TimeoutError as error:
        raise httpx.WriteTimeout(f"the request was not sent within {timeout} s", request=request) from error
    except OSError as error:
        raise httpx.WriteError(str(error) or type(error).__name__, request=request) from error


async def _receive_head(connection: _Connection, timeout: float | None, request: httpx.Request) -> h11.Response:
    while True:
        event = await _next_event(connection, timeout, request)
        if isinstance(event, h11.Response):
            return event
        if not isinstance(event, h11.InformationalResponse):  # 1xx: wait for the real answer
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


async def _next_event(connection: _Connection, timeout: float | None, request: httpx.Request) -> h11.Event:
    parser = connection.parser
    try:
        while (event := parser.next_event()) is h11.NEED_DATA:
            data = await _read(connection.reader, timeout, request)
            if not data and parser.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
            parser.receive_data(data)
    except h11.RemoteProtocolError as error:
        raise httpx.RemoteProtocolError(str(error), request=request) from error
    assert not isinstance(event, type)  # h11.PAUSED: only after a message, which we never read past
    return event


async def _read(reader: asyncio.StreamReader, timeout: float | None, request: httpx.Request) -> bytes:
    try:
        async with asyncio.timeout(timeout):
            return await reader.read(READ_SIZE)
    except TimeoutError as error:
        raise httpx.ReadTimeout(f"no answer within {timeout} s", request=request) from error
    except OSError as error:
        raise httpx.ReadError(str(error) or type(error).__name__, request=request) from error
