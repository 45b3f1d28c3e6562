"""Our async client's throughput inside another venv (the clean install); prints ``{"per_s": [...]}``.

Run by ``what_if`` as ``<venv>/bin/python -m bench.ours_async_worker ...``: the same
measurement as ``throughput`` (one client per round, ``warm_then_time``), so that the
effect of a package added to that venv is measured on our SDK as users install it.
``--aiohttp`` gives the client ``httpx_aiohttp.AiohttpTransport`` through its ``transport=``.
"""

import argparse
import asyncio
import importlib
import json
from typing import Any

from dingtalk_calendar import AsyncCalendarClient, InternalAppCredentials
from dingtalk_calendar._settings import DEFAULT_LIMITS  # the client's own pool limits, for a like-for-like transport

from . import scenario as s
from .concurrency import warm_then_time


def _transport(aiohttp: bool) -> Any:
    if not aiohttp:
        return None
    module = importlib.import_module("httpx_aiohttp")  # installed by what_if, never a dependency
    return module.AiohttpTransport(limits=DEFAULT_LIMITS)


async def _seconds(args: argparse.Namespace) -> float:
    credentials = InternalAppCredentials(args.app_key, args.app_secret)
    async with AsyncCalendarClient(credentials, base_url=args.url, transport=_transport(args.aiohttp)) as client:
        return await warm_then_time(
            lambda: client.subscribe(s.SUBSCRIBER, args.calendar_id), concurrency=args.concurrency, calls=args.calls
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--url", "--app-key", "--app-secret", "--calendar-id"):
        parser.add_argument(name, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--aiohttp", action="store_true")
    args = parser.parse_args(argv)
    rates = [args.calls / asyncio.run(_seconds(args)) for _ in range(args.rounds)]
    print(json.dumps({"per_s": rates}))


if __name__ == "__main__":
    main()
