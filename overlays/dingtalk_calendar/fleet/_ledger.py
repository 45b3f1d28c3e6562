"""A fleet job's ledger in Redis: each user's outcome, leases on units being worked, counts.

It is what survives a worker: a worker that dies loses no record, and a unit delivered
twice (a requeued message, a resumed job) finds its outcome here and is not called again.

Keys, under ``<prefix>:job:<job id>:``: ``meta`` (the operation and each organisation's
calendar), ``users:<corp>`` (the users of each organisation, as submitted), ``outcome``
(one field per unit: ``<corp> <user>`` -> ``kind`` or ``kind|detail``), ``batches:<corp>``
(the organisation's batches, in the order they are sent), ``counts`` (per
kind, and ``<corp>:<kind>``, ``<corp>:settled``), ``total`` (per organisation),
``finished`` (when each organisation's last unit settled), ``progress`` (when a unit of
each organisation last settled), ``lease:<corp> <user>``,
``sent`` (units whose call went out and whose answer is not recorded yet: a worker that
dies mid-call leaves its units there, and whoever takes them next reads DingTalk's state
before calling again), ``stopped`` (organisations this job stops: ``reason|message``).

A lease is ``holder`` (a process's name); a process keeps ``<prefix>:alive:<holder>``
alive while it runs, so a dead process's leases are taken over at once rather than when
they expire.
"""

import contextlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

from attrs import frozen

from .._errors import DingTalkError

Kind = Literal["done", "failed", "deferred"]
"""How a unit settled: done; failed (with a typed reason); deferred past the engine's horizon (parked)."""

KINDS: Final[tuple[Kind, ...]] = ("done", "failed", "deferred")

ALIVE_SECONDS: Final = 6.0
"""How long a process's ``alive`` mark lasts unless renewed (it renews it every ALIVE_SECONDS / 4)."""

# KEYS: outcome, counts, totals, finished, lease, sent, progress. ARGV: field, kind, value, corp, now, holder.
# Records the unit's outcome; "done" is final. Counts move with it; the organisation's
# finish time is set when its last unit first settles, its last progress every time; the
# holder's lease and the unit's "sent" mark go. 1 when recorded.
_SETTLE_SCRIPT: Final = """
if redis.call('GET', KEYS[5]) == ARGV[6] then redis.call('DEL', KEYS[5]) end
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('HSET', KEYS[7], ARGV[4], ARGV[5])
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

# KEYS: outcome, lease, sent, stopped. ARGV: field, holder, lease (ms), the alive marks' prefix, corp.
# {-1}: the unit is done already. {-3, reason}: the job stopped its organisation.
# {0, sent}: this holder took the lease (a free one, or a dead holder's); sent is 1 when an
# earlier holder's call went out and its answer was never recorded. {ms}: a live holder's
# lease (another process's, or another thread's of this one) has this long left.
_CLAIM_SCRIPT: Final = """
local outcome = redis.call('HGET', KEYS[1], ARGV[1])
if outcome == 'done' then return {-1} end
local stopped = redis.call('HGET', KEYS[4], ARGV[5])
if stopped then return {-3, stopped} end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  local holder = redis.call('GET', KEYS[2])
  if holder and (holder == ARGV[2] or redis.call('EXISTS', ARGV[4] .. holder) == 1) then
    return {math.max(1, redis.call('PTTL', KEYS[2]))}
  end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return {0, redis.call('HEXISTS', KEYS[3], ARGV[1])}
"""


@frozen
class Claim:
    """What :meth:`Ledger.claim` found: ``taken`` (the lease is ours), ``done`` already, another
    live holder's lease for ``wait`` more seconds, or the job's ``stopped`` reason for the
    unit's organisation. ``sent_before``: an earlier holder's call went out and its answer
    was lost (it died, or the connection did): DingTalk's state says whether it landed."""

    taken: bool = False
    done: bool = False
    wait: float = 0.0
    stopped: str | None = None
    sent_before: bool = False


