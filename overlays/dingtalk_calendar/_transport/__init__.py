"""How the clients reach the network, one subject a module (docs/transport.md).

:mod:`.sync` and :mod:`.aiohttp_transport`: the default transports; :mod:`.proxies`: the
environment's proxies; :mod:`.tls`: one TLS context a process; :mod:`.deadline`: one time limit
a call; :mod:`.body`: answers read whole under a size cap; :mod:`.shared`: pools shared by
``with_credentials``; :mod:`.async_send`: the send path; :mod:`._compat`: two private aiohttp hooks.
"""

import ssl

import httpx


def default_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.BaseTransport:
    """The sync client's, through the environment's proxies."""
    from .proxies import environment_routes
    from .sync import SyncTransport

    return SyncTransport(limits=limits, verify=verify, routes=environment_routes())


def default_async_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.AsyncBaseTransport:
    """The async client's, through the environment's proxies (imports aiohttp: only on the async path)."""
    from .aiohttp_transport import AsyncAiohttpTransport
    from .proxies import environment_routes

    return AsyncAiohttpTransport(limits=limits, verify=verify, routes=environment_routes())
