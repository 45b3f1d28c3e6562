"""Client-side rate limiting, to stay under DingTalk's per-app, per-API quota (about 20 calls a second).

Both limiters use GCRA (the generic cell rate algorithm): one timestamp per key, the
"theoretical arrival time" of the next call, pushed ``1 / rate`` seconds on by each call.
A caller waits until that time is at most ``burst / rate`` ahead of now. It spaces calls
evenly, so no one-second window sees more than ``rate`` calls (plus ``burst`` - 1).

- :class:`RateLimit` holds the timestamp in memory: one process.
- :class:`RedisRateLimit` holds it in Redis and updates it atomically with a Lua script on
  Redis's own clock, so every process and host of a fleet that uses one app shares one budget.

DingTalk also counts per minute (``QpmLimitForAppkeyAndApi``,
``QpmLimitForSuitekeyAndOrgAndApi``, figures unpublished): give ``per_minute`` and a call
waits for both budgets, the minute's spread evenly (one call every ``60 / per_minute`` s).
A third-party suite is counted per customer organisation: one budget per organisation,
with a key from :func:`budget_key` naming the ``corp_id``
(``zh/how-to-process-api-throttling-on-the-dingtalk-server.md``, ``zh/server-api-error-codes-1.md``).
"""

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

from attrs import field, frozen

from .._checks import is_whole, number
from .._errors import ConfigurationError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

DEFAULT_BULK_RATE: Final = 19.0
"""Calls per second: just under DingTalk's quota of about 20 per app and API."""


def budget_key(app_key: str, api: str, corp_id: str | None = None) -> str:
    """A Redis key for the budget DingTalk counts: per app and API, or per suite, organisation and API."""
    return f"dingtalk:rate:{app_key}:{corp_id}:{api}" if corp_id else f"dingtalk:rate:{app_key}:{api}"


def _per_minute_budget(per_minute: int | None) -> "_Budget | None":
    if per_minute is None:
        return None
    if not is_whole(per_minute) or per_minute < 1:
        raise ConfigurationError(f"RateLimit per_minute must be None or a whole number, 1 or more, not {per_minute!r}")
    return _Budget(per_minute / 60.0)


class RateLimiter(Protocol):
    """Waits until the next call may start (sync)."""

    def acquire(self) -> None: ...


class AsyncRateLimiter(Protocol):
    """Waits until the next call may start (async)."""

    async def aacquire(self) -> None: ...


@frozen
class _Budget:
    rate: float = field(validator=number("RateLimit", above=True))
    burst: int = field(default=1, validator=number("RateLimit", least=1, whole=True))

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    def wait_and_next(self, now: float, arrival: float) -> tuple[float, float]:
        """For a call at ``now`` with stored arrival time ``arrival``: (seconds to wait, new arrival time)."""
        arrival = max(arrival, now)
        wait = max(0.0, arrival - (self.burst - 1) * self.interval - now)
        return wait, arrival + self.interval


