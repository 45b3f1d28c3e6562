"""Subscribe or unsubscribe many users to one calendar, and say exactly what happened to each.

Every distinct user id given ends in exactly one of four lists of the :class:`BulkResult`
(a repeat of an id earlier in the input is listed in ``duplicates`` and not called again):

- ``done``: the call succeeded now (an answer of ``{"result": false}`` is not success: the
  user is failed with a :class:`ResultFalseError`);
- ``already_done``: named in ``already_done`` (a previous run's ``done``): no call is made;
- ``failed``: the call failed for this user (outside the scope, over the subscribe limit,
  still throttled or unreachable after the retries, an id that cannot be sent), with the
  error; an exception that is not a ``DingTalkError`` (a bug) fails the user with an
  :class:`UnexpectedError` whose ``__cause__`` it is, and the job goes on;
- ``not_attempted``: the job stopped before reaching it, because an error said every other
  call would fail too (an error class with ``ends_bulk_job``: bad credentials, a missing
  app permission; a calendar that is not a subscribed calendar; or the same error for the
  first ``SAME_ERROR_LIMIT`` users with no success yet, as for an unknown calendar, whose
  message DingTalk does not document), and ``stopped_by`` holds that error; or because the
  ``stop`` signal was set (``cancelled``).

A calendar id the client refuses before sending (blank) refuses the whole job: its
``ValidationError`` is raised and nothing is sent. Whatever else goes wrong, what was done is
not lost: the progress callback raising ends the job with a :class:`BulkJobError`, and
Ctrl-C while a sync job runs with a :class:`BulkJobInterrupted` (a ``KeyboardInterrupt``),
each carrying the ``result`` so far, once the calls under way have finished.

Calls go out ``concurrency`` at a time, paced by a rate limiter (default: just under DingTalk's
per-app quota). A throttling answer (``RateLimitError``: ``QpsLimit*``, ``system.busy``) means
DingTalk did nothing: it never fails the user. The job slows down (:mod:`._throttle_pacing`:
multiplicative decrease on each throttling episode, additive increase on each success, back
up to the limiter's rate) and the user goes back through the limiter, again and again until
the job's ``time_limit`` (None: no limit; the user then fails with the last throttling
error); ``BulkResult.throttled`` counts those answers. The clients' ``bulk_subscribe`` and
``bulk_unsubscribe`` send with ``RetryPolicy(retry_throttled=False)``, so every retry of a
throttled call goes through the job's pace rather than the retry policy's wait. A per-minute
refusal (``PerMinuteRateLimitError``) pauses the whole job, no new call starting, for the
answer's ``Retry-After`` or else ``per_minute_wait`` seconds, then retries that user, up to
``per_minute_retries`` times (then the user fails); a ``stop`` set during the pause ends the
job at once, the paused user not attempted. A progress
callback hears about each user as it is settled, so a long job can be journaled and resumed
with ``already_done``.
"""

import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from inspect import isawaitable
from typing import Any, Final, Literal, Protocol

from attrs import field, frozen

from dingtalk_calendar_api.spec_data import OPERATIONS

from .._call.models import Result
from .._errors import (
    DingTalkError,
    EgressIpBannedError,
    InvalidParameterError,
    PerMinuteRateLimitError,
    RateLimitError,
    ValidationError,
)
from .._extensions import OPERATION_EXTENSION
from .._retry.policy import parse_retry_after
from .rate_limit import DEFAULT_BULK_RATE, AsyncRateLimiter, RateLimit, RateLimiter
from .throttle_pacing import ThrottlePacing

Outcome = Literal["done", "already_done", "failed", "not_attempted"]

SAME_ERROR_LIMIT: Final = 3
"""Users failing alike (``invalidParameter``, or unexpectedly), before any success, that stop the job."""

PER_MINUTE_RETRIES: Final = 2
"""How many times a bulk job pauses for one user's per-minute refusal and retries it."""

PER_MINUTE_WAIT: Final = 60.0
"""The pause after a per-minute refusal without ``Retry-After`` (``RetryPolicy.per_minute_wait``)."""

# A pause is slept in steps this long at most, so that a stop signal is noticed promptly.
_PAUSE_STEP: Final = 0.5

# The Python name the clients' ValidationError gives the calendar's id: about the job, not a user.
_CALENDAR_FIELD: Final = "calendar_id"

# Errors about the calendar (the spec's rows tagged ``field: calendarId``) or the app, not the
# user: every further call would fail alike.
_CALENDAR_ID_MESSAGES: Final = frozenset(
    error.message
    for operation in OPERATIONS.values()
    for error in operation.errors
    if error.field is not None
    and error.field in {p.name for p in operation.path_parameters if p.python_name == "calendar_id"}
)


