"""The sync client's default transport: httpcore's pool behind httpx's transport interface.

httpcore rather than ``httpx.HTTPTransport`` for the one thing httpx does not take, a network
backend: ours cuts every socket read and write to the time left on the call's limit, so a head
that trickles a byte at a time ends at the limit. Otherwise as ``httpx.HTTPTransport``: proxies,
TLS, limits, httpcore's errors as httpx's. A forked child starts a fresh pool (its process id).
"""

import os
import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from .._defaults import DEFAULT_LIMITS
from .deadline import time_left
from .proxies import ProxyRoutes
from .tls import tls_context

_EXPIRED = "the call's time limit was reached"


def _clamped(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time left on the call's limit; raises ``expired`` once it has passed."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0.0:  # a socket timeout of 0 would make it non-blocking: fail as a timeout instead
        raise expired(_EXPIRED)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
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
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, its connections and their streams bounded by the call's time limit."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# httpcore's errors and httpx's have the same names (httpx.HTTPTransport maps them so too),
# the most specific first.
_NAMES = "ConnectTimeout ReadTimeout WriteTimeout PoolTimeout TimeoutException ConnectError ReadError WriteError"
_NAMES += " NetworkError ProxyError UnsupportedProtocol RemoteProtocolError LocalProtocolError ProtocolError"
_ERRORS: list[tuple[type[Exception], type[httpx.TransportError]]] = [
    (getattr(httpcore, name), getattr(httpx, name)) for name in _NAMES.split()
]


@contextmanager
def _mapped(request: httpx.Request) -> Iterator[None]:
    """httpcore's exception as httpx's, with the request on it."""
    try:
        yield
    except Exception as error:
        for theirs, ours in _ERRORS:
            if isinstance(error, theirs):
                raise ours(str(error) or type(error).__name__, request=request) from error
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        with _mapped(self._request):
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            with _mapped(self._request):
                close()


def _url(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)


class SyncTransport(httpx.BaseTransport):
    """httpcore's pool (one per proxy route) with the call-bounded backend; for ``CalendarClient(transport=...)``."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        routes: ProxyRoutes | None = None,
    ) -> None:
        self._context = tls_context(verify)
        self._limits = limits
        self._routes = routes
        self._lock = threading.Lock()
        self._pools: dict[httpx.Proxy | None, httpcore.ConnectionPool] = {}
        self._pid = os.getpid()

    def _pool(self, proxy: httpx.Proxy | None) -> httpcore.ConnectionPool:
        if self._pid != os.getpid():  # forked: the parent's sockets and locks stay the parent's
            self._lock = threading.Lock()
            self._pools, self._pid = {}, os.getpid()
        pool = self._pools.get(proxy)
        if pool is None:
            with self._lock:
                pool = self._pools.get(proxy)
                if pool is None:
                    pool = self._pools[proxy] = self._new_pool(proxy)
        return pool

    def _new_pool(self, proxy: httpx.Proxy | None) -> httpcore.ConnectionPool:
        options: dict[str, Any] = {
            "ssl_context": self._context,
            "max_connections": self._limits.max_connections,
            "max_keepalive_connections": self._limits.max_keepalive_connections,
            "keepalive_expiry": self._limits.keepalive_expiry,
            "network_backend": DeadlineBackend(),
        }
        if proxy is None:
            return httpcore.ConnectionPool(**options)
        if proxy.url.scheme in ("socks5", "socks5h"):
            return httpcore.SOCKSProxy(proxy_url=_url(proxy.url), proxy_auth=proxy.raw_auth, **options)
        return httpcore.HTTPProxy(
            proxy_url=_url(proxy.url),
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            proxy_ssl_context=proxy.ssl_context,
            **options,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = None if self._routes is None else self._routes.proxy_for(request.url)
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=_url(request.url),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _mapped(request):
            answer = self._pool(proxy).handle_request(core_request)
        assert isinstance(answer.stream, Iterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream, request),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        with self._lock:
            pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
