"""Bare clients for async throughput: how fast any client built on these objects can go.

- ``bare_httpx_seconds``: a bare ``httpx.AsyncClient`` on our ``AsyncAiohttpTransport``, the
  path written by hand. No client on httpx's public client and that transport does less per
  call, so its rate is the ceiling of such a design.
- ``bare_transport_seconds``: ``AsyncAiohttpTransport`` alone, sent one request built once: the
  ceiling of any client on that transport, even one that drives it without ``AsyncClient.send``
  (as ours does, ``_transport/async_send.py``).
- ``bare_aiohttp_seconds``: a bare ``aiohttp.ClientSession``, the ceiling of any client on aiohttp.

Each makes the same calls as ours (the same path and token), checks the status and parses the
answer's JSON when it has one, as ours does. ``bench/throughput.py`` measures them in its rounds.
"""

import asyncio
import json
import ssl

import aiohttp
import httpx

from dingtalk_calendar import AsyncAiohttpTransport
from dingtalk_calendar._client.settings import DEFAULT_LIMITS

from . import scenario as s
from .concurrency import warm_then_time
from .emulator_process import EmulatorInfo


def _path(op: str, calendar_id: str) -> str:
    return s.calendar_path(s.AUTHOR, calendar_id) if op == "get" else s.subscribe_path(s.SUBSCRIBER, calendar_id)


async def _httpx_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    transport = AsyncAiohttpTransport(verify=info.ssl_context(), limits=DEFAULT_LIMITS)
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    path = _path(op, calendar_id)
    async with httpx.AsyncClient(base_url=info.url, headers=headers, transport=transport) as client:
        send = client.get if op == "get" else client.post

        async def call() -> None:
            response = await send(path)
            response.raise_for_status()
            if response.content:
                response.json()

        return await warm_then_time(call, concurrency=concurrency, calls=calls)


async def _transport_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    transport = AsyncAiohttpTransport(verify=info.ssl_context(), limits=DEFAULT_LIMITS)
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    async with httpx.AsyncClient(base_url=info.url, headers=headers) as builder:
        request = builder.build_request("GET" if op == "get" else "POST", _path(op, calendar_id))

    async def call() -> None:
        response = await transport.handle_async_request(request)
        content = await response.aread()
        if response.status_code != httpx.codes.OK:
            raise RuntimeError(f"unexpected answer: {response.status_code} {content[:80]!r}")
        if content:
            json.loads(content)

    try:
        return await warm_then_time(call, concurrency=concurrency, calls=calls)
    finally:
        await transport.aclose()


async def _aiohttp_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    verify = info.ssl_context()
    tls: ssl.SSLContext | bool = verify if isinstance(verify, ssl.SSLContext) else True
    headers = {s.ACCESS_TOKEN_HEADER: info.token}
    url = info.url + _path(op, calendar_id)
    method = "GET" if op == "get" else "POST"
    connector = aiohttp.TCPConnector(limit=DEFAULT_LIMITS.max_connections or 0, ssl=tls)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:

        async def call() -> None:
            async with session.request(method, url) as response:
                response.raise_for_status()
                if await response.read():
                    await response.json()

        return await warm_then_time(call, concurrency=concurrency, calls=calls)


def bare_httpx_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    """Seconds a bare ``httpx.AsyncClient`` on ``AsyncAiohttpTransport`` takes for ``calls`` calls of ``op``."""
    return asyncio.run(_httpx_seconds(info, calendar_id, op, concurrency, calls))


def bare_aiohttp_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    """Seconds a bare ``aiohttp.ClientSession`` takes for ``calls`` calls of ``op``."""
    return asyncio.run(_aiohttp_seconds(info, calendar_id, op, concurrency, calls))


def bare_transport_seconds(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
    """Seconds ``AsyncAiohttpTransport`` alone takes for ``calls`` sends of one request of ``op`` built once."""
    return asyncio.run(_transport_seconds(info, calendar_id, op, concurrency, calls))
