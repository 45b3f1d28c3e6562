"""The transport each client does its I/O with when it is given none."""

import ssl

import httpx


def default_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.BaseTransport:
    return httpx.HTTPTransport(limits=limits, verify=verify)


def default_async_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.AsyncBaseTransport:
    # Imported here: a sync application never loads asyncio through this package.
    from ._async_transport import AsyncKeepAliveTransport

    return AsyncKeepAliveTransport(limits=limits, verify=verify)
