"""Each subcommand's function: the spec's one-call commands (``_operation_commands``) and the bulk ones."""

import argparse
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from typing import TextIO

from .._bulk.errors import BulkJobError
from .._bulk.result import Progress
from .._client.client import CalendarClient
from .._generated.cli import COMMANDS as OPERATION_COMMANDS
from ._bulk_job import BulkJob, Operation, run_bulk_job
from ._ics_sync import ics_sync
from ._journal import Journal, JournalWriteError, resuming_from, users_done
from ._operation_commands import run
from ._output import Report, bulk_report, journal_failed_report
from ._progress import ProgressBar
from ._user_ids import read_user_ids

Command = Callable[[CalendarClient, argparse.Namespace, TextIO | None], Report]
"""(client, arguments, where to draw a progress bar or None) -> the report to print."""


def bulk(
    operation: Operation, client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None
) -> Report:
    user_ids = read_user_ids(args.file)
    listeners: list[Callable[[Progress], object]] = []
    with ExitStack() as cleanup:
        # The journal is locked (and a cut last line dropped) before anything is read from it.
        journal = None
        if args.journal:
            journal = cleanup.enter_context(Journal(args.journal, operation=operation, calendar_id=args.calendar))
            listeners.append(journal.record)
        resumed = list(args.resume or ())
        cleanup.enter_context(resuming_from(resumed, written=journal))
        already_done = users_done(resumed, operation=operation, calendar_id=args.calendar)
        job = BulkJob(
            operation=operation,
            calendar_id=args.calendar,
            user_ids=tuple(user_ids),
            already_done=frozenset(already_done),
            concurrency=args.concurrency,
            rate=args.rate,
            journal=args.journal,
            time_limit=args.time_limit,
        )
        if progress_stream is not None:
            distinct = set(user_ids)  # a repeated line is one user, as the job counts it
            bar = ProgressBar(progress_stream, operation, len(distinct), already_done=len(distinct & job.already_done))
            cleanup.callback(bar.close)  # closed first, so what follows starts on a fresh line
            listeners.append(bar.update)
        try:
            result = run_bulk_job(client, job, partial(_tell_each, listeners))
        except BulkJobError as stopped:
            if not isinstance(stopped.__cause__, JournalWriteError):
                raise
            return journal_failed_report(operation, stopped.result, stopped.__cause__)
    return bulk_report(operation, result, journal=args.journal)


def _tell_each(listeners: list[Callable[[Progress], object]], progress: Progress) -> None:
    for listener in listeners:
        listener(progress)


COMMANDS: dict[str, Command] = {
    **{operation.name: partial(run, operation) for operation in OPERATION_COMMANDS},
    "bulk-subscribe": partial(bulk, "subscribe"),
    "bulk-unsubscribe": partial(bulk, "unsubscribe"),
    "ics-sync": ics_sync,
}
