"""Subscribe or unsubscribe many users to one calendar, and say exactly what happened to each.

Every distinct user id given ends in exactly one of four lists of the :class:`BulkResult`
(a repeat of an id earlier in the input is listed in ``duplicates`` and not called again):

- ``done``: the call succeeded now;
- ``already_done``: named in ``already_done`` (a previous run's ``done``): no call is made;
- ``failed``: the call failed for this user (outside the scope, over the subscribe limit,
  still throttled or unreachable after the retries), with the error;
- ``not_attempted``: the job stopped before reaching it, because an error said every other
  call would fail too (bad credentials, a missing app permission, a calendar that is not a
  subscribed calendar, or the same ``invalidParameter`` answer for the first
  ``SAME_ERROR_LIMIT`` users with no success yet, as for an unknown calendar, whose message
  DingTalk does not document); ``stopped_by`` holds that error.

Calls go out ``concurrency`` at a time, paced by a rate limiter (default: just under DingTalk's
per-app quota); throttling answers are retried by the client's retry policy. A progress
callback hears about each user as it is settled, so a long job can be journaled and resumed
with ``already_done``.
"""

import threading
from collections.abc import Awaitable, Callable, Iterable
from inspect import isawaitable
from typing import Any, Final, Literal

from attrs import field, frozen

from dingtalk_calendar_api.spec_data import OPERATIONS

from ._errors import (
    AccessTokenPermissionDeniedError,
    AuthenticationError,
    DingTalkError,
    InvalidParameterError,
)
from ._rate_limit import AsyncRateLimiter, RateLimit, RateLimiter

Outcome = Literal["done", "already_done", "failed", "not_attempted"]

SAME_ERROR_LIMIT: Final = 3
"""Users failing alike with ``invalidParameter``, before any success, that stop the job."""

# Errors about the calendar (the spec's rows tagged ``field: calendarId``) or the app, not the
# user: every further call would fail alike.
_CALENDAR_ID_MESSAGES: Final = frozenset(
    error.message
    for operation in OPERATIONS.values()
    for error in operation.errors
    if error.field is not None
    and error.field in {p.name for p in operation.path_parameters if p.python_name == "calendar_id"}
)


def stops_the_job(error: DingTalkError) -> bool:
    if error.ends_bulk_job:  # the monthly quota, the IP allowlist, a ban of this IP: nothing else gets through
        return True
    if isinstance(error, AuthenticationError | AccessTokenPermissionDeniedError):
        return True
    return isinstance(error, InvalidParameterError) and error.reason in _CALENDAR_ID_MESSAGES


@frozen
class Failure:
    """One user whose call failed."""

    user_id: str
    error: DingTalkError = field(eq=False)

    @property
    def code(self) -> str | None:
        """DingTalk's error code, or None when there was no answer (a connection error)."""
        return getattr(self.error, "raw_code", None)

    @property
    def message(self) -> str:
        return str(self.error)


@frozen
class Progress:
    """Told to the progress callback each time a user is settled."""

    user_id: str
    outcome: Outcome
    settled: int
    """Users settled so far, this one included."""
    total: int
    error: DingTalkError | None = field(default=None, eq=False)


@frozen
class BulkResult:
    """What happened to each user of a bulk job (see the module's documentation)."""

    calendar_id: str
    done: tuple[str, ...]
    already_done: tuple[str, ...]
    failed: tuple[Failure, ...]
    not_attempted: tuple[str, ...]
    stopped_by: DingTalkError | None = field(default=None, eq=False)
    duplicates: tuple[str, ...] = ()
    """Ids given more than once, each repeat once; the first occurrence is in one of the lists."""

    @property
    def ok(self) -> bool:
        """True when every user is done or already done."""
        return not self.failed and not self.not_attempted

    @property
    def remaining(self) -> tuple[str, ...]:
        """The users to try again: failed, then not attempted."""
        return tuple(f.user_id for f in self.failed) + self.not_attempted

    def summary(self) -> str:
        line = (
            f"{len(self.done)} done, {len(self.already_done)} already done, "
            f"{len(self.failed)} failed, {len(self.not_attempted)} not attempted"
        )
        if self.duplicates:
            line += f" ({len(self.duplicates)} repeated ids skipped)"
        return line + (f"; stopped by: {self.stopped_by}" if self.stopped_by else "")


