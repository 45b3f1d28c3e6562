"""Each organisation's budgets, kept in Redis so that every worker on every host shares them.

DingTalk counts a third-party suite per customer organisation: per second and per minute
for each API (``QpsLimitForSuitekeyAndOrgAndApi``, ``QpmLimitForSuitekeyAndOrgAndApi``),
and per month for all calls (``ApiCountLimitForOrg``). A call is sent only when the
organisation's last second and last minute of calls, as sent, leave room (``admit``: two
sliding windows under :func:`~dingtalk_calendar.budget_key`, on Redis's clock); else the
answer is when a place frees, for the engine to schedule the call then.
:class:`~dingtalk_calendar.RedisRateLimit` is not used: it spaces calls by making the
caller sleep, and a worker of a job engine must not. The month is a counter per
organisation and calendar month (UTC) that a call must increment below the budget. An
organisation is stopped for the rest of the month once its budget is spent or DingTalk
answers ``ApiCountLimitForOrg``; the others go on.
"""

import time
import uuid
from calendar import monthrange
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from attrs import field, frozen, validators

from .._rate_limit import budget_key

_QUOTA_CACHE_SECONDS: Final = 5.0
"""How long a worker trusts the per-organisation figures it read from Redis."""

# KEYS[i]: a sorted set of the calls sent in window i. ARGV[1]: a unique member; ARGV[2i],
# ARGV[2i+1]: window i's limit and length (microseconds). When every window holds fewer calls
# than its limit, the call is recorded in each and 0 returned; else nothing is recorded and
# the answer is the microseconds until the fullest window has room.
_WINDOW_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now, 1)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 1]) / 1000) + 1000)
end
return 0
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

    ``per_second`` (whole calls: 19.5 allows 19) and ``per_minute`` count each API apart, as
    DingTalk does; ``monthly`` counts every call of the organisation (None: no monthly budget).
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

    def admit(self, corp_id: str, api: str) -> float:
        """Record a call of ``api`` about to be sent when the organisation's last second and last
        minute leave room for it: 0.0; else nothing is recorded and the answer is the seconds
        until they do. DingTalk counts calls as they arrive, and so does this."""
        budget = self.get(corp_id)
        key = budget_key(self.suite_key, api, corp_id)
        keys, args = [key + ":second"], [uuid.uuid4().hex, max(1, int(budget.per_second)), 1_000_000]
        if budget.per_minute is not None:
            keys.append(key + ":minute")
            args += [budget.per_minute, 60_000_000]
        return int(self._window(keys=keys, args=args)) / 1_000_000

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
