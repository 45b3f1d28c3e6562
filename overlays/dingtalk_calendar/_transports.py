"""How the clients reach the network: their default transports, one TLS context, proxies, pools shared by tenants.

- TLS: ``verify=True`` makes one ``ssl.SSLContext`` for the whole process (loading the trusted
  certificates costs tens of ms and most of a megabyte), shared by every client and connection.
- Proxies: the environment's ``HTTPS_PROXY``/``NO_PROXY`` and the like, as httpx reads them
  (see :mod:`._proxies`), on both clients.
- Sharing: a client's transport is held through a :class:`SharedTransport` lease; a client made
  with ``with_credentials`` takes another lease on the same pool, and the pool closes with the
  last lease.
- Time limit (sync): the default transport's sockets cut every read and write to the time
  left on the running call's limit (see :mod:`._deadline`), so a head that trickles a byte at
  a time ends at the limit rather than at the per-read timeout that each byte restarts.
- Per call: the httpx clients skip cookies (DingTalk sets none the SDK would send back).
"""

import re
import ssl
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import httpcore
import httpx

from ._deadline import time_left
from ._proxies import ProxyRoutes, environment_routes

_default_context: ssl.SSLContext | None = None
_default_context_lock = threading.Lock()


def tls_context(verify: ssl.SSLContext | bool) -> ssl.SSLContext:
    """The SSL context for ``verify``; ``True`` gives the process's one default context."""
    global _default_context
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is not True:
        return httpx.create_ssl_context(verify=verify)
    with _default_context_lock:
        if _default_context is None:
            _default_context = httpx.create_ssl_context(verify=True)
        return _default_context


# -- sync ---------------------------------------------------------------------------------


def sync_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.BaseTransport:
    """httpx's own transport, through the environment's proxy where it names one."""
    context = tls_context(verify)
    direct = _deadline_aware(httpx.HTTPTransport(limits=limits, verify=context))
    routes = environment_routes()
    if routes is None:
        return direct
    proxied = {
        proxy: _deadline_aware(httpx.HTTPTransport(limits=limits, verify=context, proxy=proxy))
        for proxy in routes.proxies
    }
    return _SyncRouter(routes, direct, proxied)


def _deadline_aware(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """``transport`` with its pool's sockets bounded by the call's time limit.

    httpx builds the httpcore pool (direct, HTTP or SOCKS proxy) from its own arguments and
    takes no network backend; its pool keeps the one it connects with, wrapped here, so the
    proxy, TLS and limits settings stay exactly httpx's.
    """
    pool = transport._pool
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.NetworkBackend):  # a changed httpcore: fail loudly, not unbounded
        raise RuntimeError(f"httpcore's {type(pool).__name__} has no network backend to bound")
    pool._network_backend = DeadlineBackend(backend)
    return transport


_EXPIRED = "the call's time limit was reached"


