"""Each subcommand's function: the spec's one-call commands (``_operation_commands``) and the bulk ones."""

import argparse
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from typing import TextIO

from .._bulk import Progress
from .._client import CalendarClient
from .._generated.cli import COMMANDS as OPERATION_COMMANDS
from ._bulk_job import BulkJob, Operation, run_bulk_job
from ._journal import Journal, users_done
from ._operation_commands import run
from ._output import Report, bulk_report
from ._progress import ProgressBar
from ._user_ids import read_user_ids

Command = Callable[[CalendarClient, argparse.Namespace, TextIO | None], Report]
"""(client, arguments, where to draw a progress bar or None) -> the report to print."""


def bulk(
    operation: Operation, client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None
) -> Report:
    user_ids = read_user_ids(args.file)
    already_done = users_done(args.resume or (), operation=operation, calendar_id=args.calendar)
    job = BulkJob(
        operation=operation,
        calendar_id=args.calendar,
        user_ids=tuple(user_ids),
        already_done=frozenset(already_done),
        concurrency=args.concurrency,
        rate=args.rate,
        journal=args.journal,
    )
    listeners: list[Callable[[Progress], object]] = []
    with ExitStack() as cleanup:
        if args.journal:
            journal = cleanup.enter_context(Journal(args.journal, operation=operation, calendar_id=args.calendar))
            listeners.append(journal.record)
        if progress_stream is not None:
            distinct = set(user_ids)  # a repeated line is one user, as the job counts it
            bar = ProgressBar(progress_stream, operation, len(distinct), already_done=len(distinct & job.already_done))
            cleanup.callback(bar.close)  # closed first, so what follows starts on a fresh line
            listeners.append(bar.update)
        result = run_bulk_job(client, job, partial(_tell_each, listeners))
    return bulk_report(operation, result, journal=args.journal)


def _tell_each(listeners: list[Callable[[Progress], object]], progress: Progress) -> None:
    for listener in listeners:
        listener(progress)


COMMANDS: dict[str, Command] = {
    **{operation.name: partial(run, operation) for operation in OPERATION_COMMANDS},
    "bulk-subscribe": partial(bulk, "subscribe"),
    "bulk-unsubscribe": partial(bulk, "unsubscribe"),
}
