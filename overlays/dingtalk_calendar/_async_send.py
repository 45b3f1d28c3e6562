# unasync: the source of _sync_send.py (generator/unasync.py); run `make generate` after editing.
"""An SDK call sent as ``httpx.AsyncClient.send`` sends it, without the machinery the SDK's client never uses.

``send`` walks several layers per call (auth, redirects, event hooks, mounts, cookies, a
timer stream) at ~60 µs a call above the transport. The SDK's httpx client is built with
one transport, its ``DingTalkAuth``, no event hooks, ``follow_redirects=False`` and no
cookie jar (see ``_transports``), so here:

- kept, as httpx does them: the auth flow driven request by request (every answer but the
  last read, closed and kept in ``response.history``), the error on a closed client, the
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

import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx

_httpx_logger = logging.getLogger("httpx")


async def send(
    client: httpx.AsyncClient, transport: httpx.AsyncBaseTransport, auth: httpx.Auth, request: httpx.Request
) -> httpx.Response:
    """``client.send(request)`` for a client with ``transport`` and ``auth`` and nothing else."""
    if client.is_closed:
        raise RuntimeError("Cannot send a request, as the client has been closed.")
    flow = auth.async_auth_flow(request)
    history: list[httpx.Response] = []
    try:
        request = await flow.__anext__()
        while True:
            response = await _send_once(transport, request)
            try:
                try:
                    next_request = await flow.asend(response)
                except StopAsyncIteration:
                    break
                response.history = list(history)
                await response.aread()
                request = next_request
                history.append(response)
            except BaseException:
                await response.aclose()
                raise
    finally:
        await flow.aclose()
    response.history = history
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
