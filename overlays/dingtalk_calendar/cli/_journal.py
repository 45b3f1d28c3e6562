"""A bulk job's journal: one JSON line per user as soon as the user is settled, to resume from.

A line is ``{"operation": "subscribe", "calendar_id": ..., "user_id": ..., "outcome": "done"}``
(failures add ``code``). Only calls that were made are written ("done", "failed"); users
skipped as already done are not, so a journal never claims more than happened. Resuming
skips the users a journal records as done for the same operation and calendar.
"""

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from .._bulk import Progress
from ._errors import UsageError

_WRITTEN_OUTCOMES = frozenset({"done", "failed"})


class Journal:
    """Appends settled users to a file; safe to call from the bulk job's worker threads."""

    def __init__(self, path: str, *, operation: str, calendar_id: str) -> None:
        self.path = path
        self._operation = operation
        self._calendar_id = calendar_id
        self._lock = threading.Lock()
        try:
            self._file: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115  # closed by close()
        except OSError as error:
            raise UsageError(f"cannot open journal {path}: {error.strerror or error}") from None

    def record(self, progress: Progress) -> None:
        if progress.outcome not in _WRITTEN_OUTCOMES:
            return
        entry: dict[str, str | None] = {
            "operation": self._operation,
            "calendar_id": self._calendar_id,
            "user_id": progress.user_id,
            "outcome": progress.outcome,
        }
        if progress.error is not None:
            entry["code"] = getattr(progress.error, "raw_code", None)
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self._file.write(line)
            # Flushed line by line: an interrupted or killed job loses no settled user.
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def users_done(paths: Iterable[str], *, operation: str, calendar_id: str) -> set[str]:
    """Users the journals at ``paths`` record as done for this operation and calendar."""
    done: set[str] = set()
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise UsageError(f"cannot read journal {path}: {reason}") from None
        for number, line in enumerate(lines, start=1):
            entry = _entry(line)
            if entry is None:
                if number == len(lines):
                    continue  # a line cut short by a crash: that user is simply done again
                raise UsageError(f"journal {path}, line {number}: not a journal entry")
            user_id = entry.get("user_id")
            if (
                isinstance(user_id, str)
                and entry.get("operation") == operation
                and entry.get("calendar_id") == calendar_id
                and entry.get("outcome") == "done"
            ):
                done.add(user_id)
    return done


def _entry(line: str) -> dict[str, object] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "user_id" in value and "outcome" in value else None
