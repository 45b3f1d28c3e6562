"""One function per subcommand: read the arguments, make the call, describe the answer."""

import argparse
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from typing import TextIO

from .._bulk import Progress
from .._client import CalendarClient
from .._models import Scope
from ._bulk_job import BulkJob, Operation, run_bulk_job
from ._errors import UsageError
from ._ics_sync import ics_sync
from ._journal import Journal, users_done
from ._output import Report, bulk_report, calendar_report, created_report, result_report
from ._progress import ProgressBar
from ._user_ids import read_user_ids

Command = Callable[[CalendarClient, argparse.Namespace, TextIO | None], Report]
"""(client, arguments, where to draw a progress bar or None) -> the report to print."""


def create(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    # An empty scope is left to the SDK, whose ValidationError names the field.
    created = client.create(
        args.user,
        name=args.name,
        scope=_scope(args) or Scope(),
        description=args.description,
        managers=args.managers,
    )
    return created_report(created)


def get(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    return calendar_report(client.get(args.user, args.calendar))


def update(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    scope = _scope(args)
    if args.name is None and args.description is None and args.managers is None and scope is None:
        raise UsageError("nothing to update: give --name, --description, --manager, --user, --group or --org")
    result = client.update(
        args.user,
        args.calendar,
        name=args.name,
        description=args.description,
        managers=args.managers,
        scope=scope,
    )
    return result_report(result, f"updated calendar {args.calendar}")


def subscribe(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    result = client.subscribe(args.user, args.calendar)
    return result_report(result, f"subscribed {args.user} to calendar {args.calendar}")


def unsubscribe(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    result = client.unsubscribe(args.user, args.calendar)
    return result_report(result, f"unsubscribed {args.user} from calendar {args.calendar}")


def delete(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    result = client.delete(args.user, args.calendar)
    return result_report(result, f"deleted calendar {args.calendar}")


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
            bar = ProgressBar(progress_stream, operation, len(user_ids))
            cleanup.callback(bar.close)  # closed first, so what follows starts on a fresh line
            listeners.append(bar.update)
        result = run_bulk_job(client, job, partial(_tell_each, listeners))
    return bulk_report(operation, result, journal=args.journal)


def _tell_each(listeners: list[Callable[[Progress], object]], progress: Progress) -> None:
    for listener in listeners:
        listener(progress)


def _scope(args: argparse.Namespace) -> Scope | None:
    """The scope the options give, or None when none of --user, --group, --org is given."""
    if not (args.users or args.groups or args.organisations):
        return None
    return Scope(users=args.users or (), groups=args.groups or (), organisations=args.organisations or ())


COMMANDS: dict[str, Command] = {
    "create": create,
    "get": get,
    "update": update,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "delete": delete,
    "bulk-subscribe": partial(bulk, "subscribe"),
    "bulk-unsubscribe": partial(bulk, "unsubscribe"),
    "ics-sync": ics_sync,
}
