# unasync: the source of _transport/send.py (generator/unasync.py); run `make generate` after editing.
"""An SDK call's request sent through its auth flow and retry transport: httpx's own interfaces, driven here.

``httpx.AsyncClient.send`` costs as much CPU as the rest of an SDK call (redirects, event hooks,
cookies, a timer stream; ``make bench``, client CPU: 688 µs a call through it on a loaded
machine, 566 µs of it bare httpx's). The SDK's client has none of those, so its calls go
straight through the two public interfaces ``send`` would use: ``DingTalkAuth``'s
``async_auth_flow`` generator (a refused token's answer kept in ``response.history``, as httpx
keeps it) and the retry transport's ``handle_async_request``, which reads every answer whole.
The request is the one ``httpx.AsyncClient.build_request`` makes; the answer gets its
``request`` and httpx's ``HTTP Request: ...`` log line. The generated client, and any httpx
client of yours, still go through ``send``.
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
