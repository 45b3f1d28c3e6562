"""Every client under test as a call factory: an async context manager yielding its ``call()``.

A factory takes (emulator, calendar id, operation), sets its client up on entering and closes
it on leaving; each ``call()`` makes one call of the operation and checks its answer. The same
factories are timed by wall clock (``wall_seconds``, ``bench/throughput.py``), by process CPU
(``bench/client_cpu.py``) and counted in instructions (``bench/client_instructions.py``).
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx

from dingtalk_calendar import AsyncCalendarClient, InternalAppCredentials
from dingtalk_calendar._client.settings import DEFAULT_LIMITS

from . import scenario as s
from .concurrency import warm_then_time
from .emulator_process import EmulatorInfo

Call = Callable[[], Awaitable[object]]
CallFactory = Callable[[EmulatorInfo, str, str], AbstractAsyncContextManager[Call]]
"""(emulator, calendar id, operation) -> a context yielding one client's ``call()``."""
Seconds = Callable[[EmulatorInfo, str, str, int, int], float]
"""Seconds one client takes: (emulator, calendar id, operation, concurrency, calls)."""


def wall_seconds(factory: CallFactory) -> Seconds:
    """Wall-clock seconds of ``calls`` calls with ``concurrency`` in flight, after one call per task to warm up."""

    async def run(info: EmulatorInfo, calendar_id: str, op: str, concurrency: int, calls: int) -> float:
        async with factory(info, calendar_id, op) as call:
            return await warm_then_time(call, concurrency=concurrency, calls=calls)

    return lambda info, calendar_id, op, concurrency, calls: asyncio.run(run(info, calendar_id, op, concurrency, calls))


@asynccontextmanager
async def _ours(info: EmulatorInfo, calendar_id: str, op: str, httpx_default: bool) -> AsyncIterator[Call]:
    credentials = InternalAppCredentials(info.app_key, info.app_secret)
    verify = info.ssl_context()
    transport = httpx.AsyncHTTPTransport(limits=DEFAULT_LIMITS, verify=verify) if httpx_default else None
    async with AsyncCalendarClient(credentials, base_url=info.url, verify=verify, transport=transport) as client:
        user = s.AUTHOR if op == "get" else s.SUBSCRIBER
        method = client.get if op == "get" else client.subscribe
        yield lambda: method(user, calendar_id)


def ours_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AbstractAsyncContextManager[Call]:
    """``AsyncCalendarClient`` on its default transport (aiohttp through httpx-aiohttp)."""
    return _ours(info, calendar_id, op, httpx_default=False)


def ours_on_httpx_default_calls(info: EmulatorInfo, calendar_id: str, op: str) -> AbstractAsyncContextManager[Call]:
    """``AsyncCalendarClient`` on httpx's own async transport (httpcore)."""
    return _ours(info, calendar_id, op, httpx_default=True)