def is_throttling(error: DingTalkError | None) -> bool:
    """A per-second throttling answer: DingTalk did nothing, and the job should send less.

    Per-minute refusals pause the job instead, and an egress-IP ban lasts minutes: both keep
    their own handling.
    """
    return isinstance(error, RateLimitError) and not isinstance(error, PerMinuteRateLimitError | EgressIpBannedError)


def _pacing_for(limiter: object) -> ThrottlePacing:
    rate = getattr(limiter, "rate", None)
    return ThrottlePacing(rate if isinstance(rate, int | float) and rate > 0 else DEFAULT_BULK_RATE)


def stops_the_job(error: DingTalkError) -> bool:
    if type(error).ends_bulk_job:
        return True
    return isinstance(error, InvalidParameterError) and error.reason in _CALENDAR_ID_MESSAGES


class StopSignal(Protocol):
    """What ``stop=`` takes: a ``threading.Event``, an ``asyncio.Event``, or anything with ``is_set()``."""

    def is_set(self) -> bool: ...


class ResultFalseError(DingTalkError):
    """DingTalk answered the call with a 2xx and ``"result": false``: it did not do it."""

    raw_code = None

    def __init__(self, *, operation: str | None = None, request_id: str | None = None) -> None:
        self.operation = operation
        self.request_id = request_id
        prefix = f"{operation}: " if operation else ""
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{prefix}DingTalk answered result: false{suffix}")


class UnexpectedError(DingTalkError):
    """A call raised an exception that is not a ``DingTalkError``; it is the ``__cause__``."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"unexpected {type(error).__name__}: {error}")


class BulkJobError(DingTalkError):
    """A bulk job ended early because the progress callback raised (the ``__cause__``).

    ``result`` accounts for every user: the calls made, and the rest not attempted.
    """

    def __init__(self, result: "BulkResult") -> None:
        self.result = result
        super().__init__(f"the bulk job stopped: the progress callback raised; {result.summary()}")


class BulkJobInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sync bulk job: it stopped once the calls under way had finished; see ``result``."""

    def __init__(self, result: "BulkResult") -> None:
        self.result = result
        super().__init__(f"interrupted: {result.summary()}")


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
    cancelled: bool = False
    """True when the ``stop`` signal ended the job early."""
    throttled: int = 0
    """Throttling answers met (each one's user was sent again, at a slower pace)."""

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
        if self.stopped_by:
            return line + f"; stopped by: {self.stopped_by}"
        return line + ("; cancelled" if self.cancelled else "")


class _Ledger:
    """The outcome of every user, recorded once each, safe across threads."""

    def __init__(
        self, calendar_id: str, user_ids: Iterable[str], already_done: Iterable[str], stop: StopSignal | None
    ) -> None:
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
        self.refused: ValidationError | None = None
        """The calendar id's ValidationError: the whole job is refused."""
        self.callback_error: Exception | None = None
        self.halted = False
        """Set when the caller was interrupted: take no more users."""
        self._stop = stop
        self.cancelled = False
        self._settled_ids: set[str] = set()
        self._same_errors: dict[str, int] = {}
        self.throttled = 0

    def count_throttled(self) -> None:
        with self._lock:
            self.throttled += 1

    @property
    def stopped(self) -> bool:
        """True once no further user should be called; notices the stop signal."""
        if self._stop is not None and not self.cancelled and self._stop.is_set():
            self.cancelled = True
        return (
            self.stopped_by is not None
            or self.refused is not None
            or self.callback_error is not None
            or self.halted
            or self.cancelled
        )

    def settle(self, user_id: str, error: DingTalkError | None) -> Progress | None:
        """Record ``user_id``'s outcome; the Progress to report, or None for a refused job."""
        with self._lock:
            if isinstance(error, ValidationError) and error.field == _CALENDAR_FIELD:
                self.refused = self.refused or error  # nothing was sent: the user stays untouched
                return None
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
        # Only while nothing has succeeded: then the answer is about the calendar (or a bug), not the users.
        if self.done or not isinstance(error, InvalidParameterError | UnexpectedError):
            return False
        key = f"{type(error).__name__}:{getattr(error, 'raw_code', None)}:{getattr(error, 'message', error)}"
        self._same_errors[key] = self._same_errors.get(key, 0) + 1
        return self._same_errors[key] >= SAME_ERROR_LIMIT

    def callback_failed(self, error: Exception) -> None:
        with self._lock:
            self.callback_error = self.callback_error or error

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
                cancelled=self.cancelled and self.stopped_by is None,
                throttled=self.throttled,
            )

    def final_result(self) -> BulkResult:
        """The result, or the exception that carries it (see the module's documentation)."""
        if self.refused is not None:
            raise self.refused
        result = self.result()
        if self.callback_error is not None:
            raise BulkJobError(result) from self.callback_error
        return result