class _Ledger:
    """The outcome of every user, recorded once each, safe across threads."""

    def __init__(self, calendar_id: str, user_ids: Iterable[str], already_done: Iterable[str]) -> None:
        self.calendar_id = calendar_id
        self._lock = threading.Lock()
        previous = set(already_done)
        seen: set[str] = set()
        self.todo: list[str] = []
        self.already_done: list[str] = []
        self.duplicates: list[str] = []
        for user_id in user_ids:
            if user_id in seen:
                self.duplicates.append(user_id)
            elif user_id in previous:
                self.already_done.append(user_id)
            else:
                self.todo.append(user_id)
            seen.add(user_id)
        self.total = len(self.todo) + len(self.already_done)
        self.done: list[str] = []
        self.failed: list[Failure] = []
        self.stopped_by: DingTalkError | None = None
        self._settled_ids: set[str] = set()
        self._same_errors: dict[str, int] = {}

    @property
    def stopped(self) -> bool:
        return self.stopped_by is not None

    def settle(self, user_id: str, error: DingTalkError | None) -> Progress:
        with self._lock:
            if error is None:
                self.done.append(user_id)
            else:
                self.failed.append(Failure(user_id, error))
                if self.stopped_by is None and (stops_the_job(error) or self._failing_alike(error)):
                    self.stopped_by = error
            self._settled_ids.add(user_id)
            settled = len(self.already_done) + len(self._settled_ids)
        return Progress(user_id, "done" if error is None else "failed", settled, self.total, error)

    def _failing_alike(self, error: DingTalkError) -> bool:
        # Only while nothing has succeeded: then the answer is about the calendar, not the users.
        if self.done or not isinstance(error, InvalidParameterError):
            return False
        key = f"{error.raw_code}:{error.message}"
        self._same_errors[key] = self._same_errors.get(key, 0) + 1
        return self._same_errors[key] >= SAME_ERROR_LIMIT

    def initial_progress(self) -> list[Progress]:
        return [Progress(u, "already_done", i + 1, self.total) for i, u in enumerate(self.already_done)]

    def result(self) -> BulkResult:
        with self._lock:
            not_attempted = tuple(u for u in self.todo if u not in self._settled_ids)
            return BulkResult(
                calendar_id=self.calendar_id,
                done=tuple(self.done),
                already_done=tuple(self.already_done),
                failed=tuple(self.failed),
                not_attempted=not_attempted,
                stopped_by=self.stopped_by,
                duplicates=tuple(self.duplicates),
            )


def bulk_run(
    call: Callable[[str, str], Any],
    calendar_id: str,
    user_ids: Iterable[str],
    *,
    concurrency: int = 8,
    rate_limiter: RateLimiter | None = None,
    already_done: Iterable[str] = (),
    on_progress: Callable[[Progress], object] | None = None,
) -> BulkResult:
    """Run ``call(user_id, calendar_id)`` for each user, in threads; see the module's documentation."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ledger = _Ledger(calendar_id, user_ids, already_done)
    limiter = rate_limiter if rate_limiter is not None else RateLimit()
    report = on_progress or (lambda progress: None)
    for progress in ledger.initial_progress():
        report(progress)
    queue = iter(ledger.todo)
    queue_lock = threading.Lock()

    def next_user() -> str | None:
        with queue_lock:
            return None if ledger.stopped else next(queue, None)

    def worker() -> None:
        while (user_id := next_user()) is not None:
            limiter.acquire()
            if ledger.stopped:
                return  # the user stays "not attempted"
            try:
                call(user_id, calendar_id)
            except DingTalkError as error:
                report(ledger.settle(user_id, error))
            else:
                report(ledger.settle(user_id, None))

    from concurrent.futures import ThreadPoolExecutor  # here, not at import: only a bulk job needs it

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="dingtalk-bulk") as pool:
        for future in [pool.submit(worker) for _ in range(min(concurrency, len(ledger.todo)))]:
            future.result()  # re-raises what is not a DingTalkError (a bug, an interrupt)
    return ledger.result()


async def abulk_run(
    call: Callable[[str, str], Awaitable[Any]],
    calendar_id: str,
    user_ids: Iterable[str],
    *,
    concurrency: int = 8,
    rate_limiter: AsyncRateLimiter | None = None,
    already_done: Iterable[str] = (),
    on_progress: Callable[[Progress], object] | None = None,
) -> BulkResult:
    """The async twin of :func:`bulk_run`, in tasks; ``on_progress`` may be a coroutine function."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ledger = _Ledger(calendar_id, user_ids, already_done)
    limiter = rate_limiter if rate_limiter is not None else RateLimit()

    async def report(progress: Progress) -> None:
        if on_progress is not None:
            outcome = on_progress(progress)
            if isawaitable(outcome):
                await outcome

    for progress in ledger.initial_progress():
        await report(progress)
    queue = iter(ledger.todo)

    async def worker() -> None:
        # Tasks share one event loop thread, so taking the next id needs no lock.
        while not ledger.stopped and (user_id := next(queue, None)) is not None:
            await limiter.aacquire()
            if ledger.stopped:
                return
            try:
                await call(user_id, calendar_id)
            except DingTalkError as error:
                await report(ledger.settle(user_id, error))
            else:
                await report(ledger.settle(user_id, None))

    import asyncio  # here, not at import: a sync application never loads it

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, len(ledger.todo))):
            group.create_task(worker())
    return ledger.result()
