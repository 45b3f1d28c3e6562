# unasync: the source of _bulk/run.py (generator/unasync.py); run `make generate` after editing.
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
DingTalk did nothing: it never fails the user. The job slows down (:mod:`.throttle_pacing`:
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

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .._errors import DingTalkError, PerMinuteRateLimitError

# Named "as" themselves: ``dingtalk_calendar._bulk.run`` is where the CLI and the fleet take them from.
from .errors import ResultFalseError as ResultFalseError
from .errors import UnexpectedError as UnexpectedError
from .ledger import Ledger, StopSignal
from .rate_limit import AsyncRateLimiter, RateLimit
from .result import BulkResult as BulkResult
from .result import Progress as Progress
from .user_call import (
    PER_MINUTE_RETRIES,
    PER_MINUTE_WAIT,
    NotAttempted,
    give_up_at,
    is_throttling,
    outcome,
    pacing_for,
    pause_for,
    unexpected,
)
from .workers import AsyncPause, arun_workers


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
    """Run ``call(user_id, calendar_id)`` for each user, ``concurrency`` at a time; see the module's documentation.

    ``stop``: set it (an ``Event``) to end the job after the calls under way; the result then
    says ``cancelled`` and lists the rest as not attempted. ``sleep`` is what the pause after a
    per-minute refusal sleeps with (in steps, checking ``stop``). ``time_limit``: seconds after
    which a throttled user is no longer sent again. The sync job runs its calls in threads; the
    coroutine job runs them in tasks, and its ``on_progress`` may be a coroutine function.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ledger = Ledger(calendar_id, user_ids, already_done, stop)
    limiter = rate_limiter if rate_limiter is not None else RateLimit()
    pacing = pacing_for(limiter)
    deadline = give_up_at(time_limit)
    pause = AsyncPause(ledger, sleep)
    for progress in ledger.initial_progress():
        await ledger.areport(on_progress, progress)

    async def call_user(user_id: str) -> DingTalkError | None:
        pauses = 0
        while True:
            await pause.wait()
            await limiter.aacquire()
            wait, episode = pacing.reserve()
            if wait > 0:
                await pause.pace(wait)
            if ledger.stopped:
                raise NotAttempted
            try:
                error = outcome(await call(user_id, calendar_id))
            except DingTalkError as failure:
                error = failure
            except Exception as bug:  # one user's bug must not lose the job's result
                error = unexpected(bug)
            if is_throttling(error):
                ledger.count_throttled()
                pacing.throttled(episode)
                if time.monotonic() < deadline:
                    continue
                return error
            pacing.succeeded()
            if not isinstance(error, PerMinuteRateLimitError) or pauses >= per_minute_retries:
                return error
            pauses += 1
            await pause.hold(pause_for(error, per_minute_wait))

    async def worker() -> None:
        while (user_id := ledger.next_user()) is not None:
            try:
                error = await call_user(user_id)
            except NotAttempted:
                return  # the user stays "not attempted"
            progress = ledger.settle(user_id, error)
            if progress is not None:
                await ledger.areport(on_progress, progress)

    await arun_workers(worker, min(concurrency, len(ledger.todo)), ledger)
    return ledger.final_result()
