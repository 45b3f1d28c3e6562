"""A fleet job's ledger in Redis: each user's outcome, leases on units being worked, counts.

It is what survives a worker: a worker that dies loses no record, and a unit delivered
twice (a requeued message, a resumed job) finds its outcome here and is not called again.

Keys, under ``<prefix>:job:<job id>:``: ``meta`` (the operation and each organisation's
calendar), ``users:<corp>`` (the users of each organisation, as submitted), ``outcome``
(one field per unit: ``<corp> <user>`` -> ``kind`` or ``kind|detail``), ``batches:<corp>``
(the organisation's batches, in the order they are sent), ``counts`` (per
kind, and ``<corp>:<kind>``, ``<corp>:settled``), ``total`` (per organisation),
``finished`` (when each organisation's last unit settled), ``lease:<corp> <user>``.
"""

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

Kind = Literal["done", "failed", "deferred"]
"""How a unit settled: done; failed (with a typed reason); deferred past the engine's horizon (parked)."""

KINDS: Final[tuple[Kind, ...]] = ("done", "failed", "deferred")

# KEYS: outcome, counts, totals, finished, lease. ARGV: field, kind, value, corp, now, holder.
# Records the unit's outcome; "done" is final. Counts move with it; the organisation's
# finish time is set when its last unit first settles; the holder's lease goes. 1 when recorded.
_SETTLE_SCRIPT: Final = """
if redis.call('GET', KEYS[5]) == ARGV[6] then redis.call('DEL', KEYS[5]) end
local old = redis.call('HGET', KEYS[1], ARGV[1])
local corp = ARGV[4]
if old then
  local old_kind = string.match(old, '^[^|]*')
  if old_kind == 'done' then return 0 end
  redis.call('HINCRBY', KEYS[2], old_kind, -1)
  redis.call('HINCRBY', KEYS[2], corp .. ':' .. old_kind, -1)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HINCRBY', KEYS[2], corp .. ':' .. ARGV[2], 1)
if not old then
  local settled = redis.call('HINCRBY', KEYS[2], corp .. ':settled', 1)
  local total = tonumber(redis.call('HGET', KEYS[3], corp) or '-1')
  if settled == total then redis.call('HSETNX', KEYS[4], corp, ARGV[5]) end
end
return 1
"""

# KEYS: outcome, lease. ARGV: field, holder, lease (ms). -1 when the unit is done already;
# 0 when this holder took the lease; else the milliseconds left on another holder's lease.
_CLAIM_SCRIPT: Final = """
local outcome = redis.call('HGET', KEYS[1], ARGV[1])
if outcome == 'done' then return -1 end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[2]))
"""

# KEYS[1]: the lease. ARGV[1]: the holder. Deletes the lease only if this holder has it.
_RELEASE_SCRIPT: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class UnknownJobError(LookupError):
    """No job of this id in the ledger."""


