"""A bulk job run from the command line: progress and journal on every settled user, a clean stop on Ctrl-C.

For the job's duration, Ctrl-C only sets the job's ``stop`` event; each worker checks it
before its next call and stops (the call under way finishes and is journaled); a second
Ctrl-C quits at once.
"""

import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Literal

from attrs import frozen

from .._bulk.rate_limit import RateLimit
from .._bulk.run import BulkResult, Progress
from .._client.client import CalendarClient
from ._exit_codes import ExitCode

Operation = Literal["subscribe", "unsubscribe"]


@frozen
class BulkJob:
    operation: Operation
    calendar_id: str
    user_ids: tuple[str, ...]
    already_done: frozenset[str]
    concurrency: int
    rate: float
    journal: str | None = None
    time_limit: float | None = None
    """Seconds after which a throttled user is not sent again (it fails); None: no limit."""


class BulkJobInterrupted(KeyboardInterrupt):
    """The job stopped on Ctrl-C; the message says how far it got and how to resume."""


class _Tally:
    """Counts outcomes as they are reported, to say how far an interrupted job got."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def count(self, progress: Progress) -> None:
        with self._lock:
            self.outcomes[progress.outcome] += 1


def run_bulk_job(
    client: CalendarClient, job: BulkJob, on_progress: Callable[[Progress], object] = lambda progress: None
) -> BulkResult:
    """Run ``job``; raises :class:`BulkJobInterrupted` when Ctrl-C stopped it."""
    stop = threading.Event()
    tally = _Tally()
    run = client.bulk_subscribe if job.operation == "subscribe" else client.bulk_unsubscribe

    def report(progress: Progress) -> None:
        tally.count(progress)
        on_progress(progress)

    with _ctrl_c_sets(stop, lambda: _interrupted_message(job, tally.outcomes)):
        result = run(
            job.calendar_id,
            job.user_ids,
            concurrency=job.concurrency,
            rate_limiter=RateLimit(job.rate),
            time_limit=job.time_limit,
            already_done=job.already_done,
            on_progress=report,
            stop=stop,
        )
    if result.cancelled:
        raise BulkJobInterrupted(_interrupted_message(job, tally.outcomes))
    return result


def _interrupted_message(job: BulkJob, outcomes: Counter[str]) -> str:
    settled = outcomes["done"] + outcomes["failed"]
    line = f"interrupted: {settled} users settled ({outcomes['done']} done, {outcomes['failed']} failed)"
    if job.journal:
        return line + f"; the journal {job.journal} has them: run again with --resume {job.journal}"
    return line + "; without --journal, a rerun starts over (subscribing again is harmless)"


@contextmanager
def _ctrl_c_sets(stop: threading.Event, farewell: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C sets ``stop``; a second one prints ``farewell()`` (how to resume) and quits at once."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread; Ctrl-C then behaves as usual
        return

    def on_ctrl_c(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            # A second Ctrl-C: quit now; journal lines are already flushed. os.write, not print:
            # the handler may run while the main thread is inside a write to stderr.
            os.write(sys.stderr.fileno(), f"\n{farewell()}\n".encode(errors="replace"))
            os._exit(ExitCode.INTERRUPTED)
        stop.set()
        print("\nstopping after the calls under way (Ctrl-C again to quit at once)", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
