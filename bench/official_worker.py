"""The official SDK (alibabacloud-dingtalk) under test, in its own virtualenv; driven over stdin/stdout.

Run by ``official_client`` with ``bench/.venv-official/bin/python -m bench.official_worker``.
Each line in is a JSON command, each line out its JSON answer:

- ``{"cmd": "per_call", "op": "get", "calls": 300}`` -> ``{"wall": s, "cpu": s}`` per call;
- ``{"cmd": "throughput", "op": "subscribe", "concurrency": 10, "calls": 500}`` -> ``{"seconds": s}``.

It imports only the standard library, the official SDK and the stdlib-only modules of
this package, so both sides are timed by the same loops. Calls go through the
``*_with_options`` methods, the official way to pass an access token, with the request
and header objects built per call as an application would.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dingtalk.calendar_1_0 import models  # type: ignore[import-not-found]
from alibabacloud_dingtalk.calendar_1_0.client import Client  # type: ignore[import-not-found]
from alibabacloud_tea_openapi import models as open_api_models  # type: ignore[import-not-found]
from alibabacloud_tea_util import models as util_models  # type: ignore[import-not-found]

from . import scenario as s
from .concurrency import warm_then_time
from .timing import time_calls


class OfficialCalls:
    """The five operations through the official calendar client, sync and async."""

    def __init__(self, url: str, token: str, calendar_id: str, ca_file: str | None) -> None:
        # The SDK takes a host:port and a protocol instead of a base URL.
        parts = urlsplit(url)
        self.client: Any = Client(open_api_models.Config(protocol=parts.scheme, endpoint=parts.netloc))
        self.token = token
        self.calendar_id = calendar_id
        self.ca_file = ca_file

    def sync(self, op: str) -> Callable[[], object]:
        c, cid = self.client, self.calendar_id
        return {
            "create": lambda: self._ok(
                c.create_subscribed_calendar_with_options(
                    s.AUTHOR, self._create_body(), self._headers(models.CreateSubscribedCalendarHeaders), self._rt()
                )
            ),
            "get": lambda: self._ok(
                c.get_subscribed_calendar_with_options(
                    s.AUTHOR, cid, self._headers(models.GetSubscribedCalendarHeaders), self._rt()
                )
            ),
            "update": lambda: self._ok(
                c.update_subscribed_calendars_with_options(
                    cid,
                    s.AUTHOR,
                    models.UpdateSubscribedCalendarsRequest(name=s.UPDATED_NAME),
                    self._headers(models.UpdateSubscribedCalendarsHeaders),
                    self._rt(),
                )
            ),
            "subscribe": lambda: self._ok(
                c.subscribe_calendar_with_options(
                    s.SUBSCRIBER, cid, self._headers(models.SubscribeCalendarHeaders), self._rt()
                )
            ),
            "unsubscribe": lambda: self._ok(
                c.unsubscribe_calendar_with_options(
                    s.SUBSCRIBER, cid, self._headers(models.UnsubscribeCalendarHeaders), self._rt()
                )
            ),
        }[op]

    def asynchronous(self, op: str) -> Callable[[], Awaitable[object]]:
        c, cid = self.client, self.calendar_id

        async def get() -> object:
            return self._ok(
                await c.get_subscribed_calendar_with_options_async(
                    s.AUTHOR, cid, self._headers(models.GetSubscribedCalendarHeaders), self._rt()
                )
            )

        async def subscribe() -> object:
            return self._ok(
                await c.subscribe_calendar_with_options_async(
                    s.SUBSCRIBER, cid, self._headers(models.SubscribeCalendarHeaders), self._rt()
                )
            )

        return {"get": get, "subscribe": subscribe}[op]

    def _rt(self) -> Any:
        # Over TLS it trusts the emulator's CA through its own `ca` option, and gets a minute
        # per connect and read: each call blocks its event loop while it loads trusted
        # certificates, which at concurrency 100 outlasts its default 5 s connect timeout.
        if self.ca_file is None:
            return util_models.RuntimeOptions()
        return util_models.RuntimeOptions(ca=self.ca_file, connect_timeout=60_000, read_timeout=60_000)

    def _headers(self, kind: Any) -> Any:
        return kind(x_acs_dingtalk_access_token=self.token)

    @staticmethod
    def _create_body() -> Any:
        scope = models.CreateSubscribedCalendarRequestSubscribeScope(corp_ids=[s.CORP])
        return models.CreateSubscribedCalendarRequest(name=s.CREATED_NAME, subscribe_scope=scope)

    @staticmethod
    def _ok(response: Any) -> object:
        if response.status_code != 200:
            raise RuntimeError(f"the official SDK got HTTP {response.status_code}")
        return response


def _answer(calls: OfficialCalls, command: dict[str, Any]) -> dict[str, Any]:
    if command["cmd"] == "per_call":
        sample = time_calls(calls.sync(command["op"]), command["calls"])
        return {"wall": sample.wall, "cpu": sample.cpu}
    if command["cmd"] == "throughput":
        seconds = asyncio.run(
            warm_then_time(
                calls.asynchronous(command["op"]), concurrency=command["concurrency"], calls=command["calls"]
            )
        )
        return {"seconds": seconds}
    raise ValueError(f"unknown command {command['cmd']!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--calendar-id", required=True)
    parser.add_argument("--ca", help="the CA file to trust, for an https URL")
    args = parser.parse_args(argv)
    calls = OfficialCalls(args.url, args.token, args.calendar_id, args.ca)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps(_answer(calls, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