class Ledger:
    """One Redis ledger for every job (``redis_client``: a ``redis.Redis``)."""

    def __init__(self, redis_client: Any, *, prefix: str = "dingtalk:fleet") -> None:
        self._redis = redis_client
        self._prefix = prefix
        self._settle = redis_client.register_script(_SETTLE_SCRIPT)
        self._release = redis_client.register_script(_RELEASE_SCRIPT)
        self._claim = redis_client.register_script(_CLAIM_SCRIPT)
        self.holder = uuid.uuid4().hex
        """This process's name on the leases it takes."""

    def _key(self, job_id: str, name: str) -> str:
        return f"{self._prefix}:job:{job_id}:{name}"

    # -- a job's shape -------------------------------------------------------------------

    def create(self, job_id: str, operation: str, work: Mapping[str, tuple[str, Iterable[str]]]) -> dict[str, int]:
        """Record a new job: ``work`` maps each organisation to (calendar, users). Users per organisation."""
        if self._redis.exists(self._key(job_id, "meta")):
            raise ValueError(f"a fleet job {job_id!r} exists already: resume it, or choose another id")
        totals: dict[str, int] = {}
        calendars: dict[str, str] = {}
        pipe = self._redis.pipeline(transaction=True)
        for corp_id, (calendar_id, users) in work.items():
            unique = list(dict.fromkeys(users))
            calendars[corp_id] = calendar_id
            totals[corp_id] = len(unique)
            if unique:
                pipe.rpush(self._key(job_id, f"users:{corp_id}"), *unique)
        if totals:
            pipe.hset(self._key(job_id, "total"), mapping=totals)
        meta = {"operation": operation, "calendars": json.dumps(calendars), "created": repr(time.time())}
        pipe.hset(self._key(job_id, "meta"), mapping=meta)
        pipe.execute()
        return totals

    def meta(self, job_id: str) -> tuple[str, dict[str, str]]:
        """The job's operation, and each organisation's calendar."""
        data = self._redis.hgetall(self._key(job_id, "meta"))
        if not data:
            raise UnknownJobError(f"no fleet job {job_id!r} in the ledger")
        return data[b"operation"].decode(), json.loads(data[b"calendars"])

    def users(self, job_id: str, corp_id: str) -> list[str]:
        return [u.decode() for u in self._redis.lrange(self._key(job_id, f"users:{corp_id}"), 0, -1)]

    def totals(self, job_id: str) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self._redis.hgetall(self._key(job_id, "total")).items()}

    def add_batches(self, job_id: str, corp_id: str, batches: Iterable[list[str]]) -> int:
        """Append batches of one organisation's users; the index of the first one added.

        Batches are read by index and never removed, so that a worker dying between reading
        one and sending it loses nothing: the message it was working on comes back and reads
        the same index again.
        """
        encoded = [json.dumps(batch) for batch in batches]
        if not encoded:
            return 0
        return int(self._redis.rpush(self._key(job_id, f"batches:{corp_id}"), *encoded)) - len(encoded)

    def batch(self, job_id: str, corp_id: str, index: int) -> list[str] | None:
        """The organisation's batch at ``index``, or None past the last one."""
        value = self._redis.lindex(self._key(job_id, f"batches:{corp_id}"), index)
        return None if value is None else list(json.loads(value))

    # -- units ---------------------------------------------------------------------------

    @staticmethod
    def _field(corp_id: str, user_id: str) -> str:
        return f"{corp_id} {user_id}"

    def outcome(self, job_id: str, corp_id: str, user_id: str) -> str | None:
        """The unit's recorded outcome (``kind`` or ``kind|detail``), or None when not settled."""
        value = self._redis.hget(self._key(job_id, "outcome"), self._field(corp_id, user_id))
        return None if value is None else str(value.decode())

    def outcomes(self, job_id: str) -> dict[tuple[str, str], str]:
        """Every settled unit's outcome, by (organisation, user)."""
        result: dict[tuple[str, str], str] = {}
        for key, value in self._redis.hscan_iter(self._key(job_id, "outcome"), count=1000):
            corp_id, _, user_id = key.decode().partition(" ")
            result[(corp_id, user_id)] = value.decode()
        return result

    def settle(self, job_id: str, corp_id: str, user_id: str, kind: Kind, detail: str = "") -> bool:
        """Record the unit's outcome (a ``done`` one is never replaced) and drop our lease; True when recorded."""
        value = f"{kind}|{detail}" if detail else kind
        field = self._field(corp_id, user_id)
        keys = [self._key(job_id, name) for name in ("outcome", "counts", "total", "finished", f"lease:{field}")]
        args = [field, kind, value, corp_id, repr(time.time()), self.holder]
        return bool(self._settle(keys=keys, args=args))

    def claim(self, job_id: str, corp_id: str, user_id: str, lease_seconds: float) -> float | None:
        """Take the unit's lease: 0.0 when taken, None when the unit is done already, else the
        seconds until another holder's lease runs out."""
        field = self._field(corp_id, user_id)
        keys = [self._key(job_id, "outcome"), self._key(job_id, f"lease:{field}")]
        answer = int(self._claim(keys=keys, args=[field, self.holder, max(1, round(lease_seconds * 1000))]))
        return None if answer < 0 else answer / 1000

    def release(self, job_id: str, corp_id: str, user_id: str) -> None:
        self._release(keys=[self._key(job_id, f"lease:{self._field(corp_id, user_id)}")], args=[self.holder])

    # -- accounting ----------------------------------------------------------------------

    def counts(self, job_id: str) -> dict[str, int]:
        """Counts per kind and per ``<corp>:<kind>`` / ``<corp>:settled``."""
        return {k.decode(): int(v) for k, v in self._redis.hgetall(self._key(job_id, "counts")).items()}

    def finished(self, job_id: str) -> dict[str, float]:
        """When each finished organisation's last unit settled (``time.time()``)."""
        return {k.decode(): float(v) for k, v in self._redis.hgetall(self._key(job_id, "finished")).items()}

    def created(self, job_id: str) -> float:
        value = self._redis.hget(self._key(job_id, "meta"), "created")
        if value is None:
            raise UnknownJobError(f"no fleet job {job_id!r} in the ledger")
        return float(value)
