"""A pool several clients share (``with_credentials``), and the error a closed client's calls end in."""

import threading

import httpx

from .._errors import APIConnectionError
from .._redact import detached

_CLOSED = "this client is closed: open a new one (or close it only after its calls have ended)"
_CLOSED_IN_FLIGHT = (
    "the client was closed while this call was in flight: close a client only after its calls have ended"
)


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
        self.closed = False

    def lease(self) -> "SharedTransport":
        """Another lease on the same transport, for another client."""
        if self.closed:
            raise APIConnectionError("this client is closed: its connection pool can no longer be shared")
        return SharedTransport(self.transport, self._leases)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self.transport, httpx.BaseTransport)
        if self.closed:
            raise APIConnectionError(_CLOSED)
        try:
            return self.transport.handle_request(request)
        except Exception as error:
            if self.closed:
                raise APIConnectionError(_CLOSED_IN_FLIGHT) from detached(error)
            raise

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self.transport, httpx.AsyncBaseTransport)
        if self.closed:
            raise APIConnectionError(_CLOSED)
        try:
            return await self.transport.handle_async_request(request)
        except Exception as error:
            if self.closed:
                raise APIConnectionError(_CLOSED_IN_FLIGHT) from detached(error)
            raise

    def _last(self) -> bool:
        with self._leases.lock:
            if self.closed:
                return False
            self.closed = True
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
