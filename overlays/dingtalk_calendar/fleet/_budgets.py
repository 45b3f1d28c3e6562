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

from .._bulk.rate_limit import budget_key

_QUOTA_CACHE_SECONDS: Final = 5.0
"""How long a worker trusts the per-organisation figures it read from Redis."""

# One step per call, so that every worker sees every other's calls at once.
# KEYS: the stop flag, the month's counter, a hash of calls sent (a job's ledger), then one
# sorted set per window of calls as sent.
# ARGV: a unique member, the monthly budget (-1: none), the flag's and counter's expiry (unix s),
# the field to set in the hash of calls sent ('': none) and its value (the sender), then each
# window's limit and length (microseconds).
# -1: the organisation is stopped for the month (set here when its budget is spent).
# 0: the call is admitted: recorded in each window, counted in the month, marked sent.
# Else the microseconds until the fullest window has room (nothing recorded).
_ADMIT_SCRIPT: Final = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local monthly = tonumber(ARGV[2])
if monthly >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= monthly then
  redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[3])
  return -1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
for i = 4, #KEYS do
  local limit = tonumber(ARGV[2 * i - 2])
  local window = tonumber(ARGV[2 * i - 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now, 1)
  end
end
if wait > 0 then return wait end
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2 * i - 1]) / 1000) + 1000)
end
if monthly >= 0 then
  redis.call('INCR', KEYS[2])
  redis.call('EXPIREAT', KEYS[2], ARGV[3])
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], ARGV[5]) end
return 0
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
        self._admit = redis_client.register_script(_ADMIT_SCRIPT)
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

    def admit(self, corp_id: str, api: str, sent: tuple[str, str, str] | None = None) -> float | None:
        """Admit a call of ``api`` about to be sent: 0.0, the call recorded in the organisation's
        last second and minute and counted in its month; the seconds until those windows have
        room (nothing recorded); or None when the organisation is stopped for the month (its
        budget spent now or before). DingTalk counts calls as they arrive, and so does this.

        ``sent`` (a hash, a field and a value: a ledger's mark that the unit's call went out,
        and who sent it) is set in the same step as the admission: one round trip, and no call
        sent unmarked."""
        budget = self.get(corp_id)
        month, next_month = month_bounds(self._clock())
        key = budget_key(self.suite_key, api, corp_id)
        sent_key, sent_field, sender = sent or (self._stop_key(corp_id, month), "", "")
        keys = [self._stop_key(corp_id, month), self._month_key(corp_id, month), sent_key, key + ":second"]
        monthly = -1 if budget.monthly is None else budget.monthly
        per_second = max(1, int(budget.per_second))
        args = [uuid.uuid4().hex, monthly, int(next_month) + 86400, sent_field, sender, per_second, 1_000_000]
        if budget.per_minute is not None:
            keys.append(key + ":minute")
            args += [budget.per_minute, 60_000_000]
        answer = int(self._admit(keys=keys, args=args))
        return None if answer < 0 else answer / 1_000_000

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
