"""The limiter's per-minute and per-organisation budgets (DingTalk's QpmLimit* and *ForSuitekeyAndOrgAndApi)."""

import asyncio
from typing import Any

import pytest

from dingtalk_calendar import ConfigurationError, RateLimit, RedisRateLimit, budget_key
from tests.redis_server import RedisServer


def test_a_per_minute_budget_spreads_the_minute_evenly() -> None:
    now = [0.0]
    limiter = RateLimit(rate=20, per_minute=6, clock=lambda: now[0])
    # Six a minute: one every ten seconds, though the per-second budget would allow twenty.
    assert [limiter._reserve() for _ in range(3)] == pytest.approx([0.0, 10.0, 20.0])
    now[0] = 600.0  # idle: no credit hoarded
    assert limiter._reserve() == pytest.approx(0.0)


def test_without_a_per_minute_budget_only_the_second_counts() -> None:
    now = [0.0]
    limiter = RateLimit(rate=20, clock=lambda: now[0])
    assert [limiter._reserve() for _ in range(3)] == pytest.approx([0.0, 0.05, 0.1])


@pytest.mark.parametrize(
    "setting", [{"per_minute": 0}, {"rate": 0}, {"rate": "19"}, {"burst": 0}, {"burst": 1.5}], ids=repr
)
def test_a_budget_that_cannot_work_is_a_configuration_error_naming_it(setting: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(setting))):
        RateLimit(**setting)


def test_budget_keys_count_a_suite_per_organisation() -> None:
    assert budget_key("app", "subscribeCalendar") == "dingtalk:rate:app:subscribeCalendar"
    acme, globex = (budget_key("suite", "subscribeCalendar", corp) for corp in ("ding-acme", "ding-globex"))
    assert acme != globex
    assert "ding-acme" in acme


def test_redis_per_minute_budget_is_shared_and_separate_per_organisation() -> None:
    server = RedisServer()
    server.start()
    try:
        key = budget_key("suite", "subscribeCalendar", "ding-acme")
        first = RedisRateLimit(server.url, key, rate=50, per_minute=6)
        second = RedisRateLimit(server.url, key, rate=50, per_minute=6)
        # Two processes on one organisation's key share one minute: 0, 10, 20, 30 s (Redis's clock moves a little).
        waits = [limiter._reserve() for _ in range(2) for limiter in (first, second)]
        assert waits == pytest.approx([0.0, 10.0, 20.0, 30.0], abs=0.5)
        other = RedisRateLimit(server.url, budget_key("suite", "subscribeCalendar", "ding-globex"), per_minute=6)
        assert other._reserve() == pytest.approx(0.0, abs=0.5)  # another organisation, another budget

        async def async_side() -> float:
            limiter = RedisRateLimit(server.url, key + ":async", rate=1000, per_minute=600)
            await limiter.aacquire()
            return 0.0

        assert asyncio.run(async_side()) == 0.0
        assert "per_minute=6" in repr(first)
    finally:
        server.stop()
