"""How the clients reach the network (one subject a module).

- :mod:`.sync`: the sync default transport, httpcore's pool with a network backend bounded by
  the call's time limit; :mod:`.aiohttp_transport`: the async default, aiohttp through httpx-aiohttp.
- :mod:`.proxies`: the environment's proxy variables, as httpx reads them; :mod:`.tls`: one TLS
  context a process.
- :mod:`.deadline`: one time limit a call; :mod:`.body`: answers read whole, under a size cap.
- :mod:`.shared`: pools shared by ``with_credentials``, and closed clients.
- :mod:`._compat`: the two private aiohttp hooks, and why.
"""

import ssl

import httpx


def default_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.BaseTransport:
    from .sync import sync_transport

    return sync_transport(limits=limits, verify=verify)


def default_async_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.AsyncBaseTransport:
    from .aiohttp_transport import async_transport  # imports aiohttp: only on the async path

    return async_transport(limits=limits, verify=verify)
