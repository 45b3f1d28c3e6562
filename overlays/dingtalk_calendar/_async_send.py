# unasync: the source of _sync_send.py (generator/unasync.py); run `make generate` after editing.
"""An SDK call sent as ``httpx.AsyncClient.send`` sends it, without the machinery the SDK's client never uses.

``send`` walks several layers per call (auth, redirects, event hooks, mounts, cookies, a
timer stream) at ~60 µs a call above the transport. The SDK's httpx client is built with
one transport, its ``DingTalkAuth``, no event hooks, ``follow_redirects=False`` and no
cookie jar (see ``_transports``), so here:

- kept, as httpx does them: the auth flow (``DingTalkAuth``'s, whose steps are called here
  directly) request by request (every answer but the last read, closed and kept in
  ``response.history``), the error on a closed client, the
  request set on the response and on a ``RequestError`` raised without one,
  ``response.elapsed``, the ``HTTP Request: ...`` line on httpx's logger, the body read
  before the response is returned and the response closed when that fails;
- skipped, because the SDK's client has none of them: redirects (an answer is returned as
  it came, as httpx does without ``follow_redirects``), event hooks, mounts and environment
  proxies (httpx sets none up for a client given a transport; ``_transports`` routes
  proxies below), cookies, and the check that the body suits the client (the request is built by
  ``_requests`` with a body of bytes, which serves both).

Anyone's own ``httpx.AsyncClient`` (``client.request(...)``, the generated client) still goes
through httpx's ``send``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from ._auth import DingTalkAuth

_httpx_logger = logging.getLogger("httpx")


async def send(
    client: httpx.AsyncClient, transport: httpx.AsyncBaseTransport, auth: DingTalkAuth, request: httpx.Request
) -> httpx.Response:
    """``client.send(request)`` for a client with ``transport`` and ``auth`` and nothing else.

    The auth flow's two steps are called directly rather than through its generator: the
    token put on, and after a refusal of it, the one resend (see ``_async_auth``).
    """
    if client.is_closed:
        raise RuntimeError("Cannot send a request, as the client has been closed.")
    token = await auth.aauthorize(request)
    response = await _send_once(transport, request)
    if response.status_code == auth.refusal_status:  # the only answer the flow may act on
        try:
            again = await auth.arenewed(request, token, response)
        except BaseException:
            await response.aclose()
            raise
        response.history = []
        if again is not None:
            await response.aread()  # every answer but the last is read and closed, as httpx does
            refused = response
            response = await _send_once(transport, again)
            response.history = [refused]
    else:
        response.history = []
    try:
        await response.aread()
    except BaseException:
        await response.aclose()
        raise
    return response


async def _send_once(transport: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
    started = time.perf_counter()
    try:
        response = await transport.handle_async_request(request)
    except httpx.RequestError as error:
        if error._request is None:  # as httpx's request_context() does
            error.request = request
        raise
    response.request = request
    try:
        response.content  # noqa: B018 - read by the transport already (every small answer): the cycle is over
    except httpx.ResponseNotRead:
        response.stream = _TimedStream(response, started)
    else:
        response.elapsed = timedelta(seconds=time.perf_counter() - started)
    if _httpx_logger.isEnabledFor(logging.INFO):
        _httpx_logger.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )
    return response


class _TimedStream(httpx.AsyncByteStream):
    """The response's body; closing it sets ``response.elapsed``, as httpx's own wrapper does."""

    def __init__(self, response: httpx.Response, started: float) -> None:
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        self._stream = stream
        self._response = response
        self._started = started

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        self._response.elapsed = timedelta(seconds=time.perf_counter() - self._started)
        await self._stream.aclose()
