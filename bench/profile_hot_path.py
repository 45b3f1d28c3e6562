"""Where the ergonomic client's per-call time goes, without a network: ``python -m bench.profile_hot_path``.

Every client talks to the same in-process ``CannedTransport``, so the figures are client
CPU alone: what each layer adds on top of bare httpx. Then cProfile lists the functions
of the ergonomic path that cost the most per call. Not part of ``make bench``: a tool for
whoever works on the hot path.
"""

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager

import httpx

from dingtalk_calendar import CalendarClient, Scope
from dingtalk_calendar_api import AuthenticatedClient
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
    unsubscribe_calendar,
    update_subscribed_calendar,
)
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    SubscribeScope,
    UpdateSubscribedCalendarRequest,
)

from . import scenario as s
from .canned_transport import CALENDAR_ID, CannedTransport
from .timing import time_calls

_BASE_URL = "http://dingtalk.invalid"
_TOKEN = "canned-token"  # noqa: S105 - what CannedTransport hands out; it opens nothing
Calls = Mapping[str, Callable[[], object]]


@contextmanager
def _bare() -> Iterator[Calls]:
    with httpx.Client(base_url=_BASE_URL, headers={s.ACCESS_TOKEN_HEADER: _TOKEN}, transport=CannedTransport()) as c:
        yield {
            "create": lambda: c.post(
                s.create_path(s.AUTHOR), json={"name": s.CREATED_NAME, "subscribeScope": {"corpIds": [s.CORP]}}
            ).json(),
            "get": lambda: c.get(s.calendar_path(s.AUTHOR, CALENDAR_ID)).json(),
            "update": lambda: c.put(s.calendar_path(s.AUTHOR, CALENDAR_ID), json={"name": s.UPDATED_NAME}).json(),
            "subscribe": lambda: c.post(s.subscribe_path(s.SUBSCRIBER, CALENDAR_ID)),
            "unsubscribe": lambda: c.post(s.unsubscribe_path(s.SUBSCRIBER, CALENDAR_ID)).json(),
        }


@contextmanager
def _generated() -> Iterator[Calls]:
    with AuthenticatedClient(base_url=_BASE_URL, token=_TOKEN, httpx_args={"transport": CannedTransport()}) as c:
        create_body = CreateSubscribedCalendarRequest(
            name=s.CREATED_NAME, subscribe_scope=SubscribeScope(corp_ids=[s.CORP])
        )
        yield {
            "create": lambda: create_subscribed_calendar.sync_detailed(s.AUTHOR, client=c, body=create_body),
            "get": lambda: get_subscribed_calendar.sync_detailed(s.AUTHOR, CALENDAR_ID, client=c),
            "update": lambda: update_subscribed_calendar.sync_detailed(
                s.AUTHOR, CALENDAR_ID, client=c, body=UpdateSubscribedCalendarRequest(name=s.UPDATED_NAME)
            ),
            "subscribe": lambda: subscribe_calendar.sync_detailed(s.SUBSCRIBER, CALENDAR_ID, client=c),
            "unsubscribe": lambda: unsubscribe_calendar.sync_detailed(s.SUBSCRIBER, CALENDAR_ID, client=c),
        }


@contextmanager
def _ergonomic() -> Iterator[Calls]:
    with CalendarClient(_TOKEN, base_url=_BASE_URL, transport=CannedTransport()) as c:
        scope = Scope(organisations=[s.CORP])
        yield {
            "create": lambda: c.create(s.AUTHOR, name=s.CREATED_NAME, scope=scope),
            "get": lambda: c.get(s.AUTHOR, CALENDAR_ID),
            "update": lambda: c.update(s.AUTHOR, CALENDAR_ID, name=s.UPDATED_NAME),
            "subscribe": lambda: c.subscribe(s.SUBSCRIBER, CALENDAR_ID),
            "unsubscribe": lambda: c.unsubscribe(s.SUBSCRIBER, CALENDAR_ID),
        }


def cpu_per_call(calls: int, rounds: int) -> dict[str, dict[str, float]]:
    """operation -> client -> µs per call (best round), every client on the canned transport."""
    with ExitStack() as stack:
        clients = {
            "httpx": stack.enter_context(_bare()),
            "generated": stack.enter_context(_generated()),
            "ergonomic": stack.enter_context(_ergonomic()),
        }
        result: dict[str, dict[str, float]] = {}
        for op in s.OPERATIONS:
            for made in clients.values():
                time_calls(made[op], calls // 10)  # warm up
            rounds_us: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(rounds):
                for name, made in clients.items():
                    rounds_us[name].append(time_calls(made[op], calls).wall * 1e6)
            # The least of the rounds: on a shared machine noise only ever adds time.
            result[op] = {name: min(values) for name, values in rounds_us.items()}
    return result


def profile_ergonomic(op: str, calls: int, top: int) -> str:
    """cProfile's view of ``calls`` ergonomic calls, by own time, as text."""
    with _ergonomic() as made:
        made[op]()
        profiler = cProfile.Profile()
        profiler.runcall(time_calls, made[op], calls)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", default="get", help="the operation to run cProfile on ('' for none)")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    print("client time per call on an in-process transport (µs, best of rounds)")
    print(f"{'operation':<12} {'httpx':>8} {'generated':>10} {'ergonomic':>10} {'ergonomic - httpx':>18}")
    for op, by_client in cpu_per_call(args.calls, args.rounds).items():
        extra = by_client["ergonomic"] - by_client["httpx"]
        print(
            f"{op:<12} {by_client['httpx']:>8.1f} {by_client['generated']:>10.1f} "
            f"{by_client['ergonomic']:>10.1f} {extra:>+18.1f}"
        )
    if args.profile:
        print(profile_ergonomic(args.profile, args.calls, args.top))


if __name__ == "__main__":
    main()
