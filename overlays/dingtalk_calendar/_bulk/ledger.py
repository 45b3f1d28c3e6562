"""A bulk job's book: the users to call, each one's outcome recorded once, and when the job must stop."""

import threading
from collections.abc import Callable, Iterable
from inspect import isawaitable
from typing import Final, Protocol

from dingtalk_calendar_api.spec_data import OPERATIONS

from .._errors import DingTalkError, InvalidParameterError, ValidationError
from .errors import BulkJobError, UnexpectedError
from .result import BulkResult, Failure, Progress

SAME_ERROR_LIMIT: Final = 3
"""Users failing alike (``invalidParameter``, or unexpectedly), before any success, that stop the job."""

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


def stops_the_job(error: DingTalkError) -> bool:
    if type(error).ends_bulk_job:
        return True
    return isinstance(error, InvalidParameterError) and error.reason in _CALENDAR_ID_MESSAGES


class StopSignal(Protocol):
    """What ``stop=`` takes: a ``threading.Event``, an ``asyncio.Event``, or anything with ``is_set()``."""

    def is_set(self) -> bool: ...


class Ledger:
    """The outcome of every user, recorded once each, safe across threads."""

    def __init__(
        self, calendar_id: str, user_ids: Iterable[str], already_done: Iterable[str], stop: StopSignal | None
    ) -> None:
        for name, ids in (("user_ids", user_ids), ("already_done", already_done)):
            if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):  # a str would be its characters
                raise ValidationError(name, f"must be a list (or other iterable) of user ids, not {type(ids).__name__}")
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
        self._queue = iter(self.todo)

    def next_user(self) -> str | None:
        """The next user to call; None once the job is stopped or every user has been taken."""
        with self._lock:
            return None if self.stopped else next(self._queue, None)

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

    def report(self, on_progress: Callable[[Progress], object] | None, progress: Progress) -> None:
        """Tell ``on_progress``; if it raises, the job stops and ``final_result`` raises with the result."""
        if on_progress is None:
            return
        try:
            on_progress(progress)
        except Exception as error:
            self.callback_failed(error)

    async def areport(self, on_progress: Callable[[Progress], object] | None, progress: Progress) -> None:
        """:meth:`report` for the async job: ``on_progress`` may also be a coroutine function."""
        if on_progress is None:
            return
        try:
            outcome = on_progress(progress)
            if isawaitable(outcome):
                await outcome
        except Exception as error:
            self.callback_failed(error)

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
