"""Throttling never fails a bulk user: a throttled call goes back through the job's rate
limiter at a slower pace until the job's time limit. Against the emulator's real quota,
set far below the job's rate so that throttling is certain whatever the machine's speed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, RateLimit, RateLimitError
from dingtalk_calendar._bulk.throttle_pacing import CEILING_KEEP, DECREASE, FLOOR, ThrottlePacing
from dingtalk_calendar_emulator import Directory, Emulator

USERS = [f"user{n:02d}" for n in range(30)]
QUOTA = 5  # calls a second the emulator accepts, per app and API
JOB_RATE = 40.0  # eight times the quota: throttled for sure


class CountingLimit(RateLimit):
    """A RateLimit that counts the slots it gave: every call the job sends must take one."""

    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self._count_lock = threading.Lock()
        self.acquired = 0

    def acquire(self) -> None:
        with self._count_lock:
            self.acquired += 1
        super().acquire()

    async def aacquire(self) -> None:
        with self._count_lock:
            self.acquired += 1
        await super().aacquire()


@pytest.fixture
def emu(dingtalk_emulator_factory: Callable[..., Emulator]) -> Emulator:
    directory = Directory.from_dict(
        {"corps": [{"corpId": "ding-big"}], "users": [{"unionId": u, "corpIds": ["ding-big"]} for u in USERS]}
    )
    return dingtalk_emulator_factory(directory=directory, qps_limit=QUOTA)


def _calendar(client: CalendarClient) -> str:
    from dingtalk_calendar import Scope

    return client.create(USERS[0], name="All hands", scope=Scope(organisations=["ding-big"])).calendar_id


def test_a_throttled_bulk_job_fails_no_user_and_every_retry_takes_a_limiter_slot(emu: Emulator) -> None:
    app = emu.internal_app
    with CalendarClient(emu.issue_token(app), base_url=emu.url) as client:
        calendar = _calendar(client)
        limiter = CountingLimit(JOB_RATE)
        before = emu.stats.requests("subscribeCalendar")
        result = client.bulk_subscribe(calendar, USERS, concurrency=8, rate_limiter=limiter)
    assert result.failed == ()
    assert sorted(result.done) == USERS
    assert result.throttled > 0
    sent = emu.stats.requests("subscribeCalendar") - before
    assert sent == len(USERS) + result.throttled  # one accepted call per user, plus each throttled one
    assert limiter.acquired == sent  # no retry went around the job's limiter
    assert sorted(emu.state.subscribers(calendar)) == USERS


async def test_an_async_throttled_bulk_job_fails_no_user(emu: Emulator) -> None:
    app = emu.internal_app
    with CalendarClient(emu.issue_token(app), base_url=emu.url) as sync_client:
        calendar = _calendar(sync_client)
    async with AsyncCalendarClient(emu.issue_token(app), base_url=emu.url) as client:
        limiter = CountingLimit(JOB_RATE)
        before = emu.stats.requests("subscribeCalendar")
        result = await client.bulk_subscribe(calendar, USERS, concurrency=8, rate_limiter=limiter)
    assert result.failed == ()
    assert result.throttled > 0
    assert limiter.acquired == emu.stats.requests("subscribeCalendar") - before


def test_past_the_time_limit_a_throttled_user_fails_with_the_throttling_error(emu: Emulator) -> None:
    emu.qps_limit = 1
    with CalendarClient(emu.issue_token(emu.internal_app), base_url=emu.url) as client:
        calendar = _calendar(client)
        # 30 users at 1 a second cannot be done within 0.5 s, however fast the machine.
        result = client.bulk_subscribe(calendar, USERS, concurrency=8, rate_limiter=RateLimit(JOB_RATE), time_limit=0.5)
    assert result.failed
    assert all(isinstance(failure.error, RateLimitError) for failure in result.failed)
    assert len(result.done) + len(result.failed) + len(result.not_attempted) == len(USERS)


def test_the_pace_backs_off_once_per_episode_and_recovers_to_the_limiter_rate() -> None:
    now = [0.0]
    pacing = ThrottlePacing(20.0, clock=lambda: now[0])
    assert pacing.reserve() == (0.0, 0)  # unthrottled: the limiter alone sets the pace
    pacing.throttled(0)
    pacing.throttled(0)  # a second answer to a call sent before the cut: no second cut
    assert pacing.rate == pytest.approx(20.0 * DECREASE)
    wait, episode = pacing.reserve()
    assert wait > 0
    assert episode == 1
    for _ in range(300):
        pacing.succeeded()
    # Quickly back to just under the pace that was throttled, not to it: that pace drew a throttle.
    assert 20.0 * DECREASE < pacing.rate <= pacing.ceiling < 20.0 * CEILING_KEEP + 0.2
    for _ in range(10_000):
        pacing.succeeded()
    assert pacing.rate == 20.0  # the ceiling creeps back: a passing spell of load is forgotten
    for episode in range(1, 200):
        pacing.throttled(episode)
    assert pacing.rate == FLOOR