class RateLimit:
    """At most ``rate`` calls a second in this process, evenly spaced; ``burst`` may start at once.

    ``per_minute``: also at most that many calls a minute, evenly spaced.
    """

    def __init__(
        self,
        rate: float = DEFAULT_BULK_RATE,
        *,
        burst: int = 1,
        per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._budget = _Budget(rate, burst)
        self._minute = _per_minute_budget(per_minute)
        self.per_minute = per_minute
        self._clock = clock
        self._arrival = 0.0
        self._minute_arrival = 0.0
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        return self._budget.rate

    def _reserve(self) -> float:
        # Reserving under a lock and sleeping outside it lets waiters queue up in order.
        with self._lock:
            now = self._clock()
            wait, self._arrival = self._budget.wait_and_next(now, self._arrival)
            if self._minute is not None:
                minute_wait, self._minute_arrival = self._minute.wait_and_next(now, self._minute_arrival)
                wait = max(wait, minute_wait)
        return wait

    def acquire(self) -> None:
        wait = self._reserve()
        if wait > 0:
            time.sleep(wait)

    async def aacquire(self) -> None:
        wait = self._reserve()
        if wait > 0:
            import asyncio  # here, not at import: a sync application never loads it

            await asyncio.sleep(wait)

    def __repr__(self) -> str:
        minute = f", per_minute={self.per_minute}" if self.per_minute is not None else ""
        return f"RateLimit(rate={self._budget.rate}, burst={self._budget.burst}{minute})"


# KEYS[i]: the arrival-time key of budget i. ARGV[2i-1], ARGV[2i]: its interval and burst
# allowance in microseconds. Every budget takes its slot; returns the longest wait in
# microseconds. Redis's TIME keeps the hosts of a fleet on one clock.
_GCRA_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local longest = 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local allowance = tonumber(ARGV[2 * i])
  local arrival = tonumber(redis.call('GET', key) or '0')
  if arrival < now then arrival = now end
  local wait = arrival - allowance - now
  if wait > longest then longest = wait end
  local next_arrival = arrival + interval
  redis.call('SET', key, next_arrival, 'PX', math.ceil((next_arrival - now) / 1000) + 1000)
end
return longest
"""


class RedisRateLimit:
    """At most ``rate`` calls a second across every process that uses the same Redis ``key``.

    Give it a sync client (``redis.Redis``) for the sync SDK client, an async one
    (``redis.asyncio.Redis``) for the async client, or a URL and it makes the one it needs.
    Name the key after the app and API it protects, e.g. ``"dingtalk:rate:<appKey>:subscribe"``
    (:func:`budget_key`; for a third-party suite, one key per customer organisation).
    ``per_minute`` adds a per-minute budget, kept under ``key + ":minute"``.
    """

    def __init__(
        self,
        redis_client: "str | redis.Redis | redis.asyncio.Redis",
        key: str,
        rate: float = DEFAULT_BULK_RATE,
        *,
        burst: int = 1,
        per_minute: int | None = None,
    ) -> None:
        self._budget = _Budget(rate, burst)
        self._minute = _per_minute_budget(per_minute)
        self.per_minute = per_minute
        self._client = redis_client
        self.key = key
        self._sync: Any = None
        self._async: Any = None

    def _keys(self) -> list[str]:
        return [self.key] if self._minute is None else [self.key, self.key + ":minute"]

    def _args(self) -> tuple[int, ...]:
        args: list[int] = []
        for budget in (self._budget, self._minute):
            if budget is not None:
                interval = round(budget.interval * 1_000_000)
                args += [interval, interval * (budget.burst - 1)]
        return tuple(args)

    def _reserve(self) -> float:
        """Take the next slot; the seconds to wait before using it."""
        if self._sync is None:
            self._sync = _script(self._client, asynchronous=False)
        return int(self._sync(keys=self._keys(), args=self._args())) / 1_000_000

    def acquire(self) -> None:
        wait = self._reserve()
        if wait > 0:
            time.sleep(wait)

    async def aacquire(self) -> None:
        if self._async is None:
            self._async = _script(self._client, asynchronous=True)
        wait_us = int(await self._async(keys=self._keys(), args=self._args()))
        if wait_us > 0:
            import asyncio

            await asyncio.sleep(wait_us / 1_000_000)

    def __repr__(self) -> str:
        minute = f", per_minute={self.per_minute}" if self.per_minute is not None else ""
        return f"RedisRateLimit(key={self.key!r}, rate={self._budget.rate}, burst={self._budget.burst}{minute})"


def _script(client: Any, *, asynchronous: bool) -> Any:
    """The rate script registered on ``client``, or on a client made from ``client`` when it is a URL."""
    if isinstance(client, str):
        try:
            import redis.asyncio
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError("RedisRateLimit needs redis-py: pip install 'dingtalk-calendar[redis]'") from error
        client = (redis.asyncio.Redis if asynchronous else redis.Redis).from_url(client)
    return client.register_script(_GCRA_SCRIPT)