def _clamped(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time left on the call's limit; raises ``expired`` once it has passed."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0.0:  # a socket timeout of 0 would make it non-blocking: fail as a timeout instead
        raise expired(_EXPIRED)
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read and write waits no longer than the call's time limit allows."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _clamped(timeout, httpcore.ConnectTimeout))
        return DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """``backend``, its connections and their streams bounded by the call's time limit."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _clamped(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(path, _clamped(timeout, httpcore.ConnectTimeout), socket_options)
        return DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _SyncRouter(httpx.BaseTransport):
    def __init__(
        self, routes: ProxyRoutes, direct: httpx.BaseTransport, proxied: Mapping[httpx.Proxy, httpx.BaseTransport]
    ) -> None:
        self._routes = routes
        self._direct = direct
        self._proxied = proxied

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = self._routes.proxy_for(request.url)
        transport = self._direct if proxy is None else self._proxied[proxy]
        return transport.handle_request(request)

    def close(self) -> None:
        self._direct.close()
        for transport in self._proxied.values():
            transport.close()


# -- async --------------------------------------------------------------------------------


def async_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.AsyncBaseTransport:
    """aiohttp's pool (see :mod:`._aiohttp_transport`), one for direct and proxied requests alike."""
    from ._aiohttp_transport import AsyncAiohttpTransport  # imports aiohttp: only on the async path

    transport = AsyncAiohttpTransport(limits=limits, verify=tls_context(verify))
    routes = environment_routes()
    return transport if routes is None else _AsyncRouter(routes, transport)


class _AsyncRouter(httpx.AsyncBaseTransport):
    def __init__(self, routes: ProxyRoutes, transport: Any) -> None:
        self._routes = routes
        self._transport = transport  # an AsyncAiohttpTransport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = await self._transport.send_via(request, self._routes.proxy_for(request.url))
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()


# -- sharing ------------------------------------------------------------------------------


class _Leases:
    def __init__(self) -> None:
        self.open = 0
        self.lock = threading.Lock()


class SharedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A lease on a transport several clients share; closing the last lease closes the transport.

    It serves a sync or an async transport, whichever it was given.
    """

    def __init__(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport, leases: _Leases | None = None):
        self.transport = transport
        self._leases = leases if leases is not None else _Leases()
        with self._leases.lock:
            self._leases.open += 1
        self._closed = False
        # Each request goes to the shared transport's own method: no frame of ours in between.
        if isinstance(transport, httpx.AsyncBaseTransport):
            self.handle_async_request = transport.handle_async_request  # type: ignore[method-assign]
        if isinstance(transport, httpx.BaseTransport):
            self.handle_request = transport.handle_request  # type: ignore[method-assign]

    def lease(self) -> "SharedTransport":
        """Another lease on the same transport, for another client."""
        if self._closed:
            raise RuntimeError("this client is closed: its connection pool can no longer be shared")
        return SharedTransport(self.transport, self._leases)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self.transport, httpx.BaseTransport)
        return self.transport.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self.transport, httpx.AsyncBaseTransport)
        return await self.transport.handle_async_request(request)

    def _last(self) -> bool:
        with self._leases.lock:
            if self._closed:
                return False
            self._closed = True
            self._leases.open -= 1
            return self._leases.open == 0

    def close(self) -> None:
        if self._last():
            assert isinstance(self.transport, httpx.BaseTransport)
            self.transport.close()

    async def aclose(self) -> None:
        if self._last():
            assert isinstance(self.transport, httpx.AsyncBaseTransport)
            await self.transport.aclose()


# -- URLs -------------------------------------------------------------------------------

# What a generated operation's path is made of: already percent-encoded, ASCII, nothing that
# httpx's parser would change (no spaces, no fragment, no dot segments: ``path_segment``
# encodes those).
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9\-_~!$&'()*+,;=:@%/.]*$")
_PLAIN_QUERY = re.compile(r"^[A-Za-z0-9\-_~!$&'()*+,;=:@%/?.]*$")


def call_url(base: httpx.URL, path: str) -> httpx.URL:
    """``base`` joined with an operation's encoded ``path`` (and query), without parsing it again.

    httpx parses a URL string on every request (~30 µs, most of building a request); the
    base was parsed once, and a generated path needs no parsing. Anything unexpected goes
    through httpx's parser as before.
    """
    target, _, query = path.partition("?")
    reference = getattr(base, "_uri_reference", None)
    plain = _PLAIN_PATH.match(target) and _PLAIN_QUERY.match(query) and "/." not in target
    if reference is None or not plain:
        return httpx.URL(str(base).rstrip("/") + path)
    joined = httpx.URL.__new__(httpx.URL)
    joined._uri_reference = reference._replace(path=reference.path.rstrip("/") + target, query=query or None)
    return joined


# -- the httpx clients --------------------------------------------------------------------


class NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing: reading Set-Cookie on every answer costs ~28 µs a call."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _NoCookieJar:
    """Takes the place of an httpx client's cookie jar: DingTalk's answers set no cookie the SDK needs."""

    _no_cookies = NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        pass


class CookielessClient(_NoCookieJar, httpx.Client):
    """``httpx.Client`` without its per-call cookie handling."""


class AsyncCookielessClient(_NoCookieJar, httpx.AsyncClient):
    """``httpx.AsyncClient`` without its per-call cookie handling."""
