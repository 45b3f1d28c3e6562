"""``dingtalk-calendar ics-sync``: plan, or with --apply make, a calendar match an iCalendar feed.

Its own module, hooked into the parser and the command table with one line each; it needs
the ``ics`` extra (icalendar), imported only when the command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from .._errors import ValidationError
from ._errors import UsageError
from ._exit_codes import ExitCode
from ._output import Report

if TYPE_CHECKING:
    from .._client.client import CalendarClient

# sync_feed's arguments, as the command line names them.
_OPTIONS = {"feed": "FILE", "horizon_days": "--horizon-days", "default_zone": "--timezone"}

HELP = "make a calendar match an iCalendar (.ics) feed: a plan, or with --apply the changes"
DESCRIPTION = """\
make a DingTalk calendar match an iCalendar (.ics) feed. Without --apply it prints the plan
and sends no write. Events are keyed by (UID, RECURRENCE-ID) in the --state file; an
unchanged event costs no call. A recurring event DingTalk cannot hold (RDATE, EXDATE, a
moved instance, BYSETPOS, COUNT above 99, ...) is published as single events over the
next --horizon-days days (and the last month), and the plan says so. A feed that does not
parse, is empty, or would delete more than half of the events changes nothing (exit 6)
unless --allow-mass-delete. DingTalk creates at most 100 events per organiser per day: a
run that meets the limit stops, keeps what it did and exits 7; run it again tomorrow."""


def add_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``ics-sync`` with the parser's own ``command(name, help, description=...)`` helper."""
    sub = command("ics-sync", HELP, description=DESCRIPTION)
    sub.add_argument("file", metavar="FILE", help="the .ics feed")
    sub.add_argument(
        "--user", required=True, metavar="UNIONID", help="the organiser (the calendar's author or manager)"
    )
    sub.add_argument("--calendar", required=True, metavar="CALENDAR_ID", help="the calendar's id, or primary")
    sub.add_argument("--state", required=True, metavar="PATH", help="the state file (created on the first run)")
    sub.add_argument("--apply", action="store_true", help="send the changes (default: only print the plan)")
    sub.add_argument(
        "--allow-mass-delete", action="store_true", help="apply an empty feed, or one deleting more than half"
    )
    sub.add_argument(
        "--horizon-days", type=int, default=365, metavar="DAYS", help="how far ahead to expand (default 365)"
    )
    sub.add_argument("--timezone", default="UTC", metavar="ZONE", help="the zone of floating times (default UTC)")


def ics_sync(client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    try:
        from ..ics import FeedRefusedError, sync_feed
    except ImportError as error:
        raise UsageError(f"ics-sync needs the ics extra: pip install 'dingtalk-calendar[ics]' ({error})") from None
    try:
        summary = sync_feed(
            client,
            args.file,
            user_id=args.user,
            calendar_id=args.calendar,
            state_path=args.state,
            apply=args.apply,
            allow_mass_delete=args.allow_mass_delete,
            horizon_days=args.horizon_days,
            default_zone=args.timezone,
        )
    except ValidationError as error:
        option = _OPTIONS.get(error.field)
        if option is None:
            raise
        raise UsageError(f"{option}: {error.reason}") from None
    except FeedRefusedError as error:
        return Report(
            document={"error": {"type": "FeedRefusedError", "reason": error.reason, "message": str(error)}},
            text=f"refused: {error}",
            quiet_text=f"refused: {error.reason}",
            exit_code=ExitCode.FEED_REFUSED,
        )
    lines = [] if summary.plan is None else summary.plan.lines()
    counts = (
        f"{summary.created} created, {summary.updated} updated, {summary.deleted} deleted, "
        f"{summary.unchanged} unchanged"
    )
    if not summary.applied:
        lines.append(
            f"plan: {summary.created} to create, {summary.updated} to update, {summary.deleted} to delete, "
            f"{summary.unchanged} unchanged; nothing sent (--apply to make these changes)"
        )
    else:
        lines.append(f"applied: {counts}")
    if not summary.complete:
        lines.append("stopped at DingTalk's limit of 100 events created per organiser per day: run again tomorrow")
    return Report(
        document=summary.document(),
        text="\n".join(lines),
        quiet_text=counts,
        exit_code=ExitCode.OK if summary.complete else ExitCode.DAILY_LIMIT,
    )
