"""The transport each client does its I/O with when it is given none (built in :mod:`._transports`)."""

import ssl

import httpx


def default_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.BaseTransport:
    from ._transports import sync_transport

    return sync_transport(limits=limits, verify=verify)


def default_async_transport(*, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> httpx.AsyncBaseTransport:
    from ._transports import async_transport  # aiohttp is imported on the async path only

    return async_transport(limits=limits, verify=verify)
