"""Bulk subscribe and unsubscribe: every user settled exactly once, under faults too; rate limits."""

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    BulkResult,
    CalendarClient,
    InternalAppCredentials,
    Progress,
    RateLimit,
    RedisRateLimit,
    Scope,
)
from dingtalk_calendar_emulator import Directory, Emulator
from tests.client_support import FAST_RETRIES
from tests.redis_server import RedisServer

USERS = [f"user-{n:03d}" for n in range(60)]
OUTSIDERS = ["outsider-1", "outsider-2"]
FAST = RateLimit(rate=10_000, burst=100)  # no pacing: these tests are about bookkeeping


@pytest.fixture(scope="module")
def directory_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("directory") / "directory.json"
    path.write_text(
        json.dumps(
            {
                "corps": [{"corpId": "ding-big"}, {"corpId": "ding-other"}],
                "users": [{"unionId": "owner", "corpIds": ["ding-big"]}]
                + [{"unionId": u, "corpIds": ["ding-big"]} for u in USERS]
                + [{"unionId": u, "corpIds": ["ding-other"]} for u in OUTSIDERS],
                "groups": [],
            }
        )
    )
    return path


@pytest.fixture
def emu(directory_file: Path) -> Iterator[Emulator]:
    with Emulator(directory=Directory.load(directory_file), qps_limit=None) as emulator:
        yield emulator


def make_client(emu: Emulator) -> CalendarClient:
    app = emu.internal_app
    creds = InternalAppCredentials(app.app_key, app.app_secret)
    return CalendarClient(creds, base_url=emu.url, retry_policy=FAST_RETRIES)


def assert_partition(result: BulkResult, given: list[str]) -> None:
    """Each distinct user given is in exactly one list; each repeat is in ``duplicates``."""
    settled = list(result.done) + list(result.already_done) + [f.user_id for f in result.failed]
    settled += list(result.not_attempted)
    assert sorted(settled) == sorted(set(given))
    assert sorted(settled + list(result.duplicates)) == sorted(given)
    assert len(set(result.done)) == len(result.done)


