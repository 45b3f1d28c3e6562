"""Bulk subscribe of many users against the emulator's per-app quota, checked against the server's state.

The SDK's defaults are used as a user would: ``CalendarClient.bulk_subscribe`` with its
default concurrency and rate limiter (GCRA at ``DEFAULT_BULK_RATE``, burst 1). Afterwards
every user must be in exactly one of the job's lists, and the users the emulator holds as
subscribers must be exactly the ``done`` ones.
"""

import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dingtalk_calendar import DEFAULT_BULK_RATE, BulkResult, CalendarClient, InternalAppCredentials, Progress, Scope

from .directory_file import BULK_CORP, bulk_user_ids, write_directory
from .emulator_process import EmulatorInfo, EmulatorProcess
from .log import log

QUOTA: int = 20
"""The emulator's default and DingTalk's documented quota: requests per app and API per second."""
_SUBSCRIBE = "subscribeCalendar"


@dataclass(frozen=True)
class BulkOutcome:
    users: int
    quota_per_s: int
    limiter_rate_per_s: float
    seconds: float
    rate_per_s: float
    """Users done per second of the whole job."""
    share_of_quota: float
    done: int
    already_done: int
    failed: int
    not_attempted: int
    lost: int
    """Users in no list, or done but not subscribed on the server, or subscribed but not done."""
    duplicated: int
    """Users in more than one list, or more than once in one."""
    subscribed_on_server: int
    subscribe_requests: int
    """Subscribe requests the server received (retries included)."""
    throttled_answers: int
    """Subscribe requests the server refused for the quota."""
    failure_codes: dict[str, int]


class _ProgressLog:
    """A line every ``every`` seconds, from whichever worker thread settles a user."""

    def __init__(self, total: int, every: float = 30.0) -> None:
        self.total, self.every = total, every
        self._start = self._last = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.every and progress.settled < self.total:
                return
            self._last = now
        rate = progress.settled / max(now - self._start, 1e-9)
        log(f"bulk: {progress.settled}/{self.total} settled, {rate:.2f} users/s")


@dataclass(frozen=True)
class _Run:
    calendar_id: str
    result: BulkResult
    seconds: float
    state: dict[str, Any]
    subscribe_statuses: dict[str, int]


def _run_job(info: EmulatorInfo, user_ids: list[str]) -> tuple[str, BulkResult, float]:
    credentials = InternalAppCredentials(info.app_key, info.app_secret)
    with CalendarClient(credentials, base_url=info.url) as client:
        scope = Scope(organisations=[BULK_CORP])
        calendar_id = client.create(user_ids[0], name="Bench bulk", scope=scope).calendar_id
        minutes = len(user_ids) / DEFAULT_BULK_RATE / 60
        log(f"bulk: {len(user_ids)} users at the default limiter's {DEFAULT_BULK_RATE:g}/s take ~{minutes:.1f} min")
        start = time.perf_counter()
        result = client.bulk_subscribe(calendar_id, user_ids, on_progress=_ProgressLog(len(user_ids)))
        return calendar_id, result, time.perf_counter() - start


def _run(user_ids: list[str]) -> _Run:
    with tempfile.TemporaryDirectory(prefix="dingtalk-bench-") as tmp:
        directory = Path(tmp) / "directory.json"
        write_directory(directory, user_ids)
        with EmulatorProcess(qps_limit=QUOTA, directory=directory) as emulator:
            calendar_id, result, seconds = _run_job(emulator.info, user_ids)
            statuses = emulator.stats()["statuses"].get(_SUBSCRIBE, {})
            return _Run(calendar_id, result, seconds, emulator.state(), {k: int(v) for k, v in statuses.items()})


def measure_bulk(users: int) -> BulkOutcome:
    user_ids = bulk_user_ids(users)
    run = _run(user_ids)
    result = run.result
    subscribed = {user for user, calendars in run.state["subscriptions"].items() if run.calendar_id in calendars}
    listed = Counter([*result.done, *result.already_done, *(f.user_id for f in result.failed), *result.not_attempted])
    done = set(result.done)
    lost = len(set(user_ids) - set(listed)) + len(done - subscribed) + len(subscribed - done)
    rate = len(result.done) / run.seconds
    return BulkOutcome(
        users=users,
        quota_per_s=QUOTA,
        limiter_rate_per_s=DEFAULT_BULK_RATE,
        seconds=run.seconds,
        rate_per_s=rate,
        share_of_quota=rate / QUOTA,
        done=len(result.done),
        already_done=len(result.already_done),
        failed=len(result.failed),
        not_attempted=len(result.not_attempted),
        lost=lost,
        duplicated=sum(n - 1 for n in listed.values() if n > 1),
        subscribed_on_server=len(subscribed),
        subscribe_requests=sum(run.subscribe_statuses.values()),
        throttled_answers=run.subscribe_statuses.get("403", 0),
        failure_codes=dict(Counter(str(f.code) for f in result.failed)),
    )
