"""Bare clients for async throughput and client CPU: how fast any client built on these objects can go.

- ``bare_httpx_calls``: a bare ``httpx.AsyncClient`` on our ``AsyncAiohttpTransport``, the
  path written by hand. No client on httpx's public client and that transport does less per
  call, so its rate is the ceiling of such a design.
- ``bare_transport_calls``: ``AsyncAiohttpTransport`` alone, sent one request built once: the
  ceiling of any client on that transport, even one that drives it without ``AsyncClient.send``
  (as ours does, ``_transport/async_send.py``).
- ``bare_aiohttp_calls``: a bare ``aiohttp.ClientSession``, the ceiling of any client on aiohttp.

Each makes the same calls as ours (the same path and token), checks the status and parses the
answer's JSON when it has one, as ours does. ``bench/throughput.py`` times them by wall clock
(``*_seconds``), ``bench/client_cpu.py`` by process CPU.
"""

import json
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import httpx

from dingtalk_calendar import AsyncAiohttpTransport
from dingtalk_calendar._client.settings import DEFAULT_LIMITS

from . import scenario as s
from .calls import Call, wall_seconds
from .emulator_process import EmulatorInfo


def _path(op: str, calendar_id: str) -> str:
    return s.calendar_path(s.AUTHOR, calendar_id) if op == "get" else s.subscribe_path(s.SUBSCRIBER, calendar_id)


@asynccontextmanager
async def bare_httpx_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AsyncIterator[Call]:
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

        yield call


@asynccontextmanager
async def bare_transport_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AsyncIterator[Call]:
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
        yield call
    finally:
        await transport.aclose()


@asynccontextmanager
async def bare_aiohttp_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AsyncIterator[Call]:
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

        yield call


bare_httpx_seconds = wall_seconds(bare_httpx_calls)
bare_transport_seconds = wall_seconds(bare_transport_calls)
bare_aiohttp_seconds = wall_seconds(bare_aiohttp_calls)