def test_every_user_is_settled_once_and_reported(emu: Emulator) -> None:
    seen: list[Progress] = []
    lock = threading.Lock()

    def on_progress(progress: Progress) -> None:
        with lock:
            seen.append(progress)

    given = [*USERS[:20], *OUTSIDERS, USERS[0], OUTSIDERS[0]]  # repeats, and two users outside the scope
    with make_client(emu) as client:
        calendar = client.create("owner", name="All hands", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(
            calendar, given, already_done=[USERS[1]], concurrency=4, rate_limiter=FAST, on_progress=on_progress
        )
    assert_partition(result, given)
    assert set(result.done) == set(USERS[:20]) - {USERS[1]}
    assert result.already_done == (USERS[1],)
    assert result.duplicates == (USERS[0], OUTSIDERS[0])  # a failed user's repeat is not "already done"
    assert {(f.user_id, f.code) for f in result.failed} == {(u, "permissionDenied") for u in OUTSIDERS}
    assert result.not_attempted == ()
    assert not result.ok
    assert result.remaining == tuple(f.user_id for f in result.failed)
    assert set(emu.state.subscribers(calendar)) == set(result.done)
    distinct = len(set(given))
    assert sorted(p.settled for p in seen) == list(range(1, distinct + 1))
    assert all(p.total == distinct for p in seen)


@pytest.mark.parametrize("seed", [1, 2])
def test_under_injected_faults_nothing_is_lost_or_counted_twice(emu: Emulator, seed: int) -> None:
    with make_client(emu) as client:
        calendar = client.create("owner", name="Faulty", scope=Scope(organisations=["ding-big"])).calendar_id
        emu.faults.set_rates(error_5xx=0.25, drop=0.1, malformed=0.05, seed=seed)
        result = client.bulk_subscribe(calendar, USERS, concurrency=8, rate_limiter=FAST)
        emu.faults.set_rates(seed=seed)  # all rates back to 0
    assert_partition(result, USERS)
    subscribed = set(emu.state.subscribers(calendar))
    assert set(result.done) <= subscribed  # done means done
    # A failure may still have subscribed the user (the answer, not the act, was lost); a retry is harmless.
    assert subscribed <= set(result.done) | {f.user_id for f in result.failed}
    assert result.done  # the retries got most through


def test_an_error_about_the_calendar_stops_the_job_and_reports_the_rest(emu: Emulator) -> None:
    with make_client(emu) as client:
        result = client.bulk_subscribe("no-such-calendar", USERS[:10], concurrency=1, rate_limiter=FAST)
    assert_partition(result, USERS[:10])
    assert result.stopped_by is not None
    assert [f.user_id for f in result.failed] == USERS[:3]  # three alike, then it stops
    assert result.not_attempted == tuple(USERS[3:10])
    assert "stopped by" in result.summary()


def test_a_throttled_call_is_retried_not_failed(emu: Emulator) -> None:
    with make_client(emu) as client:
        calendar = client.create("owner", name="Real", scope=Scope(organisations=["ding-big"])).calendar_id
        client.bulk_subscribe(calendar, USERS[:2], rate_limiter=FAST)
        emu.faults.next("throttle", count=1)  # a throttled call is retried, not counted as failing
        result = client.bulk_subscribe(calendar, USERS[2:12], concurrency=1, rate_limiter=FAST)
    assert result.ok
    assert result.stopped_by is None


def test_async_bulk_unsubscribe(emu: Emulator) -> None:
    app = emu.internal_app
    creds = InternalAppCredentials(app.app_key, app.app_secret)

    async def scenario() -> tuple[str, BulkResult, BulkResult]:
        async with AsyncCalendarClient(creds, base_url=emu.url, retry_policy=FAST_RETRIES) as client:
            made = await client.create("owner", name="Async bulk", scope=Scope(organisations=["ding-big"]))
            progress: list[Progress] = []

            async def on_progress(p: Progress) -> None:
                progress.append(p)

            subscribed = await client.bulk_subscribe(
                made.calendar_id, USERS, concurrency=16, rate_limiter=FAST, on_progress=on_progress
            )
            assert len(progress) == len(USERS)
            unsubscribed = await client.bulk_unsubscribe(made.calendar_id, USERS[:30], rate_limiter=FAST)
            return made.calendar_id, subscribed, unsubscribed

    calendar, subscribed, unsubscribed = asyncio.run(scenario())
    assert subscribed.ok
    assert set(subscribed.done) == set(USERS)
    assert unsubscribed.ok
    assert set(emu.state.subscribers(calendar)) == set(USERS[30:])


def test_the_default_rate_stays_under_the_emulators_quota(directory_file: Path) -> None:
    # With DingTalk's quota of 20 a second, the default limiter (19/s) is never throttled.
    with Emulator(directory=Directory.load(directory_file), qps_limit=20) as emu, make_client(emu) as client:
        calendar = client.create("owner", name="Paced", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(calendar, USERS[:30], concurrency=8)
        assert result.ok
        assert emu.stats.statuses("subscribeCalendar").get(403, 0) == 0


def test_memory_rate_limit_spaces_calls_evenly() -> None:
    now = [0.0]
    limiter = RateLimit(rate=10, burst=1, clock=lambda: now[0])
    waits = [limiter._reserve() for _ in range(5)]  # five calls at the same instant
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    now[0] = 10.0  # long idle: no credit is hoarded beyond the burst
    assert [limiter._reserve() for _ in range(2)] == pytest.approx([0.0, 0.1])


def test_redis_rate_limit_is_shared_by_every_limiter_on_one_key() -> None:
    server = RedisServer()
    server.start()
    try:
        first = RedisRateLimit(server.url, "dingtalk:test:subscribe", rate=50)
        second = RedisRateLimit(server.url, "dingtalk:test:subscribe", rate=50)
        other = RedisRateLimit(server.url, "dingtalk:test:other", rate=50)
        # Taken at once, alternately from two limiters: one shared queue, 20 ms apart (allow Redis's clock to move).
        waits = [limiter._reserve() for _ in range(5) for limiter in (first, second)]
        assert waits[0] == pytest.approx(0.0, abs=0.005)
        assert [later - earlier for earlier, later in itertools.pairwise(waits)] == pytest.approx([0.02] * 9, abs=0.005)
        assert other._reserve() == pytest.approx(0.0, abs=0.005)  # another key, another budget

        async def async_side() -> None:
            limiter = RedisRateLimit(server.url, "dingtalk:test:async", rate=1000)
            for _ in range(5):
                await limiter.aacquire()

        asyncio.run(async_side())
    finally:
        server.stop()
