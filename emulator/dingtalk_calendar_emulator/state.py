"""The calendars and subscriptions an emulator holds, and read-only snapshots of them."""

import base64
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from dingtalk_calendar_api.models import GetSubscribedCalendarResponse, SubscribeScope
from dingtalk_calendar_api.types import UNSET

PRIMARY_CALENDAR_ID = "primary"
"""Every user's own calendar, as DingTalk's calendar APIs name it: a calendar, but not a subscribed one."""


@frozen
class Scope:
    """Who may subscribe: users, members of groups, members of organisations."""

    union_ids: tuple[str, ...] = ()
    open_conversation_ids: tuple[str, ...] = ()
    corp_ids: tuple[str, ...] = ()

    def to_model(self) -> SubscribeScope:
        """The generated ``SubscribeScope``."""
        return SubscribeScope(
            union_ids=list(self.union_ids),
            open_conversation_ids=list(self.open_conversation_ids),
            corp_ids=list(self.corp_ids),
        )

    def to_wire(self) -> dict[str, Any]:
        """The ``SubscribeScope`` JSON object."""
        return self.to_model().to_dict()


@frozen
class Calendar:
    """One subscribed calendar (immutable: an update stores a new value)."""

    calendar_id: str
    name: str
    description: str | None
    author: str
    managers: tuple[str, ...]
    scope: Scope
    app_key: str
    """The app whose token created it."""

    def to_wire(self) -> dict[str, Any]:
        """The ``GetSubscribedCalendarResponse`` JSON object."""
        return GetSubscribedCalendarResponse(
            calendar_id=self.calendar_id,
            name=self.name,
            description=UNSET if self.description is None else self.description,
            author=self.author,
            managers=list(self.managers),
            subscribe_scope=self.scope.to_model(),
        ).to_dict()


@frozen
class StateSnapshot:
    """What an emulator holds at one moment: calendars by id, and each user's subscriptions."""

    calendars: Mapping[str, Calendar]
    subscriptions: Mapping[str, tuple[str, ...]]
    """unionId -> calendarIds the user is subscribed to, in the order of subscription."""

    def subscribers(self, calendar_id: str) -> tuple[str, ...]:
        """unionIds of the users subscribed to ``calendar_id``."""
        return tuple(user for user, ids in self.subscriptions.items() if calendar_id in ids)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of GET /_emulator/state)."""
        return {
            "calendars": {cid: {**c.to_wire(), "appKey": c.app_key} for cid, c in self.calendars.items()},
            "subscriptions": {user: list(ids) for user, ids in self.subscriptions.items()},
        }


class CalendarStore:
    """The mutable state. Hold ``locked()`` across a check and the change that depends on it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._calendars: dict[str, Calendar] = {}
        self._subscriptions: dict[str, dict[str, None]] = {}  # an ordered set per user
        self._created = 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the state still (re-entrant)."""
        with self._lock:
            yield

    def new_calendar_id(self) -> str:
        """A fresh id shaped like DingTalk's (URL-safe base64 text)."""
        with self._lock:
            self._created += 1
            raw = f"{self._created}@subscribed.calendar.emulator"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def get(self, calendar_id: str) -> Calendar | None:
        """The calendar with this id, if it exists."""
        return self._calendars.get(calendar_id)

    def put(self, calendar: Calendar) -> None:
        """Store a new or changed calendar."""
        with self._lock:
            self._calendars[calendar.calendar_id] = calendar

    def subscriptions_of(self, union_id: str) -> tuple[str, ...]:
        """calendarIds ``union_id`` is subscribed to."""
        with self._lock:
            return tuple(self._subscriptions.get(union_id, ()))

    def subscribe(self, union_id: str, calendar_id: str) -> None:
        """Add a subscription (a second one is a no-op)."""
        with self._lock:
            self._subscriptions.setdefault(union_id, {})[calendar_id] = None

    def unsubscribe(self, union_id: str, calendar_id: str) -> None:
        """Remove a subscription, if there is one."""
        with self._lock:
            calendars = self._subscriptions.get(union_id)
            if calendars is not None:
                calendars.pop(calendar_id, None)
                if not calendars:
                    del self._subscriptions[union_id]

    def delete(self, calendar_id: str) -> None:
        """Remove a calendar and every user's subscription to it."""
        with self._lock:
            self._calendars.pop(calendar_id, None)
            for union_id in [user for user, ids in self._subscriptions.items() if calendar_id in ids]:
                self.unsubscribe(union_id, calendar_id)

    def snapshot(self) -> StateSnapshot:
        """A consistent copy of everything."""
        with self._lock:
            return StateSnapshot(
                calendars=dict(self._calendars),
                subscriptions={user: tuple(ids) for user, ids in self._subscriptions.items()},
            )

    def clear(self) -> None:
        """Forget every calendar and subscription."""
        with self._lock:
            self._calendars.clear()
            self._subscriptions.clear()