def _outcome(returned: object) -> DingTalkError | None:
    """None for success; a ``{"result": false}`` answer is not one."""
    if isinstance(returned, Result) and not returned.result:
        response = returned.raw_response
        operation = response.request.extensions.get(OPERATION_EXTENSION) if response is not None else None
        return ResultFalseError(
            operation=operation if isinstance(operation, str) else None, request_id=returned.request_id
        )
    return None


def _pause_for(error: DingTalkError, per_minute_wait: float) -> float:
    """The seconds to pause the job after a per-minute refusal: DingTalk's Retry-After, else ours."""
    headers = getattr(error, "headers", None)
    retry_after = parse_retry_after(headers.get("retry-after"), now=time.time()) if headers is not None else None
    return retry_after if retry_after is not None else per_minute_wait


def _pause_steps(seconds: float) -> list[float]:
    steps = [_PAUSE_STEP] * int(seconds // _PAUSE_STEP)
    rest = seconds - sum(steps)
    return [*steps, rest] if rest > 0 else steps


def _unexpected(error: Exception) -> UnexpectedError:
    wrapped = UnexpectedError(error)
    wrapped.__cause__ = error
    return wrapped


def _give_up_at(time_limit: float | None) -> float:
    if time_limit is None:
        return float("inf")
    if not time_limit > 0:
        raise ValueError(f"time_limit must be None or more than 0 seconds, not {time_limit!r}")
    return time.monotonic() + time_limit


class _NotAttempted(Exception):
    """The job stopped before this user's call was sent."""


def bulk_run(
    call: Callable[[str, str], Any],
    calendar_id: str,
    user_ids: Iterable[str],
    *,
    concurrency: int = 8,
    rate_limiter: RateLimiter | None = None,
    already_done: Iterable[str] = (),
    on_progress: Callable[[Progress], object] | None = None,
    stop: StopSignal | None = None,
    per_minute_retries: int = PER_MINUTE_RETRIES,
    per_minute_wait: float = PER_MINUTE_WAIT,
    sleep: Callable[[float], object] = time.sleep,
    time_limit: float | None = None,
) -> BulkResult:
    """Run ``call(user_id, calendar_id)`` for each user, in threads; see the module's documentation.

    ``stop``: set it (a ``threading.Event``) to end the job after the calls under way; the
    result then says ``cancelled`` and lists the rest as not attempted. ``sleep`` is what
    the pause after a per-minute refusal sleeps with (in steps, checking ``stop``).
    ``time_limit``: seconds after which a throttled user is no longer sent again.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ledger = _Ledger(calendar_id, user_ids, already_done, stop)
    limiter = rate_limiter if rate_limiter is not None else RateLimit()
    pacing = _pacing_for(limiter)
    give_up_at = _give_up_at(time_limit)
    for progress in ledger.initial_progress():
        _report(on_progress, progress, ledger)
    queue = iter(ledger.todo)
    queue_lock = threading.Lock()
    running = threading.Event()  # cleared while the job pauses for a per-minute limit
    running.set()
    pause_lock = threading.Lock()

    def next_user() -> str | None:
        with queue_lock:
            return None if ledger.stopped else next(queue, None)

    def pause(seconds: float) -> None:
        with pause_lock:
            if not running.is_set():
                pauser = False
            else:
                running.clear()
                pauser = True
        if not pauser:  # another worker is pausing the job already: wait with it
            running.wait()
            return
        try:
            for step in _pause_steps(seconds):
                if ledger.stopped:
                    return
                sleep(step)
        finally:
            running.set()

    def attempt(user_id: str) -> DingTalkError | None:
        pauses = 0
        while True:
            running.wait()
            limiter.acquire()
            wait, episode = pacing.reserve()
            if wait > 0:
                time.sleep(wait)
            if ledger.stopped:
                raise _NotAttempted
            try:
                error = _outcome(call(user_id, calendar_id))
            except DingTalkError as failure:
                error = failure
            except Exception as bug:  # one user's bug must not lose the job's result
                error = _unexpected(bug)
            if is_throttling(error):
                ledger.count_throttled()
                pacing.throttled(episode)
                if time.monotonic() < give_up_at:
                    continue
                return error
            pacing.succeeded()
            if not isinstance(error, PerMinuteRateLimitError) or pauses >= per_minute_retries:
                return error
            pauses += 1
            pause(_pause_for(error, per_minute_wait))

    def worker() -> None:
        while (user_id := next_user()) is not None:
            try:
                error = attempt(user_id)
            except _NotAttempted:
                return  # the user stays "not attempted"
            progress = ledger.settle(user_id, error)
            if progress is not None:
                _report(on_progress, progress, ledger)

    from concurrent.futures import ThreadPoolExecutor  # here, not at import: only a bulk job needs it

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="dingtalk-bulk")
    try:
        for future in [pool.submit(worker) for _ in range(min(concurrency, len(ledger.todo)))]:
            future.result()  # re-raises what a worker let through (a BaseException)
    except KeyboardInterrupt:
        ledger.halted = True  # the workers finish the calls under way, then stop
        pool.shutdown(wait=True)
        raise BulkJobInterrupted(ledger.result()) from None
    finally:
        pool.shutdown(wait=True)
    return ledger.final_result()


def _report(on_progress: Callable[[Progress], object] | None, progress: Progress, ledger: _Ledger) -> None:
    if on_progress is None:
        return
    try:
        on_progress(progress)
    except Exception as error:  # raised by final_result, with the result
        ledger.callback_failed(error)


async def abulk_run(
    call: Callable[[str, str], Awaitable[Any]],
    calendar_id: str,
    user_ids: Iterable[str],
    *,
    concurrency: int = 8,
    rate_limiter: AsyncRateLimiter | None = None,
    already_done: Iterable[str] = (),
    on_progress: Callable[[Progress], object] | None = None,
    stop: StopSignal | None = None,
    per_minute_retries: int = PER_MINUTE_RETRIES,
    per_minute_wait: float = PER_MINUTE_WAIT,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    time_limit: float | None = None,
) -> BulkResult:
    """The async twin of :func:`bulk_run`, in tasks; ``on_progress`` may be a coroutine function.

    ``stop`` may be an ``asyncio.Event`` (or a ``threading.Event``, set from another thread).
    ``sleep`` (default ``asyncio.sleep``) is awaited for the pause after a per-minute refusal.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ledger = _Ledger(calendar_id, user_ids, already_done, stop)
    limiter = rate_limiter if rate_limiter is not None else RateLimit()
    pacing = _pacing_for(limiter)
    give_up_at = _give_up_at(time_limit)

    async def report(progress: Progress) -> None:
        if on_progress is None:
            return
        try:
            outcome = on_progress(progress)
            if isawaitable(outcome):
                await outcome
        except Exception as error:  # raised by final_result, with the result
            ledger.callback_failed(error)

    for progress in ledger.initial_progress():
        await report(progress)
    queue = iter(ledger.todo)

    import asyncio  # here, not at import: a sync application never loads it

    asleep = sleep if sleep is not None else asyncio.sleep
    running = asyncio.Event()  # cleared while the job pauses for a per-minute limit
    running.set()

    async def pause(seconds: float) -> None:
        if not running.is_set():  # another task is pausing the job already: wait with it
            await running.wait()
            return
        running.clear()
        try:
            for step in _pause_steps(seconds):
                if ledger.stopped:
                    return
                await asleep(step)
        finally:
            running.set()

    async def attempt(user_id: str) -> DingTalkError | None:
        pauses = 0
        while True:
            await running.wait()
            await limiter.aacquire()
            wait, episode = pacing.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
            if ledger.stopped:
                raise _NotAttempted
            try:
                error = _outcome(await call(user_id, calendar_id))
            except DingTalkError as failure:
                error = failure
            except Exception as bug:  # one user's bug must not lose the job's result
                error = _unexpected(bug)
            if is_throttling(error):
                ledger.count_throttled()
                pacing.throttled(episode)
                if time.monotonic() < give_up_at:
                    continue
                return error
            pacing.succeeded()
            if not isinstance(error, PerMinuteRateLimitError) or pauses >= per_minute_retries:
                return error
            pauses += 1
            await pause(_pause_for(error, per_minute_wait))

    async def worker() -> None:
        # Tasks share one event loop thread, so taking the next id needs no lock.
        while not ledger.stopped and (user_id := next(queue, None)) is not None:
            try:
                error = await attempt(user_id)
            except _NotAttempted:
                return
            progress = ledger.settle(user_id, error)
            if progress is not None:
                await report(progress)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, len(ledger.todo))):
            group.create_task(worker())
    return ledger.final_result()
