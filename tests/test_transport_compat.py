"""Pins what ``_transport/_compat.py`` works around in aiohttp, so a release that changes it is noticed.

Each test fails with a message naming the installed aiohttp version: either the private hook
the SDK overrides has changed (update ``_compat``), or the behaviour it guards against is gone
(then the hook can go).
"""

import asyncio
import inspect
import json

import aiohttp
import pytest

from dingtalk_calendar._transport._compat import GuardedConnector

from .scripted_server import Received, Reply, response, scripted_server

AIOHTTP = f"aiohttp {aiohttp.__version__}"


def _params(method: object) -> list[str]:
    return list(inspect.signature(method).parameters)  # type: ignore[arg-type]


def test_the_two_hooks_still_exist_with_the_arguments_the_sdk_passes_on() -> None:
    get = getattr(aiohttp.BaseConnector, "_get", None)
    release = getattr(aiohttp.BaseConnector, "_release", None)
    assert callable(get), f"{AIOHTTP}: BaseConnector._get is gone"
    assert callable(release), f"{AIOHTTP}: BaseConnector._release is gone"
    assert _params(get)[:2] == ["self", "key"], f"{AIOHTTP}: BaseConnector._get{inspect.signature(get)} changed"
    assert _params(release)[:3] == ["self", "key", "protocol"], (
        f"{AIOHTTP}: BaseConnector._release{inspect.signature(release)} changed"
    )
    assert isinstance(aiohttp.connector.Connection.protocol, property), f"{AIOHTTP}: Connection.protocol changed"
    assert isinstance(aiohttp.client_proto.ResponseHandler.should_close, property), (
        f"{AIOHTTP}: ResponseHandler.should_close changed"
    )


def _calendar(name: str) -> bytes:
    return response(body=json.dumps({"name": name}).encode())


async def _second_answer(connector: aiohttp.BaseConnector) -> str:
    """What a second request gets on a connection that was sent an unasked-for answer while idle."""
    idle, sent = asyncio.Event(), asyncio.Event()

    async def unsolicited(writer: asyncio.StreamWriter) -> None:
        await idle.wait()  # the client has read its answer: the connection is idle
        writer.write(_calendar("unsolicited"))
        await writer.drain()
        sent.set()

    def script(received: Received) -> Reply:
        name = received.target.rsplit("/", 1)[-1]
        return Reply(_calendar(name), later=unsolicited if name == "first" else None)

    async with scripted_server(script) as server, aiohttp.ClientSession(connector=connector) as session:
        async with session.get(f"{server.url}/first") as first:
            await first.read()
        idle.set()
        await sent.wait()
        for _ in range(3):  # loop turns (not time): the bytes reach the idle connection
            await asyncio.sleep(0)
        async with session.get(f"{server.url}/second") as second:
            return str(json.loads(await second.read())["name"])


async def test_aiohttp_still_hands_stray_bytes_to_the_next_request() -> None:
    try:
        answer = await _second_answer(aiohttp.TCPConnector())
    except (Exception, asyncio.CancelledError):  # aiohttp 3.10.0: the next request fails instead
        answer = "an error"
    if answer == "second":
        pytest.fail(f"{AIOHTTP} no longer takes stray bytes for the next answer: the _get guard in _compat can go")


async def test_the_guarded_connector_does_not() -> None:
    assert await _second_answer(GuardedConnector(max_idle=None)) == "second", AIOHTTP
