"""Each organisation's budgets, kept in Redis so that every worker on every host shares them.

DingTalk counts a third-party suite per customer organisation: per second and per minute
for each API (``QpsLimitForSuitekeyAndOrgAndApi``, ``QpmLimitForSuitekeyAndOrgAndApi``),
and per month for all calls (``ApiCountLimitForOrg``). The per-second and per-minute
budgets are :class:`~dingtalk_calendar.RedisRateLimit` keys named by
:func:`~dingtalk_calendar.budget_key`, taken with ``reserve()`` (a slot, never a sleep),
and a call is sent only when the last second's calls, as sent, leave room (``admit``);
the month is a counter per organisation and calendar month (UTC) that a call must
increment below the budget. An organisation is stopped for the rest of the month once its
budget is spent or DingTalk answers ``ApiCountLimitForOrg``; the others go on.
"""

import time
import uuid
from calendar import monthrange
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from attrs import field, frozen, validators

from .._rate_limit import RedisRateLimit, budget_key

_QUOTA_CACHE_SECONDS: Final = 5.0
"""How long a worker trusts the per-organisation figures it read from Redis."""

# KEYS[1]: a sorted set of the calls sent in the last window. ARGV[1]: the limit, ARGV[2]: the
# window (microseconds), ARGV[3]: a unique member. Admits the call (recording it) when fewer than
# the limit were sent in the window before now; else returns the microseconds until one leaves it.
_WINDOW_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

# KEYS[1]: the month's counter. ARGV[1]: the budget, ARGV[2]: the key's lifetime (s).
# Counts one call if the budget allows it; 1 when counted, 0 when the budget is spent.
_SPEND_SCRIPT: Final = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


@frozen
class OrgBudget:
    """What the fleet allows itself for one organisation (keep it under DingTalk's figures).

    ``per_second`` and ``per_minute`` count each API apart, as DingTalk does; ``monthly``
    counts every call of the organisation (None: no monthly budget).
    """

    per_second: float = field(default=19.0, validator=validators.gt(0))
    per_minute: int | None = None
    monthly: int | None = 5000

    def to_redis(self) -> dict[str, str]:
        return {
            "per_second": repr(self.per_second),
            "per_minute": "" if self.per_minute is None else str(self.per_minute),
            "monthly": "" if self.monthly is None else str(self.monthly),
        }

    @classmethod
    def from_redis(cls, data: dict[bytes, bytes], default: "OrgBudget") -> "OrgBudget":
        if not data:
            return default

        def number(name: str) -> int | None:
            text = data.get(name.encode(), b"").decode()
            return int(text) if text else None

        return cls(float(data[b"per_second"].decode()), number("per_minute"), number("monthly"))


def month_bounds(now: float) -> tuple[str, float]:
    """The calendar month (UTC) of ``now``: its name (``2026-12``) and when the next one starts."""
    moment = datetime.fromtimestamp(now, UTC)
    days = monthrange(moment.year, moment.month)[1]
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return f"{moment:%Y-%m}", start.timestamp() + days * 86400.0


class Budgets:
    """The budgets of one suite's organisations, in Redis (``redis_client``: a ``redis.Redis``)."""

    def __init__(
        self,
        redis_client: Any,
        suite_key: str,
        *,
        default: OrgBudget | None = None,
        prefix: str = "dingtalk:fleet",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis_client
        self.suite_key = suite_key
        self.default = default or OrgBudget()
        self._prefix = prefix
        self._clock = clock
        self._spend = redis_client.register_script(_SPEND_SCRIPT)
        self._window = redis_client.register_script(_WINDOW_SCRIPT)
        self._cache: dict[str, tuple[float, OrgBudget]] = {}
        self._limiters: dict[tuple[str, str, OrgBudget], RedisRateLimit] = {}

    def _budget_key(self, corp_id: str) -> str:
        return f"{self._prefix}:budget:{self.suite_key}:{corp_id}"

    def _stop_key(self, corp_id: str, month: str) -> str:
        return f"{self._prefix}:stopped:{self.suite_key}:{corp_id}:{month}"

    def _month_key(self, corp_id: str, month: str) -> str:
        return f"{self._prefix}:monthly:{self.suite_key}:{corp_id}:{month}"

    def set(self, corp_id: str, budget: OrgBudget) -> None:
        """Give one organisation its own figures (every worker reads them within a few seconds)."""
        self._redis.hset(self._budget_key(corp_id), mapping=budget.to_redis())
        self._cache.pop(corp_id, None)

    def get(self, corp_id: str) -> OrgBudget:
        """The organisation's figures: its own, else the default."""
        now = time.monotonic()
        cached = self._cache.get(corp_id)
        if cached is not None and now - cached[0] < _QUOTA_CACHE_SECONDS:
            return cached[1]
        budget = OrgBudget.from_redis(self._redis.hgetall(self._budget_key(corp_id)), self.default)
        self._cache[corp_id] = (now, budget)
        return budget

    def reserve(self, corp_id: str, api: str) -> float:
        """Take the organisation's next per-second (and per-minute) slot for ``api``: seconds until it is due."""
        budget = self.get(corp_id)
        limiter = self._limiters.get((corp_id, api, budget))
        if limiter is None:
            key = budget_key(self.suite_key, api, corp_id)
            limiter = RedisRateLimit(self._redis, key, budget.per_second, per_minute=budget.per_minute)
            self._limiters[(corp_id, api, budget)] = limiter
        return limiter.reserve()

    def admit(self, corp_id: str, api: str) -> float:
        """Record a call about to be sent, if the last second holds fewer than the budget's: 0.0,
        else the seconds until one leaves the second (nothing recorded).

        ``reserve`` spaces calls out, but a call run from a job engine's countdown may start
        late, next to one on time; DingTalk counts calls as they arrive, and so does this.
        """
        limit = max(1, int(self.get(corp_id).per_second))
        key = budget_key(self.suite_key, api, corp_id) + ":sent"
        wait_us = int(self._window(keys=[key], args=[limit, 1_000_000, uuid.uuid4().hex]))
        return wait_us / 1_000_000

    def spend_month(self, corp_id: str) -> bool:
        """Count one call against the organisation's month; False (and the organisation stopped) when spent."""
        monthly = self.get(corp_id).monthly
        if monthly is None:
            return True
        month, next_month = month_bounds(self._clock())
        lifetime = int(next_month - self._clock()) + 86400
        if int(self._spend(keys=[self._month_key(corp_id, month)], args=[monthly, lifetime])):
            return True
        self.stop(corp_id)
        return False

    def used_this_month(self, corp_id: str) -> int:
        """Calls counted against the organisation's budget this month."""
        month, _ = month_bounds(self._clock())
        return int(self._redis.get(self._month_key(corp_id, month)) or 0)

    def stop(self, corp_id: str) -> None:
        """Stop every job's work for this organisation until the month ends."""
        month, next_month = month_bounds(self._clock())
        self._redis.set(self._stop_key(corp_id, month), "1", exat=int(next_month) + 1)

    def stopped_until(self, corp_id: str) -> float | None:
        """When the organisation may work again (the next month), or None when it is not stopped."""
        month, next_month = month_bounds(self._clock())
        return next_month if self._redis.exists(self._stop_key(corp_id, month)) else None