# KEYS: the lease, sent. ARGV: the holder, field, 1 to drop the unit's "sent" mark (its call was answered).
# Deletes the lease only if this holder has it.
_RELEASE_SCRIPT: Final = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '1' then redis.call('HDEL', KEYS[2], ARGV[2]) end
return redis.call('DEL', KEYS[1])
"""


class UnknownJobError(DingTalkError, LookupError):
    """No job of this id in the ledger."""


class JobExistsError(DingTalkError, ValueError):
    """A job of this id is in the ledger already: resume it, or choose another id."""


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
        self._alive_prefix = f"{prefix}:alive:"
        self._process = f"{socket.gethostname()}:{os.getpid()}"
        self._beating: threading.Thread | None = None
        self._stop_beating = threading.Event()
        self._beat_lock = threading.Lock()

    # -- this process is alive -----------------------------------------------------------

    def _keep_alive(self) -> None:
        """Mark this holder alive now and every ALIVE_SECONDS / 4 in a thread, until :meth:`close`."""
        with self._beat_lock:
            if self._beating is not None:
                return
            self._redis.set(self._alive_prefix + self.holder, self._process, px=int(ALIVE_SECONDS * 1000))
            self._beating = threading.Thread(target=self._beat, name="fleet-ledger-alive", daemon=True)
            self._beating.start()

    def _beat(self) -> None:
        while not self._stop_beating.wait(ALIVE_SECONDS / 4):
            try:
                self._redis.set(self._alive_prefix + self.holder, self._process, px=int(ALIVE_SECONDS * 1000))
            except Exception:  # noqa: S112 - Redis away for a moment: the next beat tries again
                continue

    def close(self) -> None:
        """Stop marking this holder alive (its leases then go to the next claimant at once)."""
        self._stop_beating.set()
        if self._beating is not None:
            self._beating.join(timeout=5)
        with contextlib.suppress(Exception):  # the mark expires on its own
            self._redis.delete(self._alive_prefix + self.holder)

    def _key(self, job_id: str, name: str) -> str:
        return f"{self._prefix}:job:{job_id}:{name}"

    # -- a job's shape -------------------------------------------------------------------

    def create(self, job_id: str, operation: str, work: Mapping[str, tuple[str, Iterable[str]]]) -> dict[str, int]:
        """Record a new job: ``work`` maps each organisation to (calendar, users). Users per organisation."""
        if self._redis.exists(self._key(job_id, "meta")):
            raise JobExistsError(f"a fleet job {job_id!r} exists already: resume it, or choose another id")
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
        """Record the unit's outcome (a ``done`` one is never replaced), drop our lease and its
        ``sent`` mark; True when recorded."""
        value = f"{kind}|{detail}" if detail else kind
        field = self._field(corp_id, user_id)
        names = ("outcome", "counts", "total", "finished", f"lease:{field}", "sent", "progress")
        keys = [self._key(job_id, name) for name in names]
        args = [field, kind, value, corp_id, repr(time.time()), self.holder]
        return bool(self._settle(keys=keys, args=args))

    def claim(self, job_id: str, corp_id: str, user_id: str, lease_seconds: float) -> Claim:
        """Take the unit's lease, unless it is done, its organisation stopped, or a live holder has it."""
        self._keep_alive()
        field = self._field(corp_id, user_id)
        keys = [self._key(job_id, name) for name in ("outcome", f"lease:{field}", "sent", "stopped")]
        args = [field, self.holder, max(1, round(lease_seconds * 1000)), self._alive_prefix, corp_id]
        answer = self._claim(keys=keys, args=args)
        code = int(answer[0])
        if code == -1:
            return Claim(done=True)
        if code == -3:
            return Claim(stopped=answer[1].decode())
        if code > 0:
            return Claim(wait=code / 1000)
        return Claim(taken=True, sent_before=bool(int(answer[1])))

    def sent_mark(self, job_id: str, corp_id: str, user_id: str) -> tuple[str, str, str]:
        """Where the unit's call is marked as gone out (a hash, a field, this holder; ``Budgets.admit``
        sets it as it admits the call): until its answer is recorded, whoever takes the unit next
        reads DingTalk's state before calling again."""
        return self._key(job_id, "sent"), self._field(corp_id, user_id), self.holder

    def release(self, job_id: str, corp_id: str, user_id: str, *, answered: bool = True) -> None:
        """Drop our lease; ``answered``: the call (if any) had an answer, so its ``sent`` mark goes too."""
        field = self._field(corp_id, user_id)
        keys = [self._key(job_id, f"lease:{field}"), self._key(job_id, "sent")]
        self._release(keys=keys, args=[self.holder, field, "1" if answered else "0"])

    def unanswered(self, job_id: str) -> int:
        """Units whose call went out and whose answer is not recorded (now)."""
        return int(self._redis.hlen(self._key(job_id, "sent")))

    def unanswered_by_process(self, job_id: str) -> dict[str, int]:
        """Units whose call went out unanswered, by the sender's ``host:pid`` (while it is
        marked alive; ``?`` after), e.g. to count a killed worker's calls in flight."""
        by_process: dict[str, int] = {}
        for holder in self._redis.hvals(self._key(job_id, "sent")):
            alive = self._redis.get(self._alive_prefix + holder.decode())
            name = "?" if alive is None else alive.decode()
            by_process[name] = by_process.get(name, 0) + 1
        return by_process

    def count(self, job_id: str, name: str) -> None:
        """Add one to a job's named count (``counts``), e.g. ``read_after_lost_answer``."""
        self._redis.hincrby(self._key(job_id, "counts"), name, 1)

    # -- organisations a job stops -------------------------------------------------------

    def stop_organisation(self, job_id: str, corp_id: str, reason: str, message: str) -> None:
        """Stop this job's work for one organisation: its units fail with ``reason`` and no call."""
        self._redis.hset(self._key(job_id, "stopped"), corp_id, f"{reason}|{message}"[:500])

    def stopped_organisations(self, job_id: str) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self._redis.hgetall(self._key(job_id, "stopped")).items()}

    def restart_organisations(self, job_id: str) -> None:
        """Forget which organisations this job stopped (``resume`` tries them again)."""
        self._redis.delete(self._key(job_id, "stopped"))

    # -- accounting ----------------------------------------------------------------------

    def counts(self, job_id: str) -> dict[str, int]:
        """Counts per kind and per ``<corp>:<kind>`` / ``<corp>:settled``."""
        return {k.decode(): int(v) for k, v in self._redis.hgetall(self._key(job_id, "counts")).items()}

    def finished(self, job_id: str) -> dict[str, float]:
        """When each finished organisation's last unit settled (``time.time()``)."""
        return {k.decode(): float(v) for k, v in self._redis.hgetall(self._key(job_id, "finished")).items()}

    def last_progress(self, job_id: str) -> dict[str, float]:
        """When a unit of each organisation last settled (``time.time()``)."""
        return {k.decode(): float(v) for k, v in self._redis.hgetall(self._key(job_id, "progress")).items()}

    def touch(self, job_id: str, corp_ids: Iterable[str], now: float) -> None:
        """Count now as these organisations' last progress (their work was just sent again)."""
        self._redis.hset(self._key(job_id, "progress"), mapping=dict.fromkeys(corp_ids, repr(now)))

    def created(self, job_id: str) -> float:
        value = self._redis.hget(self._key(job_id, "meta"), "created")
        if value is None:
            raise UnknownJobError(f"no fleet job {job_id!r} in the ledger")
        return float(value)
