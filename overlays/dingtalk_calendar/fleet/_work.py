"""The work contract, independent of any job engine: a unit of work, and the one function that carries it out.

An engine adapter (Celery here; arq or Dramatiq in a page) only moves units around: it calls
:func:`carry_out`, and for a :class:`Deferred` outcome runs the unit again at ``until``
(a countdown, never a worker asleep), or parks it when ``until`` is further away than it
wants to hold a message (the monthly quota). Everything that must hold across workers and
hosts lives in Redis: tokens, budgets, the job's ledger.

Running a unit twice is harmless: a unit already ``done`` in the ledger is not called
again (:class:`AlreadyDone`); a unit another worker is calling right now is deferred until
that worker's lease runs out; subscribe and unsubscribe are idempotent at DingTalk.
"""

import time
from typing import Final, Literal

from attrs import field, frozen

from dingtalk_calendar_api.operation_ids import OperationId

from .._bulk.run import ResultFalseError, UnexpectedError
from .._call.models import Result
from .._errors import (
    APIConnectionError,
    DingTalkError,
    PerMinuteRateLimitError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from ._workbench import Workbench

Operation = Literal["subscribe", "unsubscribe"]

API_OF: Final[dict[str, str]] = {
    "subscribe": OperationId.SUBSCRIBE_CALENDAR.value,
    "unsubscribe": OperationId.UNSUBSCRIBE_CALENDAR.value,
}
"""The DingTalk API each operation calls (its budgets are per API)."""

TRANSIENT_WAIT: Final = 2.0
"""Seconds before a unit whose call met a connection error or a server error is tried again."""


@frozen
class WorkUnit:
    """One user's part of a fleet job: ``operation`` on ``calendar_id`` for ``user_id`` of ``corp_id``.

    ``job_id`` names the ledger it is recorded in; ``key`` is its idempotency key (the
    same unit always has the same key: an event write would send it as ``x-client-token``).
    """

    job_id: str
    operation: Operation
    corp_id: str
    calendar_id: str
    user_id: str

    @property
    def key(self) -> str:
        return f"{self.job_id}:{self.operation}:{self.corp_id}:{self.calendar_id}:{self.user_id}"


@frozen
class Done:
    """The call succeeded now."""


@frozen
class AlreadyDone:
    """The ledger says this unit is done: no call was made."""


@frozen
class Failed:
    """The call failed for this user; ``error`` says why (a ``DingTalkError``)."""

    error: DingTalkError = field(eq=False)

    @property
    def reason(self) -> str:
        """The error's type and DingTalk's code, e.g. ``InvalidParameterError:invalidParameter``."""
        code = getattr(self.error, "raw_code", None)
        return f"{type(self.error).__name__}:{code}" if code else type(self.error).__name__


DeferReason = Literal["budget", "throttled", "per_minute", "monthly_quota", "transient", "leased"]


@frozen
class Deferred:
    """Not now: run the unit again at ``until`` (``time.time()`` seconds)."""

    until: float
    reason: DeferReason
    error: DingTalkError | None = field(default=None, eq=False)
    """DingTalk's answer, when it was one (``throttled``, ``per_minute``, ``transient``, ``monthly_quota``)."""


Outcome = Done | AlreadyDone | Failed | Deferred


def carry_out(unit: WorkUnit, bench: Workbench) -> Outcome:
    """Carry out one unit with the SDK, within the organisation's budgets, and record it in the ledger.

    Deferred units are not recorded; the engine decides whether to wait or to park them
    (``bench.ledger.settle(..., "deferred", reason)``).
    """
    ledger = bench.ledger
    busy = ledger.claim(unit.job_id, unit.corp_id, unit.user_id, bench.settings.lease_seconds)
    if busy is None:
        return AlreadyDone()
    if busy:
        return Deferred(time.time() + busy, "leased")
    outcome = _call(unit, bench)
    if isinstance(outcome, Deferred):  # settled outcomes dropped the lease with the record
        ledger.release(unit.job_id, unit.corp_id, unit.user_id)
    return outcome


def _call(unit: WorkUnit, bench: Workbench) -> Outcome:
    budgets = bench.budgets
    wait = budgets.admit(unit.corp_id, API_OF[unit.operation])
    if wait is None:
        return Deferred(budgets.stopped_until(unit.corp_id) or time.time(), "monthly_quota")
    if wait > 0:
        return Deferred(time.time() + wait, "budget")
    client = bench.client(unit.corp_id)
    method = client.subscribe if unit.operation == "subscribe" else client.unsubscribe
    try:
        # No retries inside the call: a throttled unit is deferred, not slept on in the worker.
        returned = method(unit.user_id, unit.calendar_id, max_retries=0)
    except QuotaExceededError as error:
        budgets.stop(unit.corp_id)
        return Deferred(budgets.stopped_until(unit.corp_id) or time.time(), "monthly_quota", error=error)
    except PerMinuteRateLimitError as error:
        return Deferred(time.time() + _wait_of(error), "per_minute", error=error)
    except RateLimitError as error:
        return Deferred(time.time() + _wait_of(error), "throttled", error=error)
    except (APIConnectionError, ServerError) as error:
        return Deferred(time.time() + TRANSIENT_WAIT, "transient", error=error)
    except DingTalkError as error:
        return _failed(unit, bench, error)
    except Exception as bug:  # one unit's bug fails that unit, as in a bulk job
        wrapped = UnexpectedError(bug)
        wrapped.__cause__ = bug
        return _failed(unit, bench, wrapped)
    if isinstance(returned, Result) and not returned.result:
        return _failed(unit, bench, ResultFalseError(operation=API_OF[unit.operation], request_id=returned.request_id))
    bench.ledger.settle(unit.job_id, unit.corp_id, unit.user_id, "done")
    return Done()


def _wait_of(error: RateLimitError) -> float:
    headers = getattr(error, "headers", None)
    if headers is not None:
        from .._retry.policy import parse_retry_after

        advised = parse_retry_after(headers.get("retry-after"), now=time.time())
        if advised is not None:
            return advised
    return float(error.retry_after)


def give_up(unit: WorkUnit, bench: Workbench, deferred: Deferred) -> Failed:
    """Record a unit the engine will not defer again (DingTalk kept refusing it) as failed, with the last answer."""
    error = deferred.error or UnexpectedError(RuntimeError(f"deferred too often ({deferred.reason})"))
    return _failed(unit, bench, error)


def _failed(unit: WorkUnit, bench: Workbench, error: DingTalkError) -> Failed:
    failed = Failed(error)
    bench.ledger.settle(unit.job_id, unit.corp_id, unit.user_id, "failed", f"{failed.reason}|{error}"[:500])
    return failed
