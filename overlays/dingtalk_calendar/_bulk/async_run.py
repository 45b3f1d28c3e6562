# unasync: the source of _bulk/run.py (generator/unasync.py); run `make generate` after editing.
"""Subscribe or unsubscribe many users to one calendar, and say exactly what happened to each.

Every distinct user id given ends in exactly one list of the :class:`BulkResult`: ``done``,
``already_done`` (a previous run's ``done``: not called), ``failed`` (with the error; a bug
fails the user with an :class:`UnexpectedError`, and the job goes on) or ``not_attempted``
(the job stopped first: an error with ``ends_bulk_job``, the same error for the first
``SAME_ERROR_LIMIT`` users with no success, or ``stop``); a repeated id is listed in
``duplicates``. What was done is never lost: a failing progress callback ends the job with a
:class:`BulkJobError`, Ctrl-C in a sync job with a :class:`BulkJobInterrupted`, each holding
the result so far. Calls go out ``concurrency`` at a time through a rate limiter. A throttled
user is sent again through the limiter, at a pace that backs off (:mod:`.throttle_pacing`),
until ``time_limit``; a per-minute refusal pauses the whole job. docs/bulk.md and
docs/bulk-throttling.md tell the rest.
"""

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .._checks import is_whole
from .._errors import ConfigurationError, DingTalkError, PerMinuteRateLimitError

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
    if not is_whole(concurrency) or concurrency < 1:
        raise ConfigurationError(f"concurrency must be a whole number, 1 or more, not {concurrency!r}")
    if not is_whole(per_minute_retries) or per_minute_retries < 0:
        raise ConfigurationError(f"per_minute_retries must be a whole number, 0 or more, not {per_minute_retries!r}")
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
