# unasync: the source of _transport/send.py (generator/unasync.py); run `make generate` after editing.
"""An SDK call's request sent through its auth flow and retry transport: httpx's own interfaces, driven here.

The two public interfaces ``httpx.AsyncClient.send`` would use, without its redirects, event
hooks, cookies and timer stream, which the SDK's client has no use for: ``DingTalkAuth``'s
``async_auth_flow`` (a refused token's answer kept in ``response.history``) and the retry
transport's ``handle_async_request``. Kept for speed: through the httpx client's own ``send``,
``bench.client_cpu``'s call took +39 % client CPU (rounds paired, load 8, 2026-12-06).
The answer gets its ``request`` and httpx's ``HTTP Request: ...`` log line, as from ``send``.
"""

import logging

import httpx

_httpx_logger = logging.getLogger("httpx")


async def send(transport: httpx.AsyncBaseTransport, auth: httpx.Auth, request: httpx.Request) -> httpx.Response:
    """``request`` sent as ``httpx.AsyncClient.send`` would send it with ``transport`` and ``auth``."""
    flow = auth.async_auth_flow(request)
    history: list[httpx.Response] = []
    request = await flow.__anext__()
    while True:
        response = await transport.handle_async_request(request)
        response.request = request
        response.history = list(history)
        if _httpx_logger.isEnabledFor(logging.INFO):
            _httpx_logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        try:
            request = await flow.asend(response)
        except StopAsyncIteration:
            return response
        history.append(response)
