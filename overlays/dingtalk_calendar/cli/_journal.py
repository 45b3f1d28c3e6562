"""A bulk job's journal: one JSON line per user as soon as the user is settled, to resume from.

A line is ``{"operation": "subscribe", "calendar_id": ..., "user_id": ..., "outcome": "done"}``
(failures add ``code``). Only calls that were made are written ("done", "failed"), so a
journal never claims more than happened. Damage is handled where it can arise (a cut last
line, a damaged line, a full disk, an id UTF-8 cannot hold, two processes at once):
docs/bulk-journal.md has the table.
"""

import errno
import fcntl
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from types import TracebackType
from typing import Self, TextIO

from .._bulk.result import Progress
from .._errors import DingTalkError
from .._json import UnreadableJSONError, decode_json
from ._errors import UsageError

_WRITTEN_OUTCOMES = frozenset({"done", "failed"})


class JournalWriteError(DingTalkError):
    """The journal could not be written (a full disk, a read-only file system); the job stopped.

    ``path`` names the journal; it holds every user settled before the failure, and
    ``--resume`` with it completes the job once the cause is fixed.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot write journal {path}: {reason}; the job stopped")


class Journal:
    """Appends settled users to a file; safe to call from the bulk job's worker threads.

    Opening takes the journal's lock (refused when another process holds it) and drops a
    cut last line, saying so on ``notices`` (standard error by default).
    """

    def __init__(self, path: str, *, operation: str, calendar_id: str, notices: TextIO | None = None) -> None:
        self.path = path
        self._operation = operation
        self._calendar_id = calendar_id
        self._lock = threading.Lock()
        self._broken: JournalWriteError | None = None
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as error:
            raise UsageError(f"cannot open journal {path}: {error.strerror or error}") from None
        try:
            _lock(self._fd, path, exclusive=True)
            self._size = _repair(self._fd, path, notices or sys.stderr)
        except BaseException:
            os.close(self._fd)
            raise

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
        data = _encoded(entry)
        with self._lock:
            if self._broken is not None:  # never append after a line a failed write may have cut
                raise self._broken
            try:
                _write_all(self._fd, data)  # unbuffered: an interrupted or killed job loses no settled user
            except OSError as error:
                self._broken = JournalWriteError(self.path, _reason(error))
                self._undo_partial_write()
                raise self._broken from error
            self._size += len(data)

    def _undo_partial_write(self) -> None:
        # Cutting a file back needs no space; should it fail, the next open repairs the line.
        with suppress(OSError):
            os.ftruncate(self._fd, self._size)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)  # releases the lock
                self._fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _encoded(entry: dict[str, str | None]) -> bytes:
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:  # an id with an undecodable byte (a lone surrogate): escape it
        return (json.dumps(entry) + "\n").encode("ascii")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return error.strerror or str(error)


def _lock(fd: int, path: str, *, exclusive: bool) -> None:
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        raise UsageError(
            f"journal {path} is in use by another dingtalk-calendar process (a job writing or resuming it); "
            "wait for that job to end, or give this one another --journal"
        ) from None


def _repair(fd: int, path: str, notices: TextIO) -> int:
    """Drop a cut last line (kept when it is a whole entry missing only its newline); the size after."""
    size = os.fstat(fd).st_size
    if size == 0:
        return 0
    data = os.pread(fd, size, 0)
    if data.endswith(b"\n"):
        return size
    cut_at = data.rfind(b"\n") + 1
    if _entry_of(data[cut_at:]) is not None:
        _write_all(fd, b"\n")
        return size + 1
    os.ftruncate(fd, cut_at)
    line = data.count(b"\n") + 1
    notices.write(
        f"journal {path}: dropped line {line}, cut short by an interrupted write ({size - cut_at} bytes); "
        "a user it named is called again\n"
    )
    return cut_at


@contextmanager
def resuming_from(paths: list[str], *, written: Journal | None) -> Iterator[None]:
    """Hold a shared lock on each journal resumed from (but the one this job writes) for the job's time."""
    with ExitStack() as held:
        for path in paths:
            if written is not None and _same_file(path, written.path):
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError as error:
                raise UsageError(f"cannot read journal {path}: {error.strerror or error}") from None
            held.callback(os.close, fd)
            _lock(fd, path, exclusive=False)
        yield


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def users_done(paths: list[str] | tuple[str, ...], *, operation: str, calendar_id: str) -> set[str]:
    """Users the journals at ``paths`` record as done for this operation and calendar."""
    done: set[str] = set()
    for path in paths:
        for entry in _entries(path):
            user_id = entry.get("user_id")
            if (
                isinstance(user_id, str)
                and entry.get("operation") == operation
                and entry.get("calendar_id") == calendar_id
                and entry.get("outcome") == "done"
            ):
                done.add(user_id)
    return done


def _entries(path: str) -> Iterator[dict[str, object]]:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise UsageError(f"cannot read journal {path}: {error.strerror or error}") from None
    lines = data.split(b"\n")
    # After the last newline: b"" for a whole journal, else a line cut short (skipped: that user is done again).
    for number, line in enumerate(lines[:-1], start=1):
        entry = _entry_of(line)
        if entry is None:
            raise UsageError(
                f"journal {path}, line {number}: not a journal entry (damaged?); delete that line or restore it "
                "from a backup, then run again (a user it named is then called again)"
            )
        yield entry
    if (last := _entry_of(lines[-1])) is not None:
        yield last


def _entry_of(line: bytes) -> dict[str, object] | None:
    try:
        value = decode_json(line, what="a journal line")
    except UnreadableJSONError:
        return None
    return value if isinstance(value, dict) and "user_id" in value and "outcome" in value else None
