"""The state file: which DingTalk event each feed event became, and the digest it was sent with.

DingTalk lets a client choose neither an event's id nor attach its own properties, so the
mapping lives here: one JSON document, rewritten whole (to a temporary file, then renamed
over the old one) after every write to DingTalk, so that a run killed at any point leaves
the state of its last finished write. A state belongs to one user and calendar; using it
for another is refused.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from attrs import define, field

from ._errors import StateError
from ._model import Key

VERSION = 1


@define
class Entry:
    event_id: str
    digest: str


@define
class State:
    path: Path
    user_id: str
    calendar_id: str
    entries: dict[Key, Entry] = field(factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, user_id: str, calendar_id: str) -> State:
        """The state at ``path``; an empty one when the file does not exist yet."""
        where = Path(path)
        if not where.exists():
            return cls(where, user_id, calendar_id)
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                raise StateError(f"{where}: state version {data.get('version')!r}, this SDK reads {VERSION}")
            entries = {
                (str(item["uid"]), str(item["recurrence_id"])): Entry(str(item["event_id"]), str(item["digest"]))
                for item in data["events"]
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            if isinstance(error, StateError):
                raise
            raise StateError(f"{where}: not an ics-sync state file ({type(error).__name__}: {error})") from None
        if (data.get("user_id"), data.get("calendar_id")) != (user_id, calendar_id):
            raise StateError(
                f"{where} is the state of user {data.get('user_id')!r}'s calendar {data.get('calendar_id')!r},"
                f" not of {user_id!r}'s {calendar_id!r}"
            )
        return cls(where, user_id, calendar_id, entries)

    def save(self) -> None:
        document: dict[str, Any] = {
            "version": VERSION,
            "user_id": self.user_id,
            "calendar_id": self.calendar_id,
            "events": [
                {"uid": uid, "recurrence_id": rid, "event_id": entry.event_id, "digest": entry.digest}
                for (uid, rid), entry in sorted(self.entries.items())
            ],
        }
        folder = self.path.parent if str(self.path.parent) else Path(".")
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(document, stream, ensure_ascii=False, indent=1)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
