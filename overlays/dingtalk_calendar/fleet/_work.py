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
from collections.abc import Callable
from typing import Final, Literal

from attrs import field, frozen

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.operation_ids import OperationId

from .._bulk.run import ResultFalseError, UnexpectedError
from .._errors import (
    APIConnectionError,
    DingTalkError,
    InvalidCredentialsError,
    PerMinuteRateLimitError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from .._generated.results import Result
from ._workbench import Workbench

Operation = Literal["subscribe", "unsubscribe"]

API_OF: Final[dict[str, str]] = {
    "subscribe": OperationId.SUBSCRIBE_CALENDAR.value,
    "unsubscribe": OperationId.UNSUBSCRIBE_CALENDAR.value,
}
"""The DingTalk API each operation calls (its budgets are per API)."""

LEASED_RECHECK: Final = 2.0
"""Seconds at most before a unit another live worker holds is looked at again."""
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
    claim = ledger.claim(unit.job_id, unit.corp_id, unit.user_id, bench.settings.lease_seconds)
    if claim.done:
        return AlreadyDone()
    if claim.stopped is not None:
        return _failed(unit, bench, _stopped_error(claim.stopped))
    if not claim.taken:  # look again soon: the live holder settles it within a call, well before its lease ends
        return Deferred(time.time() + min(claim.wait, LEASED_RECHECK), "leased")
    outcome, answered = _call(unit, bench, claim.sent_before)
    if isinstance(outcome, Deferred):  # settled outcomes dropped the lease with the record
        ledger.release(unit.job_id, unit.corp_id, unit.user_id, answered=answered)
    return outcome


def _call(unit: WorkUnit, bench: Workbench, sent_before: bool) -> tuple[Outcome, bool]:
    """The unit's outcome, and whether DingTalk answered the unit's own call (so that no call
    of it may still have landed unseen: its ``sent`` mark can go)."""
    if sent_before:
        # An earlier holder's call went out and its answer was lost (a worker killed mid-call, a
        # connection cut): DingTalk's list of the user's calendars says whether it landed.
        subscribed = _subscribed(unit, bench)
        if isinstance(subscribed, Deferred):
            return subscribed, False
        if subscribed is not None and subscribed == (unit.operation == "subscribe"):
            bench.ledger.count(unit.job_id, "resolved_by_reading")
            bench.ledger.settle(unit.job_id, unit.corp_id, unit.user_id, "done")
            return Done(), True
    client = bench.client(unit.corp_id)
    method = client.subscribe if unit.operation == "subscribe" else client.unsubscribe
    sent = bench.ledger.sent_mark(unit.job_id, unit.corp_id, unit.user_id)
    # No retries inside the call: a throttled unit is deferred, not slept on in the worker.
    returned = _send(
        unit, bench, API_OF[unit.operation], lambda: method(unit.user_id, unit.calendar_id, max_retries=0), sent
    )
    if isinstance(returned, Deferred):
        return returned, returned.error is not None and returned.reason != "transient"
    if isinstance(returned, Failed):
        return returned, True
    if isinstance(returned, Result) and not returned.result:
        error = ResultFalseError(operation=API_OF[unit.operation], request_id=returned.request_id)
        return _failed(unit, bench, error), True
    bench.ledger.settle(unit.job_id, unit.corp_id, unit.user_id, "done")
    return Done(), True


def _subscribed(unit: WorkUnit, bench: Workbench) -> bool | Deferred | None:
    """Whether the user is subscribed to ``unit.calendar_id``, read from the user's calendars (a
    call of listCalendars, within the organisation's budgets); a Deferred when it cannot be read
    now; None when the list cannot tell: the calendar's author and managers see it whether
    subscribed or not, and a read DingTalk refuses for good (the app may lack
    Calendar.Event.Read) tells nothing. The unit is then called again, which subscribe and
    unsubscribe take as harmless."""
    client = bench.client(unit.corp_id)
    api = OperationId.LIST_CALENDARS.value
    returned = _send(unit, bench, api, lambda: client.list_calendars(unit.user_id, max_retries=0), None)
    if isinstance(returned, Deferred):
        return returned
    if isinstance(returned, Failed):
        return None
    calendars = (getattr(returned, "response", None) or {}).get("calendars") or []
    for entry in calendars:
        if isinstance(entry, dict) and entry.get("id") == unit.calendar_id:
            # Listed for a subscriber as a reader (the page of subscribe: "users who have already
            # subscribed to the calendar can obtain it through the Query a calendar API").
            return True if entry.get("privilege") == "reader" else None
    return False


def _send(
    unit: WorkUnit, bench: Workbench, api: str, call: Callable[[], object], sent: tuple[str, str, str] | None
) -> object:
    """Admit and make one call of the organisation: what it returned, a Deferred, or a Failed
    (recorded in the ledger only by the caller that owns the outcome: see ``_call``)."""
    budgets = bench.budgets
    wait = budgets.admit(unit.corp_id, api, sent)
    if wait is None:
        return Deferred(budgets.stopped_until(unit.corp_id) or time.time(), "monthly_quota")
    if wait > 0:
        return Deferred(time.time() + wait, "budget")
    try:
        return call()
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
        if sent is not None:
            _stop_if_not_enabled(unit, bench, error)
            return _failed(unit, bench, error)
        return Failed(error)
    except Exception as bug:  # one unit's bug fails that unit, as in a bulk job
        wrapped = UnexpectedError(bug)
        wrapped.__cause__ = bug
        return _failed(unit, bench, wrapped) if sent is not None else Failed(wrapped)


def _stop_if_not_enabled(unit: WorkUnit, bench: Workbench, error: DingTalkError) -> None:
    """An organisation that has not enabled the app has no token (``invalidAuthInfo``, the
    corp-token page: the organisation has not opened the app, so it has no token): the job stops it once, and
    its other units fail with the same reason without a call."""
    if isinstance(error, InvalidCredentialsError) and error.raw_code == ErrorCode.INVALID_AUTH_INFO.value:
        bench.ledger.stop_organisation(unit.job_id, unit.corp_id, NOT_ENABLED, str(error))


NOT_ENABLED: Final = "InvalidCredentialsError:invalidAuthInfo"
"""The reason of every unit of an organisation that has not enabled the app."""


def _stopped_error(stopped: str) -> DingTalkError:
    """The typed error a unit of a stopped organisation fails with (the organisation's recorded answer)."""
    reason, _, message = stopped.partition("|")
    if reason == NOT_ENABLED:
        return InvalidCredentialsError(status_code=400, raw_code=ErrorCode.INVALID_AUTH_INFO.value, message=message)
    return UnexpectedError(RuntimeError(f"the job stopped this organisation: {reason}"))


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
