"""What each command prints: a JSON document for --json, lines for people, less for --quiet."""

import json
from typing import Any

from attrs import frozen

from .._bulk.result import BulkResult, Failure
from .._call.models import Scope
from .._errors import DingTalkError
from .._generated.results import Calendar
from ._exit_codes import ExitCode

_MAX_FAILURE_LINES = 20
"""A job over thousands of users can fail them all; people get the first ones, --json gets all."""


@frozen
class Report:
    """A command's answer, in each of the CLI's output modes."""

    document: dict[str, Any]
    """The --json document."""
    text: str
    """For people (may be several lines; empty for nothing)."""
    quiet_text: str = ""
    """With --quiet: only what a script needs."""
    exit_code: ExitCode = ExitCode.OK


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def calendar_report(calendar: Calendar) -> Report:
    rows = [
        ("calendar", calendar.calendar_id),
        ("name", calendar.name),
        ("description", calendar.description or "-"),
        ("author", calendar.author),
        ("managers", _listed(calendar.managers)),
        ("users", _listed(calendar.scope.users)),
        ("groups", _listed(calendar.scope.groups)),
        ("organisations", _listed(calendar.scope.organisations)),
        ("request id", calendar.request_id or "-"),
    ]
    width = max(len(label) for label, _ in rows)
    text = "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
    document = {
        "calendar_id": calendar.calendar_id,
        "name": calendar.name,
        "description": calendar.description,
        "author": calendar.author,
        "managers": list(calendar.managers),
        "scope": scope_document(calendar.scope),
        "request_id": calendar.request_id,
    }
    return Report(document=document, text=text, quiet_text=text)


def bulk_report(operation: str, result: BulkResult, *, journal: str | None) -> Report:
    lines = [f"bulk {operation}, calendar {result.calendar_id}: {_counts(result)}"]
    failures = [f"failed: {failure.user_id}: {failure.message}" for failure in result.failed[:_MAX_FAILURE_LINES]]
    if len(result.failed) > _MAX_FAILURE_LINES:
        failures.append(f"... and {len(result.failed) - _MAX_FAILURE_LINES} more failed (--json lists them all)")
    if result.not_attempted:
        failures.append(f"not attempted: {_listed(result.not_attempted, limit=10)}")
    if result.stopped_by is not None:
        failures.append(f"stopped by: {result.stopped_by}")
    if not result.ok:
        failures.append(
            f"to retry the others, run the same command again with --resume {journal}"
            if journal
            else "to retry, run it again (with --journal FILE, a later run can --resume FILE and skip the users done)"
        )
    return Report(
        document=bulk_document(operation, result),
        text="\n".join(lines + failures),
        quiet_text="\n".join(failures),
        exit_code=ExitCode.OK if result.ok else ExitCode.BULK_INCOMPLETE,
    )


def journal_failed_report(operation: str, result: BulkResult, error: DingTalkError) -> Report:
    """A bulk job stopped because its journal could not be written: how far it got, and how to finish."""
    path = getattr(error, "path", "the journal")
    lines = [
        f"bulk {operation}, calendar {result.calendar_id}: {_counts(result)}",
        f"error: {error}",
        f"once it can be written, run the same command again with --resume {path} to finish the job "
        "(a user done but not journaled is called again, which is harmless)",
    ]
    return Report(
        document={**bulk_document(operation, result), "journal_error": error_document(error)},
        text="\n".join(lines),
        quiet_text="\n".join(lines[1:]),
        exit_code=ExitCode.JOURNAL_UNWRITABLE,
    )


def bulk_document(operation: str, result: BulkResult) -> dict[str, Any]:
    return {
        "operation": operation,
        "calendar_id": result.calendar_id,
        "ok": result.ok,
        "done": list(result.done),
        "already_done": list(result.already_done),
        "failed": [failure_document(failure) for failure in result.failed],
        "not_attempted": list(result.not_attempted),
        "stopped_by": None if result.stopped_by is None else error_document(result.stopped_by),
    }


def failure_document(failure: Failure) -> dict[str, Any]:
    return {
        "user_id": failure.user_id,
        "code": failure.code,
        "message": failure.message,
        "request_id": getattr(failure.error, "request_id", None),
    }


def error_document(error: BaseException) -> dict[str, Any]:
    """An error as JSON: its class, DingTalk's code, the HTTP status and request id when known."""
    return {
        "type": type(error).__name__,
        "code": getattr(error, "raw_code", None),
        "status_code": getattr(error, "status_code", None),
        "request_id": getattr(error, "request_id", None),
        "message": str(error) if isinstance(error, DingTalkError) else _plain(error),
    }


def scope_document(scope: Scope) -> dict[str, list[str]]:
    return {"users": list(scope.users), "groups": list(scope.groups), "organisations": list(scope.organisations)}


def _counts(result: BulkResult) -> str:
    return (
        f"{len(result.done)} done, {len(result.already_done)} already done, "
        f"{len(result.failed)} failed, {len(result.not_attempted)} not attempted"
    )


def _listed(values: tuple[str, ...], *, limit: int | None = None) -> str:
    if not values:
        return "-"
    if limit is None or len(values) <= limit:
        return ", ".join(values)
    return ", ".join(values[:limit]) + f" and {len(values) - limit} more"


def request_note(request_id: str | None) -> str:
    return f" (request id {request_id})" if request_id else ""


def _plain(error: BaseException) -> str:
    return str(error) or type(error).__name__
